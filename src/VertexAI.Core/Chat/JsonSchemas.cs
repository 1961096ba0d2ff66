using System;
using System.Collections;
using System.Collections.Generic;
using System.Reflection;

namespace VertexAI
{
    /// <summary>
    /// JSON schemas for structured output: derived from a .NET type's public settable properties, and checked for
    /// recursion (Vertex AI accepts no recursive schema).
    /// </summary>
    public static class JsonSchemas
    {
        /// <summary>
        /// The JSON schema of <paramref name="type"/>: strings (also char, Guid, dates, URIs), integers, numbers, booleans,
        /// enums (<c>enum</c> of the names), arrays and lists (<c>items</c>), nullable value types (<c>"nullable": true</c>, as OpenAPI 3.0 has it),
        /// and classes as objects of their public instance properties with a setter (every property required, except
        /// nullable value types). A type that contains itself is refused.
        /// </summary>
        /// <exception cref="ArgumentException">The type is recursive.</exception>
        public static Dictionary<string, object?> FromType(Type type)
        {
            if (type is null) throw new ArgumentNullException(nameof(type));
            var schema = Describe(type, new List<Type>(), type.Name);
            if (!(schema.TryGetValue("type", out var t) && Equals(t, "object")))
            {
                throw new ArgumentException($"The response schema must describe an object, but {type.FullName} is a {t ?? "value"}; use a class with properties.", nameof(type));
            }
            return schema;
        }

        /// <summary>
        /// Refuses a schema with a reference cycle: a <c>$ref</c> to <c>#</c> (the schema itself), or to a definition under
        /// <c>$defs</c>/<c>definitions</c> that refers back to itself.
        /// </summary>
        /// <exception cref="ArgumentException">The schema is recursive.</exception>
        public static void EnsureNotRecursive(IDictionary<string, object?> schema)
        {
            if (schema is null) throw new ArgumentNullException(nameof(schema));
            Walk(schema, schema, new List<string>());
        }

        // Vertex reads schemas as OpenAPI 3.0: one type, and null through "nullable": true (no type arrays, no "null").
        private static readonly HashSet<string> s_types = new HashSet<string>(StringComparer.Ordinal)
            { "object", "array", "string", "number", "integer", "boolean" };

        // A schema states what it describes through at least one of these.
        private static readonly string[] s_shapeKeywords = { "type", "properties", "items", "anyOf", "oneOf", "allOf", "enum", "$ref", "const" };

        /// <summary>
        /// Refuses, before anything is sent, what is not a JSON schema: an object naming none of type, properties, items,
        /// anyOf, oneOf, allOf, enum, $ref or const (e.g. <c>{"foo":"bar"}</c>), a <c>type</c> that is not a JSON
        /// schema type (e.g. <c>banana</c>), or properties/items that are not schemas. The message names the path.
        /// </summary>
        /// <param name="schema">The schema.</param>
        /// <param name="what">What it is, for the message (e.g. "The response schema").</param>
        /// <param name="parameterName">The parameter the error names.</param>
        public static void EnsureSchemaShape(IDictionary<string, object?> schema, string what = "The response schema", string parameterName = "ResponseSchema")
        {
            if (schema is null) throw new ArgumentNullException(nameof(schema));
            CheckShape(schema, "schema", what, parameterName, requireKeyword: true);
        }

