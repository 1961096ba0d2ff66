using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using VertexAI.Json;

namespace VertexAI.Commands
{
    /// <summary>
    /// What a tool's command wrote, as the JSON the model reads: objects by their properties (the type's default display
    /// set where it has one, as PowerShell shows them), bounded in depth, number of objects and size, saying when it cut.
    /// One string is sent as it is, nothing as <c>null</c>, one value as its JSON, several as a JSON array.
    /// </summary>
    internal static class ToolOutput
    {
        /// <summary>How deep objects are followed; deeper values are sent as their text.</summary>
        internal const int MaxDepth = 3;

        /// <summary>The most elements of one collection.</summary>
        internal const int MaxItems = 100;

        /// <summary>The most characters of the JSON sent back for one call.</summary>
        internal const int MaxChars = 32 * 1024;

        /// <summary>The tool message content, and a note when something was cut (null otherwise).</summary>
        internal static string Serialize(IReadOnlyList<object?> outputs, out string? cut)
        {
            cut = null;
            if (outputs.Count == 0) return "null";
            if (outputs.Count == 1 && Unwrap(outputs[0]) is string text)
            {
                if (text.Length <= MaxChars) return text;
                cut = $"the text was cut to {MaxChars.ToString(CultureInfo.InvariantCulture)} of {text.Length.ToString(CultureInfo.InvariantCulture)} characters";
                return text.Substring(0, MaxChars);
            }

            var notes = new List<string>();
            object? value;
            if (outputs.Count == 1)
            {
                value = ToJson(outputs[0], 0, notes);
            }
            else
            {
                var items = new List<object?>();
                foreach (var output in outputs)
                {
                    if (items.Count == MaxItems)
                    {
                        notes.Add($"only the first {MaxItems} of {outputs.Count} objects were sent");
                        break;
                    }
                    items.Add(ToJson(output, 1, notes));
                }
                value = items.ToArray();
            }

            var json = PlainJson.Serialize(value);
            if (json.Length > MaxChars && value is object?[] array)
            {
                // Fewer objects until the JSON fits, so what is sent stays valid JSON.
                var keep = array.Length;
                while (keep > 1 && json.Length > MaxChars)
                {
                    keep = Math.Max(1, keep * MaxChars / json.Length);
                    var part = new object?[keep];
                    Array.Copy(array, part, keep);
                    json = PlainJson.Serialize(part);
                    if (json.Length > MaxChars && keep > 1) keep--;
                }
                notes.Add($"only the first {keep} of {array.Length} objects fit in {MaxChars / 1024} KB");
            }
            if (json.Length > MaxChars)
            {
                notes.Add($"the JSON was cut to {MaxChars / 1024} KB");
                json = PlainJson.Serialize(json.Substring(0, MaxChars));
            }
            if (notes.Count == 0) return json;

            cut = string.Join("; ", Distinct(notes));
            // The model is told too, in the result itself.
            return PlainJson.Serialize(new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["result"] = PlainJson.Parse(json),
                ["note"] = "Cut: " + cut + ".",
            });
        }

        private static object? ToJson(object? value, int depth, List<string> notes)
        {
            var pso = value as PSObject;
            var baseObject = Unwrap(value);
            switch (baseObject)
            {
                case null:
                case DBNull _:
                    return null;
                case string _:
                case bool _:
                    return baseObject;
                case char c:
                    return c.ToString();
                case Enum e:
                    return e.ToString();
                case DateTime dateTime:
                    return dateTime.ToString("o", CultureInfo.InvariantCulture);
                case DateTimeOffset dateTimeOffset:
                    return dateTimeOffset.ToString("o", CultureInfo.InvariantCulture);
                case TimeSpan span:
                    return span.ToString("c", CultureInfo.InvariantCulture);
                case Guid _:
                case Uri _:
                case Version _:
                    return baseObject.ToString();
                case SwitchParameter s:
                    return s.IsPresent;
            }
            var type = baseObject.GetType();
            if (type.IsPrimitive || baseObject is decimal) return baseObject;
            if (depth >= MaxDepth)
            {
                notes.Add($"objects deeper than {MaxDepth} levels were sent as their text");
                return baseObject.ToString();
            }

            if (baseObject is IDictionary dictionary)
            {
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (map.Count == MaxItems)
                    {
                        notes.Add($"only the first {MaxItems} entries of a {dictionary.Count}-entry table were sent");
                        break;
                    }
                    map[Convert.ToString(Unwrap(entry.Key), CultureInfo.InvariantCulture) ?? string.Empty] = ToJson(entry.Value, depth + 1, notes);
                }
                return map;
            }
            if (baseObject is IEnumerable enumerable && !(baseObject is PSCustomObject))
            {
                var items = new List<object?>();
                foreach (var item in enumerable)
                {
                    if (items.Count == MaxItems)
                    {
                        notes.Add($"only the first {MaxItems} elements of a collection were sent");
                        break;
                    }
                    items.Add(ToJson(item, depth + 1, notes));
                }
                return items.ToArray();
            }
            return Properties(pso ?? PSObject.AsPSObject(baseObject), depth, notes);
        }

        // An object's properties: its default display set where its type has one (PSStandardMembers), else every
        // readable property. A property whose getter throws is left out.
        private static Dictionary<string, object?> Properties(PSObject pso, int depth, List<string> notes)
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            IEnumerable<string>? names = null;
            if (pso.Members["PSStandardMembers"] is PSMemberSet standard
                && standard.Members["DefaultDisplayPropertySet"] is PSPropertySet display)
            {
                names = display.ReferencedPropertyNames;
            }
            if (names is null)
            {
                var all = new List<string>();
                foreach (var property in pso.Properties)
                {
                    if (property.IsGettable) all.Add(property.Name);
                }
                names = all;
            }
            foreach (var name in names)
            {
                object? propertyValue;
                try
                {
                    var property = pso.Properties[name];
                    if (property is null) continue;
                    propertyValue = property.Value;
                }
                catch (Exception ex) when (ex is GetValueException || ex is ExtendedTypeSystemException || ex is InvalidOperationException || ex is NotSupportedException)
                {
                    continue;
                }
                map[name] = ToJson(propertyValue, depth + 1, notes);
            }
            return map;
        }

        // A PSCustomObject stays wrapped: its properties live on the PSObject.
        private static object? Unwrap(object? value) => value is PSObject pso && !(pso.BaseObject is PSCustomObject) ? pso.BaseObject : value;

        private static IEnumerable<string> Distinct(List<string> notes)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var note in notes)
            {
                if (seen.Add(note)) yield return note;
            }
        }
    }
}
