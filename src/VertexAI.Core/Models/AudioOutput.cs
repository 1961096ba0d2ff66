using System;
using System.Collections.Generic;

namespace VertexAI
{
    /// <summary>
    /// The <c>audio</c> member of an assistant message. Vertex also uses it for generated images: the bytes are in
    /// <see cref="Data"/> and the media type in <c>extra_content.google.mime_type</c>.
    /// </summary>
    public sealed class AudioOutput : JsonModel
    {
        /// <summary>Base64-encoded bytes.</summary>
        public string? Data { get; set; }

        /// <summary>OpenAI's audio id, when present.</summary>
        public string? Id { get; set; }

        /// <summary>OpenAI's transcript of generated audio, when present.</summary>
        public string? Transcript { get; set; }

        /// <summary>Vertex's <c>extra_content</c> (holds <c>google.mime_type</c>).</summary>
        public IDictionary<string, object?>? ExtraContent { get; set; }

        /// <summary>The media type of the bytes (e.g. <c>image/png</c>), from <c>extra_content.google.mime_type</c>.</summary>
        public string? MimeType => VertexAI.ExtraContent.GetGoogleString(ExtraContent, "mime_type");

        /// <summary>The decoded bytes (empty when there is no data).</summary>
        public byte[] GetBytes() => string.IsNullOrEmpty(Data) ? Array.Empty<byte>() : Convert.FromBase64String(Data);

        /// <inheritdoc/>
        public override string ToString() => $"[{MimeType ?? "audio"}, {Media.Base64Length.Decoded(Data)} bytes]";
    }
}
