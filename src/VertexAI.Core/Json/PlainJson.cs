using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace VertexAI.Json
{
    /// <summary>
    /// Converts between JSON and "plain" .NET values: <see cref="Dictionary{TKey,TValue}"/> (string keys, insertion
    /// order kept), <c>object?[]</c>, string, long, double, bool and null. Plain values are what PowerShell users read
    /// and write (hashtables, arrays), and what unknown response members are kept as so they can be sent back.
    /// </summary>
    public static class PlainJson
    {
        private const int MaxDepth = 64;

        /// <summary>Reads a JSON element into a plain value.</summary>
        public static object? FromElement(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var p in element.EnumerateObject())
                    {
                        map[p.Name] = FromElement(p.Value);
                    }
                    return map;
                case JsonValueKind.Array:
                    var list = new object?[element.GetArrayLength()];
                    var i = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        list[i++] = FromElement(item);
                    }
                    return list;
                case JsonValueKind.String:
                    return element.GetString();
                case JsonValueKind.Number:
                    if (element.TryGetInt64(out var l)) return l;
                    if (element.TryGetDouble(out var d) && !double.IsInfinity(d)) return d;
                    // Beyond double's range: keep the digits rather than fail or round to infinity.
                    return element.GetRawText();
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                default:
                    return null;
            }
        }

        /// <summary>Reads a JSON object into a plain map; returns null when the element is not an object.</summary>
        public static Dictionary<string, object?>? MapFromElement(JsonElement element)
            => element.ValueKind == JsonValueKind.Object ? (Dictionary<string, object?>)FromElement(element)! : null;

        /// <summary>Parses JSON text into a plain value.</summary>
        public static object? Parse(string json)
        {
            using var doc = JsonDocument.Parse(json);
            return FromElement(doc.RootElement);
        }

        /// <summary>Serializes a plain value (or any dictionary, list or simple object) as JSON text.</summary>
        public static string Serialize(object? value, bool indented = false)
        {
            using var buffer = new System.IO.MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
            {
                Write(writer, value);
            }
            return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }

        /// <summary>
        /// Writes a value as JSON. Accepts plain values and also what PowerShell hands over once unwrapped:
        /// any <see cref="IDictionary"/> (Hashtable, OrderedDictionary), any enumerable, numbers of every width,
        /// enums (by name), dates (ISO 8601), byte arrays (base64) and objects (their public properties).
        /// </summary>
        public static void Write(Utf8JsonWriter writer, object? value) => Write(writer, value, 0);

        private static void Write(Utf8JsonWriter writer, object? value, int depth)
        {
            if (depth > MaxDepth)
            {
                throw new ArgumentException($"The value is nested more than {MaxDepth} levels deep (is there a reference cycle?).");
            }

            switch (value)
            {
                case null:
                case DBNull _:
                    writer.WriteNullValue();
                    return;
                case string s:
                    writer.WriteStringValue(s);
                    return;
                case char c:
                    writer.WriteStringValue(c.ToString());
                    return;
                case bool b:
                    writer.WriteBooleanValue(b);
                    return;
                case JsonElement e:
                    e.WriteTo(writer);
                    return;
                case int i:
                    writer.WriteNumberValue(i);
                    return;
                case long l:
                    writer.WriteNumberValue(l);
                    return;
                case double d:
                    WriteDouble(writer, d);
                    return;
                case float f:
                    WriteDouble(writer, f);
                    return;
                case decimal m:
                    writer.WriteNumberValue(m);
                    return;
                case short _:
                case byte _:
                case sbyte _:
                case ushort _:
                case uint _:
                    writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    return;
                case ulong ul:
                    writer.WriteNumberValue(ul);
                    return;
                case Enum en:
                    writer.WriteStringValue(en.ToString());
                    return;
                case DateTime dt:
                    writer.WriteStringValue(dt.ToString("o", CultureInfo.InvariantCulture));
                    return;
                case DateTimeOffset dto:
                    writer.WriteStringValue(dto.ToString("o", CultureInfo.InvariantCulture));
                    return;
                case TimeSpan ts:
                    writer.WriteStringValue(ts.ToString("c", CultureInfo.InvariantCulture));
                    return;
                case Guid g:
                    writer.WriteStringValue(g.ToString());
                    return;
                case Uri u:
                    writer.WriteStringValue(u.OriginalString);
                    return;
                case byte[] bytes:
                    writer.WriteBase64StringValue(bytes);
                    return;
                case IDictionary dict:
                    writer.WriteStartObject();
                    foreach (DictionaryEntry entry in dict)
                    {
                        writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                        Write(writer, entry.Value, depth + 1);
                    }
                    writer.WriteEndObject();
                    return;
                case IDictionary<string, object?> gdict:
                    // Generic-only dictionaries (e.g. ExpandoObject) do not implement IDictionary.
                    writer.WriteStartObject();
                    foreach (var kv in gdict)
                    {
                        writer.WritePropertyName(kv.Key);
                        Write(writer, kv.Value, depth + 1);
                    }
                    writer.WriteEndObject();
                    return;
                case IEnumerable enumerable:
                    writer.WriteStartArray();
                    foreach (var item in enumerable)
                    {
                        Write(writer, item, depth + 1);
                    }
                    writer.WriteEndArray();
                    return;
                default:
                    WriteObjectProperties(writer, value, depth);
                    return;
            }
        }

        private static void WriteDouble(Utf8JsonWriter writer, double d)
        {
            if (double.IsNaN(d) || double.IsInfinity(d))
            {
                throw new ArgumentException($"The number {d} cannot be written as JSON.");
            }
            writer.WriteNumberValue(d);
        }

        // Like ConvertTo-Json: an arbitrary object becomes its public readable instance properties.
        private static void WriteObjectProperties(Utf8JsonWriter writer, object value, int depth)
        {
            writer.WriteStartObject();
            foreach (var prop in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (!prop.CanRead || prop.GetIndexParameters().Length != 0) continue;
                writer.WritePropertyName(prop.Name);
                Write(writer, prop.GetValue(value), depth + 1);
            }
            writer.WriteEndObject();
        }

        /// <summary>Deep-copies a plain value (maps and arrays are copied; scalars shared).</summary>
        public static object? Clone(object? value)
        {
            switch (value)
            {
                case Dictionary<string, object?> map:
                    var copy = new Dictionary<string, object?>(map.Count, StringComparer.Ordinal);
                    foreach (var kv in map) copy[kv.Key] = Clone(kv.Value);
                    return copy;
                case object?[] array:
                    var a = new object?[array.Length];
                    for (var i = 0; i < array.Length; i++) a[i] = Clone(array[i]);
                    return a;
                default:
                    return value;
            }
        }

        /// <summary>
        /// Merges <paramref name="source"/> into <paramref name="target"/>: nested maps merge key by key, and for any
        /// other value the first one seen is kept (a stream repeats metadata; it never needs overwriting).
        /// </summary>
        public static void MergeInto(IDictionary<string, object?> target, IDictionary<string, object?> source)
        {
            foreach (var kv in source)
            {
                if (!target.TryGetValue(kv.Key, out var existing) || existing is null)
                {
                    target[kv.Key] = Clone(kv.Value);
                }
                else if (existing is IDictionary<string, object?> tmap && kv.Value is IDictionary<string, object?> smap)
                {
                    MergeInto(tmap, smap);
                }
            }
        }

        /// <summary>Follows a path of keys through nested maps (any <see cref="IDictionary"/>); null when absent.</summary>
        public static object? GetPath(object? root, params string[] path)
        {
            var current = root;
            foreach (var key in path)
            {
                if (current is IDictionary<string, object?> gmap)
                {
                    if (!gmap.TryGetValue(key, out current)) return null;
                }
                else if (current is IDictionary map)
                {
                    current = map.Contains(key) ? map[key] : null;
                }
                else
                {
                    return null;
                }
            }
            return current;
        }
    }
}
