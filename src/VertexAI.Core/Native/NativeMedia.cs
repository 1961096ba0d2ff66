using VertexAI.Media;

namespace VertexAI.Native
{
    /// <summary>
    /// A chat media value (an <c>image_url</c> URL or <c>input_audio</c> data) as the native Part holds it: <c>fileData</c>
    /// {mimeType, fileUri} for gs:// and https:// URIs, <c>inlineData</c> {mimeType, data} for data: URIs and bare base64
    /// (Part, Blob and FileData of Vertex's REST reference, cloud.google.com/vertex-ai/docs/reference/rest/v1/Content;
    /// both mimeType fields are "the IANA standard MIME type of the source data", so a type is required).
    /// </summary>
    internal readonly struct NativeMedia
    {
        private NativeMedia(bool inline, string mimeType, string value)
        {
            Inline = inline;
            MimeType = mimeType;
            Value = value;
        }

        /// <summary>True for inlineData (Value is base64), false for fileData (Value is the URI).</summary>
        internal bool Inline { get; }

        internal string MimeType { get; }

        internal string Value { get; }

        /// <summary>
        /// Resolves <paramref name="value"/>; <paramref name="format"/> is input_audio's format (null for image_url). Returns
        /// false with <paramref name="problem"/> when the value has no native form (no media type, not a URI, not base64).
        /// </summary>
        internal static bool TryResolve(string value, string? format, out NativeMedia media, out string? problem)
        {
            media = default;
            problem = null;
            var type = MediaTypeOf(format);
            switch (MediaReference.Classify(value))
            {
                case MediaReferenceKind.CloudStorage:
                case MediaReferenceKind.Https:
                    type ??= MediaTypes.FromExtension(value);
                    if (type is null)
                    {
                        problem = $"the media type of '{MediaReference.Abbreviate(value)}' is unknown (no known extension); the native fileData needs one (New-GeminiMessage -MediaType)";
                        return false;
                    }
                    media = new NativeMedia(false, type, value.Trim());
                    return true;
                case MediaReferenceKind.Data:
                    try
                    {
                        // The data: URI names its own bytes' type; that is the type sent.
                        MediaReference.ParseDataUri(value, out var dataType, out var base64);
                        media = new NativeMedia(true, dataType, base64);
                        return true;
                    }
                    catch (System.ArgumentException ex)
                    {
                        problem = ex.Message;
                        return false;
                    }
                default:
                    if (type is not null && IsBase64(value))
                    {
                        media = new NativeMedia(true, type, value);
                        return true;
                    }
                    problem = $"'{MediaReference.Abbreviate(value)}' is not a gs://, https:// or data: URI" + (type is null ? string.Empty : " nor base64 data");
                    return false;
            }
        }

        // Vertex's chat API takes input_audio.format as a media type ("audio/mp3", PROTOCOL.md); OpenAI's bare formats
        // ("wav", "mp3") are audio types, which the native mimeType must spell out (an IANA type, "audio/wav").
        private static string? MediaTypeOf(string? format)
        {
            if (string.IsNullOrWhiteSpace(format)) return null;
            var f = format!.Trim();
            return f.IndexOf('/') > 0 ? f : "audio/" + f;
        }

        private static bool IsBase64(string s)
        {
            if (s.Length == 0 || s.Length % 4 != 0) return false;
            foreach (var c in s)
            {
                if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=')) return false;
            }
            return true;
        }
    }
}
