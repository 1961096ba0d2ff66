using System.Collections.Generic;

namespace VertexAI
{
    /// <summary>One element of a message's <c>content</c> array: text, an image URL, or a media blob.</summary>
    public sealed class ContentPart : JsonModel
    {
        /// <summary>Part type: <c>text</c>, <c>image_url</c>, <c>input_audio</c>, or whatever the server sends.</summary>
        public string Type { get; set; } = "text";

        /// <summary>The text of a <c>text</c> part.</summary>
        public string? Text { get; set; }

        /// <summary>The URL of an <c>image_url</c> part: <c>gs://</c>, <c>https://</c> or a <c>data:</c> URI.</summary>
        public string? ImageUrl { get; set; }

        /// <summary>OpenAI's <c>detail</c> for an image; when set the URL is written in the object form.</summary>
        public string? ImageDetail { get; set; }

        /// <summary>
        /// Whether <c>image_url</c> is written as <c>{"url": ...}</c> rather than the bare string Vertex's samples use.
        /// Set when a part read from JSON had the object form, so it is written back the same way.
        /// </summary>
        public bool ImageUrlAsObject { get; set; }

        /// <summary>Extra members of the <c>image_url</c> object form, kept for the round trip.</summary>
        public IDictionary<string, object?>? ImageUrlAdditional { get; set; }

        /// <summary>The <c>data</c> of an <c>input_audio</c> part: base64 bytes or a <c>gs://</c>/<c>https://</c> URI.</summary>
        public string? AudioData { get; set; }

        /// <summary>The <c>format</c> of an <c>input_audio</c> part: a MIME type such as <c>audio/mp3</c> or <c>video/mp4</c>.</summary>
        public string? AudioFormat { get; set; }

        /// <summary>Extra members of the <c>input_audio</c> object, kept for the round trip.</summary>
        public IDictionary<string, object?>? InputAudioAdditional { get; set; }

        /// <summary>Vertex's per-part <c>extra_content</c> (e.g. <c>google.thought</c>).</summary>
        public IDictionary<string, object?>? ExtraContent { get; set; }

        /// <summary>A text part.</summary>
        public static ContentPart FromText(string text) => new ContentPart { Type = "text", Text = text };

        /// <summary>An <c>image_url</c> part (URL written as a bare string, as in Vertex's samples).</summary>
        public static ContentPart FromImageUrl(string url) => new ContentPart { Type = "image_url", ImageUrl = url };

        /// <summary>An <c>input_audio</c> part; Vertex accepts any blob MIME type here (audio, video, PDF).</summary>
        public static ContentPart FromInputAudio(string data, string format)
            => new ContentPart { Type = "input_audio", AudioData = data, AudioFormat = format };

        /// <inheritdoc/>
        public override string ToString() => Type switch
        {
            "text" => Text ?? string.Empty,
            "image_url" => $"[image {Abbreviate(ImageUrl)}]",
            "input_audio" => $"[{AudioFormat} {Abbreviate(AudioData)}]",
            _ => $"[{Type}]",
        };

        private static string Abbreviate(string? s)
            => s is null ? string.Empty : s.Length <= 60 ? s : s.Substring(0, 57) + "...";
    }
}