        private static void CheckShape(IDictionary<string, object?> schema, string path, string what, string parameterName, bool requireKeyword)
        {
            var hasKeyword = false;
            foreach (var keyword in s_shapeKeywords) hasKeyword |= schema.ContainsKey(keyword);
            if (requireKeyword && !hasKeyword)
            {
                throw new ArgumentException(
                    $"{what} is not a JSON schema: {path} names none of {string.Join(", ", s_shapeKeywords)} (keys: {string.Join(", ", schema.Keys)}). Example: @{{ type = 'object'; properties = @{{ name = @{{ type = 'string' }} }} }}.",
                    parameterName);
            }
            if (schema.TryGetValue("type", out var type))
            {
                if (!(type is string name))
                {
                    throw new ArgumentException(
                        $"{what} is not a schema Vertex AI reads: {path}.type must be one type name; for a value that may be null, give the type with nullable = $true (OpenAPI 3.0), not a list of types.", parameterName);
                }
                if (!s_types.Contains(name))
                {
                    throw new ArgumentException(
                        $"{what} is not a JSON schema: {path}.type is '{name}', which is none of {string.Join(", ", s_types)}{(name == "null" ? " (for null, give nullable = $true beside the type)" : string.Empty)}.", parameterName);
                }
            }
            if (schema.TryGetValue("properties", out var properties))
            {
                if (!(properties is IDictionary<string, object?> map))
                {
                    throw new ArgumentException($"{what} is not a JSON schema: {path}.properties must map names to schemas.", parameterName);
                }
                foreach (var kv in map)
                {
                    if (!(kv.Value is IDictionary<string, object?> property))
                    {
                        throw new ArgumentException($"{what} is not a JSON schema: {path}.properties.{kv.Key} must be a schema (a hashtable), not '{kv.Value}'.", parameterName);
                    }
                    CheckShape(property, path + ".properties." + kv.Key, what, parameterName, requireKeyword: false);
                }
            }
            if (schema.TryGetValue("items", out var items))
            {
                if (!(items is IDictionary<string, object?> item))
                {
                    throw new ArgumentException($"{what} is not a JSON schema: {path}.items must be a schema (a hashtable).", parameterName);
                }
                CheckShape(item, path + ".items", what, parameterName, requireKeyword: false);
            }
        }

        private static void Walk(object? node, IDictionary<string, object?> root, List<string> refStack)
        {
            switch (node)
            {
                case IDictionary<string, object?> map:
                    foreach (var kv in map)
                    {
                        if (kv.Key == "$ref" && kv.Value is string target)
                        {
                            FollowRef(target, root, refStack);
                        }
                        else if (refStack.Count == 0 && (kv.Key == "$defs" || kv.Key == "definitions") && ReferenceEquals(map, root))
                        {
                            // Definitions are checked when something refers to them.
                        }
                        else
                        {
                            Walk(kv.Value, root, refStack);
                        }
                    }
                    break;
                case string _:
                    break;
                case IEnumerable list:
                    foreach (var item in list) Walk(item, root, refStack);
                    break;
            }
        }

        private static void FollowRef(string target, IDictionary<string, object?> root, List<string> refStack)
        {
            if (target == "#" || target == "#/")
            {
                throw Recursive(refStack, "#");
            }
            if (!target.StartsWith("#/", StringComparison.Ordinal)) return; // not a local reference
            if (refStack.Contains(target)) throw Recursive(refStack, target);
            object? resolved = root;
            foreach (var segment in target.Substring(2).Split('/'))
            {
                var key = segment.Replace("~1", "/").Replace("~0", "~");
                resolved = resolved is IDictionary<string, object?> m && m.TryGetValue(key, out var next) ? next : null;
                if (resolved is null) return;
            }
            refStack.Add(target);
            Walk(resolved, root, refStack);
            refStack.RemoveAt(refStack.Count - 1);
        }

        private static ArgumentException Recursive(List<string> refStack, string target)
        {
            var path = refStack.Count == 0 ? target : string.Join(" -> ", refStack) + " -> " + target;
            return new ArgumentException(
                $"The response schema is recursive ({path}): Vertex AI does not accept recursive schemas. Give the nesting a fixed depth instead.", "ResponseSchema");
        }

