using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;

namespace VertexAI
{
    /// <summary>OpenAPI 3.0 schemas of tool arguments, from parameter descriptions.</summary>
    public static class ToolSchemas
    {
        /// <summary>
        /// The schema of an arguments object with one property per parameter: strings (also char, Guid, dates, URIs and
        /// anything without a better type), integers, numbers, booleans (also switches), enums and ValidateSet values as
        /// <c>enum</c>, arrays and lists as <c>array</c> with <c>items</c>, dictionaries as <c>object</c>; ValidateRange as
        /// <c>minimum</c>/<c>maximum</c>; help text as <c>description</c>; mandatory parameters in <c>required</c>.
        /// </summary>
        public static Dictionary<string, object?> FromParameters(IEnumerable<ParameterDescription> parameters)
        {
            if (parameters is null) throw new ArgumentNullException(nameof(parameters));
            var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
            var required = new List<object?>();
            foreach (var p in parameters)
            {
                if (p is null) continue;
                var schema = TypeSchema(p.Type);
                if (p.AllowedValues is { Count: > 0 } allowed)
                {
                    var values = new object?[allowed.Count];
                    for (var i = 0; i < allowed.Count; i++) values[i] = allowed[i];
                    var target = schema.TryGetValue("items", out var items) && items is Dictionary<string, object?> itemSchema ? itemSchema : schema;
                    target["type"] = "string";
                    target["enum"] = values;
                }
                if (p.Minimum is not null) schema["minimum"] = Number(p.Minimum);
                if (p.Maximum is not null) schema["maximum"] = Number(p.Maximum);
                if (!string.IsNullOrWhiteSpace(p.Description)) schema["description"] = p.Description!.Trim();
                properties[p.Name] = schema;
                if (p.Mandatory) required.Add(p.Name);
            }
            var result = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["type"] = "object",
                ["properties"] = properties,
            };
            if (required.Count > 0) result["required"] = required.ToArray();
            return result;
        }

        /// <summary>The schema of one .NET type (see <see cref="FromParameters"/>).</summary>
        public static Dictionary<string, object?> TypeSchema(Type type)
        {
            if (type is null) throw new ArgumentNullException(nameof(type));
            var underlying = Nullable.GetUnderlyingType(type);
            if (underlying is not null)
            {
                var inner = TypeSchema(underlying);
                inner["nullable"] = true;
                return inner;
            }
            if (type.FullName == "System.Management.Automation.SwitchParameter") return Simple("boolean");
            if (JsonSchemas.ScalarSchema(type) is { } scalar) return scalar;
            if (typeof(IDictionary).IsAssignableFrom(type)) return Simple("object");
            if (type != typeof(string))
            {
                var element = JsonSchemas.ElementType(type);
                if (element is not null)
                {
                    var array = Simple("array");
                    array["items"] = TypeSchema(element == typeof(object) ? typeof(string) : element);
                    return array;
                }
            }
            // Anything else (object, PSObject, paths, URIs...) is passed as text; PowerShell converts it on binding.
            return Simple("string");
        }

        private static object Number(object value)
        {
            switch (value)
            {
                case int _:
                case long _:
                case short _:
                case byte _:
                case sbyte _:
                case ushort _:
                case uint _:
                    return Convert.ToInt64(value, CultureInfo.InvariantCulture);
                default:
                    return Convert.ToDouble(value, CultureInfo.InvariantCulture);
            }
        }

        private static Dictionary<string, object?> Simple(string type) => JsonSchemas.Simple(type);
    }
}
