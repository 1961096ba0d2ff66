using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace VertexAI
{
    /// <summary>
    /// The request JSON as <c>-Debug</c> shows it: indented, with media shortened (<c>data:image/png;base64,iVBOR…(12345
    /// bytes)</c>) so a picture does not flood the screen. The body never holds the token (it travels in a header).
    /// </summary>
    public static class RequestBodyLog
    {
        /// <summary>Base64 runs longer than this are shortened (thought signatures, inline audio, data: URIs).</summary>
        public const int MaxInlineBase64 = 64;

        private static readonly JsonWriterOptions s_options = new JsonWriterOptions
        {
            Indented = true,
            // Readable text: no \u escapes for accents or quotes in a debug line.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        /// <summary>The body, shortened for reading; the raw text (cut) when it is not JSON.</summary>
        public static string Describe(byte[] body)
        {
            if (body is null) throw new ArgumentNullException(nameof(body));
            try
            {
                using var doc = JsonDocument.Parse(body);
                using var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer, s_options))
                {
                    Write(writer, doc.RootElement);
                }
                return Encoding.UTF8.GetString(buffer.ToArray());
            }
            catch (JsonException)
            {
                var text = Encoding.UTF8.GetString(body);
                return text.Length <= 4096 ? text : text.Substring(0, 4096) + "…";
            }
        }

        /// <summary>A string value as shown: a long data: URI or base64 run becomes its start and its size in bytes.</summary>
        public static string Shorten(string value)
        {
            if (value is null) throw new ArgumentNullException(nameof(value));
            if (value.Length <= MaxInlineBase64) return value;
            if (value.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            {
                var comma = value.IndexOf(',');
                if (comma > 0 && value.Length - comma - 1 > MaxInlineBase64 && IsBase64(value, comma + 1))
                {
                    return value.Substring(0, comma + 1) + Abbreviate(value.Substring(comma + 1));
                }
                return value;
            }
            return IsBase64(value, 0) ? Abbreviate(value) : value;
        }

        private static string Abbreviate(string base64)
            => base64.Substring(0, 5) + "…(" + (base64.TrimEnd('=').Length * 3L / 4).ToString(CultureInfo.InvariantCulture) + " bytes)";

        private static bool IsBase64(string s, int start)
        {
            for (var i = start; i < s.Length; i++)
            {
                var c = s[i];
                var ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=' || c == '-' || c == '_';
                if (!ok) return false;
            }
            return true;
        }

        private static void Write(Utf8JsonWriter writer, JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    writer.WriteStartObject();
                    foreach (var p in element.EnumerateObject())
                    {
                        writer.WritePropertyName(p.Name);
                        Write(writer, p.Value);
                    }
                    writer.WriteEndObject();
                    break;
                case JsonValueKind.Array:
                    writer.WriteStartArray();
                    foreach (var item in element.EnumerateArray()) Write(writer, item);
                    writer.WriteEndArray();
                    break;
                case JsonValueKind.String:
                    writer.WriteStringValue(Shorten(element.GetString()!));
                    break;
                default:
                    element.WriteTo(writer);
                    break;
            }
        }
    }
}