        private static Dictionary<string, object?> Describe(Type type, List<Type> stack, string path)
        {
            var underlying = Nullable.GetUnderlyingType(type);
            if (underlying is not null)
            {
                var inner = Describe(underlying, stack, path);
                // Vertex's Schema is OpenAPI 3.0: null is "nullable": true, never a ["t", "null"] type array.
                if (inner.ContainsKey("type")) inner["nullable"] = true;
                return inner;
            }
            if (ScalarSchema(type) is { } scalar) return scalar;
            if (type == typeof(object)) return new Dictionary<string, object?>(StringComparer.Ordinal);

            if (typeof(IDictionary).IsAssignableFrom(type) || ImplementsGeneric(type, typeof(IDictionary<,>)))
            {
                return Simple("object");
            }
            var element = ElementType(type);
            if (element is not null)
            {
                var array = Simple("array");
                array["items"] = Describe(element, stack, path + "[]");
                return array;
            }

            if (stack.Contains(type))
            {
                throw new ArgumentException(
                    $"The type {stack[0].FullName} is recursive: {path} is a {type.Name} again. Vertex AI does not accept recursive schemas; give the nesting a fixed depth.",
                    "ResponseSchema");
            }
            stack.Add(type);
            var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
            var required = new List<object?>();
            foreach (var p in SettableProperties(type))
            {
                properties[p.Name] = Describe(p.PropertyType, stack, path + "." + p.Name);
                if (Nullable.GetUnderlyingType(p.PropertyType) is null) required.Add(p.Name);
            }
            stack.RemoveAt(stack.Count - 1);
            var obj = Simple("object");
            obj["properties"] = properties;
            if (required.Count > 0) obj["required"] = required.ToArray();
            return obj;
        }

        /// <summary>The public instance properties with a public setter and no index parameters, in declaration order.</summary>
        /// <summary>
        /// The schema of a scalar .NET type: enums (by name), text, booleans, integers, numbers and dates; null for
        /// anything else (objects, collections). Shared by response schemas and tool parameter schemas.
        /// </summary>
        internal static Dictionary<string, object?>? ScalarSchema(Type type)
        {
            if (type.IsEnum)
            {
                return new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["type"] = "string",
                    ["enum"] = Array.ConvertAll(Enum.GetNames(type), n => (object?)n),
                };
            }
            switch (Type.GetTypeCode(type))
            {
                case TypeCode.String:
                case TypeCode.Char:
                    return Simple("string");
                case TypeCode.Boolean:
                    return Simple("boolean");
                case TypeCode.Byte:
                case TypeCode.SByte:
                case TypeCode.Int16:
                case TypeCode.UInt16:
                case TypeCode.Int32:
                case TypeCode.UInt32:
                case TypeCode.Int64:
                case TypeCode.UInt64:
                    return Simple("integer");
                case TypeCode.Single:
                case TypeCode.Double:
                case TypeCode.Decimal:
                    return Simple("number");
                case TypeCode.DateTime:
                    var date = Simple("string");
                    date["format"] = "date-time";
                    return date;
            }
            if (type == typeof(DateTimeOffset))
            {
                var date = Simple("string");
                date["format"] = "date-time";
                return date;
            }
            if (type == typeof(Guid) || type == typeof(Uri) || type == typeof(TimeSpan)) return Simple("string");
            return null;
        }

        internal static IEnumerable<PropertyInfo> SettableProperties(Type type)
        {
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (p.GetIndexParameters().Length != 0 || p.GetSetMethod() is null || p.GetGetMethod() is null) continue;
                yield return p;
            }
        }

        /// <summary>The element type of an array or a generic enumerable (List, IList, IEnumerable...), or null.</summary>
        internal static Type? ElementType(Type type)
        {
            if (type == typeof(string)) return null;
            if (type.IsArray) return type.GetElementType();
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)) return type.GetGenericArguments()[0];
            foreach (var i in type.GetInterfaces())
            {
                if (i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) return i.GetGenericArguments()[0];
            }
            return typeof(IEnumerable).IsAssignableFrom(type) ? typeof(object) : null;
        }

        private static bool ImplementsGeneric(Type type, Type generic)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == generic) return true;
            foreach (var i in type.GetInterfaces())
            {
                if (i.IsGenericType && i.GetGenericTypeDefinition() == generic) return true;
            }
            return false;
        }

        internal static Dictionary<string, object?> Simple(string type)
            => new Dictionary<string, object?>(StringComparer.Ordinal) { ["type"] = type };
    }
}
