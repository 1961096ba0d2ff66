using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using VertexAI.Json;

namespace VertexAI
{
    /// <summary>The model's answer was not the JSON the response format asked for; <see cref="RawText"/> keeps it.</summary>
    public sealed class StructuredOutputException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public StructuredOutputException(string message, string? rawText, Exception? inner = null) : base(message, inner) => RawText = rawText;

        /// <summary>The answer's text as it came.</summary>
        public string? RawText { get; }
    }

    /// <summary>Reads JSON answers: as plain values (maps, arrays, scalars), or bound to a .NET type.</summary>
    public static class StructuredOutput
    {
        /// <summary>
        /// Sets <see cref="ChatCompletion.Parsed"/> when <paramref name="format"/> asks for JSON (<c>json_object</c> or
        /// <c>json_schema</c>) and the completion has text; on failure sets <see cref="ChatCompletion.ParseError"/> instead.
        /// </summary>
        /// <param name="format">The request's response format.</param>
        /// <param name="completion">The completion to complete.</param>
        /// <param name="bindResultType">
        /// Whether to bind to <see cref="ResponseFormat.ResultType"/> now; false leaves plain values for
        /// <see cref="BindResultType"/> to convert later (a host whose types must be created on a particular thread, such
        /// as PowerShell classes on the pipeline thread).
        /// </param>
        public static void Apply(ResponseFormat? format, ChatCompletion completion, bool bindResultType = true)
        {
            if (completion is null) throw new ArgumentNullException(nameof(completion));
            if (format is null || (format.Type != "json_object" && format.Type != "json_schema")) return;
            var text = completion.Content;
            if (string.IsNullOrWhiteSpace(text)) return;
            try
            {
                completion.Parsed = Parse(text!, bindResultType ? format.ResultType : null);
            }
            catch (StructuredOutputException ex)
            {
                completion.ParseError = ex;
            }
        }

        /// <summary>
        /// Converts <see cref="ChatCompletion.Parsed"/> (plain values) to the format's <see cref="ResponseFormat.ResultType"/>,
        /// when there is one and it has not been done; a value that does not fit sets <see cref="ChatCompletion.ParseError"/>.
        /// </summary>
        public static void BindResultType(ResponseFormat? format, ChatCompletion completion)
        {
            if (completion is null) throw new ArgumentNullException(nameof(completion));
            var type = format?.ResultType;
            if (type is null || completion.Parsed is null || type.IsInstanceOfType(completion.Parsed)) return;
            try
            {
                completion.Parsed = Bind(completion.Parsed, type, "$");
            }
            catch (Exception ex) when (ex is FormatException || ex is InvalidCastException || ex is OverflowException || ex is ArgumentException || ex is MissingMethodException || ex is MemberAccessException || ex is System.Reflection.TargetInvocationException)
            {
                completion.Parsed = null;
                completion.ParseError = new StructuredOutputException($"The model's JSON does not fit {type.FullName}: {ex.Message}", completion.Content, ex);
            }
        }

        /// <summary>
        /// Parses a JSON answer (a <c>```json</c> fence around it is tolerated) into plain values, or into
        /// <paramref name="type"/> through its public settable properties (names matched ignoring case).
        /// </summary>
        /// <exception cref="StructuredOutputException">The text is not JSON, or does not fit the type.</exception>
        public static object? Parse(string text, Type? type = null)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            var json = StripFence(text);
            object? plain;
            try
            {
                plain = PlainJson.Parse(json);
            }
            catch (JsonException ex)
            {
                throw new StructuredOutputException($"The model's answer is not valid JSON ({ex.Message}); the raw text is in RawText (and in the completion's Content).", text, ex);
            }
            if (type is null) return plain;
            try
            {
                return Bind(plain, type, "$");
            }
            catch (Exception ex) when (ex is FormatException || ex is InvalidCastException || ex is OverflowException || ex is ArgumentException || ex is MissingMethodException || ex is MemberAccessException)
            {
                throw new StructuredOutputException($"The model's JSON does not fit {type.FullName}: {ex.Message}", text, ex);
            }
        }

        /// <summary>Converts a plain value (from <see cref="PlainJson"/>) to <paramref name="type"/>.</summary>
        public static object? Bind(object? plain, Type type, string path = "$")
        {
            if (type is null) throw new ArgumentNullException(nameof(type));
            if (type == typeof(object)) return plain;
            var underlying = Nullable.GetUnderlyingType(type);
            if (plain is null)
            {
                if (type.IsValueType && underlying is null) throw new InvalidCastException($"{path} is null, but {type.Name} cannot be null.");
                return null;
            }
            if (underlying is not null) type = underlying;
            if (type.IsInstanceOfType(plain) && !(plain is IDictionary) && !(plain is object?[])) return plain;
            if (type.IsEnum)
            {
                if (plain is string name) return Enum.Parse(type, name, ignoreCase: true);
                return Enum.ToObject(type, Convert.ChangeType(plain, Enum.GetUnderlyingType(type), CultureInfo.InvariantCulture)!);
            }
            if (type == typeof(Guid)) return Guid.Parse(Text(plain, path));
            if (type == typeof(Uri)) return new Uri(Text(plain, path), UriKind.RelativeOrAbsolute);
            if (type == typeof(DateTimeOffset)) return DateTimeOffset.Parse(Text(plain, path), CultureInfo.InvariantCulture);
            if (type == typeof(TimeSpan)) return TimeSpan.Parse(Text(plain, path), CultureInfo.InvariantCulture);
            if (type == typeof(DateTime)) return DateTime.Parse(Text(plain, path), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            if (type == typeof(string))
            {
                if (plain is IDictionary || plain is object?[]) throw new InvalidCastException($"{path} is {(plain is IDictionary ? "an object" : "an array")}, not a string.");
                return Convert.ToString(plain, CultureInfo.InvariantCulture);
            }
            if (type.IsPrimitive || type == typeof(decimal))
            {
                if (plain is IDictionary || plain is object?[]) throw new InvalidCastException($"{path} is not a {type.Name}.");
                return Convert.ChangeType(plain, type, CultureInfo.InvariantCulture);
            }

            if (plain is Dictionary<string, object?> map)
            {
                if (typeof(IDictionary).IsAssignableFrom(type) && type.IsAssignableFrom(typeof(Dictionary<string, object?>))) return map;
                var obj = Activator.CreateInstance(type)
                    ?? throw new InvalidCastException($"Cannot create a {type.Name} for {path}.");
                var props = new Dictionary<string, System.Reflection.PropertyInfo>(StringComparer.OrdinalIgnoreCase);
                foreach (var p in JsonSchemas.SettableProperties(type)) props[p.Name] = p;
                foreach (var kv in map)
                {
                    if (props.TryGetValue(kv.Key, out var prop)) prop.SetValue(obj, Bind(kv.Value, prop.PropertyType, path + "." + kv.Key));
                }
                return obj;
            }
            if (plain is object?[] items)
            {
                var element = JsonSchemas.ElementType(type) ?? throw new InvalidCastException($"{path} is an array, not a {type.Name}.");
                var array = Array.CreateInstance(element, items.Length);
                for (var i = 0; i < items.Length; i++) array.SetValue(Bind(items[i], element, $"{path}[{i}]"), i);
                if (type.IsAssignableFrom(array.GetType())) return array;
                var list = Activator.CreateInstance(type) as IList
                    ?? throw new InvalidCastException($"Cannot fill a {type.Name} at {path}: use an array or a List.");
                foreach (var item in array) list.Add(item);
                return list;
            }
            throw new InvalidCastException($"{path} is {plain.GetType().Name}, not a {type.Name}.");
        }

        private static string Text(object plain, string path)
            => plain as string ?? throw new InvalidCastException($"{path} must be a string.");

        private static string StripFence(string text)
        {
            var t = text.Trim();
            if (!t.StartsWith("```", StringComparison.Ordinal)) return t;
            var firstLine = t.IndexOf('\n');
            var end = t.LastIndexOf("```", StringComparison.Ordinal);
            if (firstLine < 0 || end <= firstLine) return t;
            return t.Substring(firstLine + 1, end - firstLine - 1).Trim();
        }
    }
}
