using System.Text.Json;
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>
/// Builds a deterministic value that satisfies a (simple) JSON/OpenAPI schema: for an object, one member per
/// <c>required</c> property; enum → first value; string → the given text; number/integer → 1; boolean → true;
/// array → []; nested objects recurse. Unknown or missing types give the string.
/// </summary>
internal static class SchemaExample
{
    /// <summary>Deep schemas are cut off here so a self-referencing schema cannot recurse forever.</summary>
    private const int MaxDepth = 8;

    public static JsonObject ObjectFor(JsonNode? schema, string text) => ObjectFor(schema, text, 0);

    private static JsonObject ObjectFor(JsonNode? schema, string text, int depth)
    {
        var result = new JsonObject();
        if (schema is not JsonObject s || s["required"] is not JsonArray required || depth > MaxDepth)
        {
            return result;
        }

        var properties = s["properties"] as JsonObject;
        foreach (var nameNode in required)
        {
            if (nameNode is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                var name = v.GetValue<string>();
                result[name] = ValueFor(properties?[name], text, depth + 1);
            }
        }

        return result;
    }

    private static JsonNode? ValueFor(JsonNode? schema, string text, int depth)
    {
        if (schema is not JsonObject s)
        {
            return text;
        }

        if (s["enum"] is JsonArray { Count: > 0 } values)
        {
            return values[0]?.DeepClone();
        }

        // anyOf/oneOf (e.g. Optional[...] from pydantic): the first alternative that is not plain null.
        foreach (var key in new[] { "anyOf", "oneOf" })
        {
            if (s[key] is JsonArray { Count: > 0 } options)
            {
                var choice = options.FirstOrDefault(o => TypeOf(o) != "null") ?? options[0];
                return ValueFor(choice, text, depth + 1);
            }
        }

        return TypeOf(s) switch
        {
            "string" => text,
            "number" or "integer" => 1,
            "boolean" => true,
            "array" => new JsonArray(),
            "object" => ObjectFor(s, text, depth),
            "null" => null,
            _ => text,
        };
    }

    /// <summary>The schema's type, lower-cased (OpenAPI allows "STRING"); for a type list, the first that is not null.</summary>
    private static string? TypeOf(JsonNode? schema)
    {
        var type = schema?["type"];
        if (type is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            return v.GetValue<string>().ToLowerInvariant();
        }

        if (type is JsonArray list)
        {
            var names = list.OfType<JsonValue>().Where(t => t.GetValueKind() == JsonValueKind.String)
                .Select(t => t.GetValue<string>().ToLowerInvariant()).ToList();
            return names.FirstOrDefault(n => n != "null") ?? names.FirstOrDefault();
        }

        return null;
    }
}
