using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using VertexAI.Json;

namespace VertexAI.Native
{
    /// <summary>Small readers and writers shared by the native route classes.</summary>
    public static class NativeJson
    {
        /// <summary>Builds a UTF-8 JSON body with <paramref name="write"/> inside one object.</summary>
        public static byte[] Object(Action<Utf8JsonWriter> write)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream))
            {
                w.WriteStartObject();
                write(w);
                w.WriteEndObject();
            }
            return stream.ToArray();
        }

        /// <summary>A Duration as proto JSON writes it: seconds with up to nine decimals and an <c>s</c> (<c>"3600s"</c>, <c>"1.5s"</c>).</summary>
        public static string Duration(TimeSpan value)
        {
            var seconds = value.Ticks / (decimal)TimeSpan.TicksPerSecond;
            return seconds.ToString("0.#########", CultureInfo.InvariantCulture) + "s";
        }

        /// <summary>A Timestamp as RFC 3339 in UTC (<c>2026-01-01T12:00:00.000Z</c>).</summary>
        public static string Timestamp(DateTimeOffset value) =>
            value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        internal static string? String(JsonElement o, string name) =>
            o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        // int64 and some counts arrive as strings in proto JSON; both forms are read.
        internal static long? Number(JsonElement o, string name)
        {
            if (!o.TryGetProperty(name, out var v)) return null;
            if (v.ValueKind == JsonValueKind.Number) return v.TryGetInt64(out var l) ? l : (long)v.GetDouble();
            if (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return (long)d;
            return null;
        }

        internal static DateTimeOffset? Time(JsonElement o, string name) =>
            String(o, name) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : (DateTimeOffset?)null;

        /// <summary>
        /// Writes a plain value (from <c>extra_body</c> or <c>extra_content</c>, in the chat API's snake_case) with its object
        /// member names in lowerCamelCase, as native JSON spells them (<c>file_data</c> → <c>fileData</c>).
        /// </summary>
        internal static void WriteCamel(Utf8JsonWriter w, object? value)
        {
            switch (value)
            {
                case IDictionary<string, object?> map:
                    w.WriteStartObject();
                    foreach (var kv in map)
                    {
                        w.WritePropertyName(Camel(kv.Key));
                        WriteCamel(w, kv.Value);
                    }
                    w.WriteEndObject();
                    break;
                case System.Collections.IList list:
                    w.WriteStartArray();
                    foreach (var item in list) WriteCamel(w, item);
                    w.WriteEndArray();
                    break;
                default:
                    PlainJson.Write(w, value);
                    break;
            }
        }

        /// <summary><c>snake_case</c> → <c>lowerCamelCase</c> (names without an underscore are kept).</summary>
        internal static string Camel(string snake)
        {
            if (snake.IndexOf('_') < 0) return snake;
            var parts = snake.Split('_');
            var sb = new System.Text.StringBuilder(parts[0]);
            for (var i = 1; i < parts.Length; i++)
            {
                if (parts[i].Length == 0) continue;
                sb.Append(char.ToUpperInvariant(parts[i][0])).Append(parts[i], 1, parts[i].Length - 1);
            }
            return sb.ToString();
        }

        /// <summary>Copies the members not in <paramref name="known"/> into <paramref name="target"/> as plain values.</summary>
        internal static void KeepUnknown(JsonElement o, JsonModel target, params string[] known)
        {
            var set = new HashSet<string>(known, StringComparer.Ordinal);
            foreach (var p in o.EnumerateObject())
            {
                if (!set.Contains(p.Name)) target.AdditionalProperties[p.Name] = PlainJson.FromElement(p.Value);
            }
        }
    }
}
