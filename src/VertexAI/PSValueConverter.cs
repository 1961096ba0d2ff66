using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using VertexAI.Json;

namespace VertexAI.Commands
{
    /// <summary>
    /// Turns PowerShell values into the core's plain values: maps (<c>Dictionary&lt;string, object?&gt;</c>, ordinal
    /// keys, insertion order kept), arrays (<c>object?[]</c>) and scalars. PSObject wrappers are removed;
    /// PSCustomObjects become maps of their properties; hashtables and ordered dictionaries become maps (keys as
    /// strings); arrays and lists become arrays; all of it recursively. This is how -ExtraBody, -ExtraContent,
    /// -Parameters and -ResponseFormat reach the wire as PowerShell users expect.
    /// </summary>
    internal static class PSValueConverter
    {
        private const int MaxDepth = 64;

        /// <summary>Converts any PowerShell value.</summary>
        internal static object? ToPlain(object? value) => Convert(value, 0);

        /// <summary>Converts a dictionary (a hashtable, an ordered dictionary) to a plain map.</summary>
        internal static Dictionary<string, object?> ToMap(IDictionary dictionary) => MapOf(dictionary, 0);

        /// <summary>
        /// Converts a value that must be a JSON object: a hashtable, a PSCustomObject, or (when
        /// <paramref name="allowJson"/>) a JSON string. Throws <see cref="ArgumentException"/> naming
        /// <paramref name="parameterName"/> otherwise.
        /// </summary>
        internal static Dictionary<string, object?> ToObjectMap(object? value, string parameterName, bool allowJson)
        {
            var plain = ToPlain(value);
            if (allowJson && plain is object?[] lines && lines.Length > 0 && Array.TrueForAll(lines, l => l is string))
            {
                // Get-Content without -Raw gives the lines of a JSON file.
                plain = string.Join("\n", Array.ConvertAll(lines, l => (string)l!));
            }
            if (allowJson && plain is string json)
            {
                try
                {
                    plain = PlainJson.Parse(json);
                }
                catch (Exception ex) when (!(ex is OutOfMemoryException || ex is StackOverflowException))
                {
                    throw new ArgumentException($"-{parameterName} is not valid JSON: {ex.Message}", parameterName, ex);
                }
            }
            return plain as Dictionary<string, object?>
                ?? throw new ArgumentException(
                    $"-{parameterName} must be {(allowJson ? "a hashtable, a PSCustomObject or a JSON object string" : "a hashtable or a PSCustomObject")}, not {Describe(plain)}.",
                    parameterName);
        }

        /// <summary>
        /// Converts a value sent as it is inside the request (-ExtraBody, -ExtraContent), where only JSON values make sense:
        /// a hashtable or a PSCustomObject at the top, and below it null, strings, booleans, numbers, hashtables (string
        /// keys), arrays and lists, PSCustomObjects, and the JSON-like scalars: dates (ISO 8601), enums (their name), GUIDs
        /// and URIs (their text). Anything else, a script block above all, is an <see cref="ArgumentException"/> for
        /// <paramref name="parameterName"/> naming the key path under <paramref name="root"/> (e.g. <c>extra_body.google.x</c>):
        /// refused here, before any request, rather than failing in the JSON writer once per request.
        /// </summary>
        internal static Dictionary<string, object?> ToJsonObject(object? value, string root, string parameterName)
        {
            var unwrapped = value is PSObject wrapper && !(wrapper.BaseObject is PSCustomObject) ? wrapper.BaseObject : value;
            if (unwrapped is IDictionary || unwrapped is PSObject)
            {
                return (Dictionary<string, object?>)ToJson(value, root, parameterName, 0)!;
            }
            throw new ArgumentException($"-{parameterName} must be a hashtable or a PSCustomObject, not {DescribeValue(unwrapped)}.", parameterName);
        }

        private static object? ToJson(object? value, string path, string parameterName, int depth)
        {
            if (depth > MaxDepth)
            {
                throw new ArgumentException($"-{parameterName}: {path} is nested more than {MaxDepth} levels deep (is there a reference cycle?).", parameterName);
            }

            if (value is PSObject psObject)
            {
                if (psObject.BaseObject is PSCustomObject)
                {
                    var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var property in GettableValues(psObject))
                    {
                        properties[property.Key] = ToJson(property.Value, path + "." + property.Key, parameterName, depth + 1);
                    }
                    return properties;
                }
                value = psObject.BaseObject;
            }

            switch (value)
            {
                case null:
                case DBNull _:
                case string _:
                case bool _:
                case byte[] _:
                    return Convert(value, depth);
                case char _:
                case SwitchParameter _:
                case sbyte _:
                case byte _:
                case short _:
                case ushort _:
                case int _:
                case uint _:
                case long _:
                case ulong _:
                case float _:
                case double _:
                case decimal _:
                case Enum _:
                    return Convert(value, depth);
                case DateTime dateTime:
                    return dateTime.ToString("o", CultureInfo.InvariantCulture);
                case DateTimeOffset dateTimeOffset:
                    return dateTimeOffset.ToString("o", CultureInfo.InvariantCulture);
                case Guid guid:
                    return guid.ToString("D");
                case Uri uri:
                    return uri.OriginalString;
                case ScriptBlock _:
                    throw new ArgumentException(
                        $"-{parameterName}: {path} is a script block, which has no JSON form. Give its result instead (e.g. $(& {{ ... }})), or a JSON value: null, a string, a number, a boolean, a hashtable, an array or a PSCustomObject.",
                        parameterName);
                case IDictionary dictionary:
                    var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        var key = entry.Key is PSObject pk ? pk.BaseObject : entry.Key;
                        if (!(key is string name))
                        {
                            throw new ArgumentException($"-{parameterName}: {path} has the key {key} ({DescribeValue(key)}); JSON object keys are strings.", parameterName);
                        }
                        map[name] = ToJson(entry.Value, path + "." + name, parameterName, depth + 1);
                    }
                    return map;
                case IEnumerable enumerable:
                    var items = new List<object?>();
                    foreach (var item in enumerable) items.Add(ToJson(item, path + "[" + items.Count.ToString(CultureInfo.InvariantCulture) + "]", parameterName, depth + 1));
                    return items.ToArray();
                default:
                    throw new ArgumentException(
                        $"-{parameterName}: {path} is {DescribeValue(value)}, which has no JSON form here. Give a JSON value: null, a string, a number, a boolean, a date, a hashtable, an array or a PSCustomObject.",
                        parameterName);
            }
        }

        // A PowerShell value's kind for an error message: its .NET type name.
        private static string DescribeValue(object? value) => value switch
        {
            null => "null",
            ScriptBlock _ => "a script block",
            PSObject p when p.BaseObject is PSCustomObject => "a PSCustomObject",
            PSObject p => DescribeValue(p.BaseObject),
            _ => "a [" + value.GetType().FullName + "]",
        };

        /// <summary>A value's key in a map, looked up ignoring case (PowerShell's hashtables do).</summary>
        internal static object? GetIgnoringCase(IDictionary<string, object?> map, string key)
        {
            if (map.TryGetValue(key, out var exact)) return exact;
            foreach (var kv in map)
            {
                if (string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase)) return kv.Value;
            }
            return null;
        }

        /// <summary>A short description of a plain value's kind, for error messages.</summary>
        internal static string Describe(object? plain) => plain switch
        {
            null => "null",
            string _ => "a string",
            Dictionary<string, object?> _ => "an object",
            object?[] _ => "an array",
            bool _ => "a boolean",
            _ => "a " + plain.GetType().Name,
        };

        private static object? Convert(object? value, int depth)
        {
            if (depth > MaxDepth)
            {
                throw new ArgumentException($"The value is nested more than {MaxDepth} levels deep (is there a reference cycle?).");
            }

            if (value is PSObject psObject)
            {
                if (psObject.BaseObject is PSCustomObject) return PropertiesOf(psObject, depth);
                value = psObject.BaseObject;
            }

            switch (value)
            {
                case null:
                case DBNull _:
                    return null;
                case string s:
                    return s;
                case char c:
                    return c.ToString();
                case bool b:
                    return b;
                case SwitchParameter sw:
                    return sw.IsPresent;
                case sbyte _:
                case byte _:
                case short _:
                case ushort _:
                case int _:
                case uint _:
                case long _:
                    return System.Convert.ToInt64(value, CultureInfo.InvariantCulture);
                case ulong ul:
                    return ul <= long.MaxValue ? (object)(long)ul : ul;
                case float f:
                    // Through its shortest text, so 0.1f stays 0.1 rather than 0.100000001490116.
                    return double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                case double _:
                case decimal _:
                    return value;
                case Enum e:
                    return e.ToString();
                case byte[] _:
                    // The core writes byte arrays as base64 strings.
                    return value;
                case IDictionary dictionary:
                    return MapOf(dictionary, depth);
                case IEnumerable enumerable:
                    var items = new List<object?>();
                    foreach (var item in enumerable) items.Add(Convert(item, depth + 1));
                    return items.ToArray();
                default:
                    // Dates, GUIDs, URIs and other objects: the core writes them (objects as their public properties).
                    return value;
            }
        }

        private static Dictionary<string, object?> MapOf(IDictionary dictionary, int depth)
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (DictionaryEntry entry in dictionary)
            {
                var key = entry.Key is PSObject pk ? pk.BaseObject : entry.Key;
                map[System.Convert.ToString(key, CultureInfo.InvariantCulture) ?? string.Empty] = Convert(entry.Value, depth + 1);
            }
            return map;
        }

        private static Dictionary<string, object?> PropertiesOf(PSObject psObject, int depth)
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var property in GettableValues(psObject)) map[property.Key] = Convert(property.Value, depth + 1);
            return map;
        }

        /// <summary>An object's readable properties and their values; a property whose getter throws (a script property
        /// that fails) has no value to send and is left out.</summary>
        internal static IEnumerable<KeyValuePair<string, object?>> GettableValues(PSObject psObject)
        {
            foreach (var property in psObject.Properties)
            {
                if (!property.IsGettable) continue;
                object? propertyValue;
                try
                {
                    propertyValue = property.Value;
                }
                catch (GetValueException)
                {
                    continue;
                }
                yield return new KeyValuePair<string, object?>(property.Name, propertyValue);
            }
        }
    }
}
