// Vertex's Schema (cloud.google.com/vertex-ai/docs/reference/rest/v1/Schema; the aiplatform v1 discovery document):
// "a select subset of an OpenAPI 3.0 schema object", the type of FunctionDeclaration.parameters and .response. Its members:
// type (enum Type: STRING, NUMBER, INTEGER, BOOLEAN, ARRAY, OBJECT, NULL), format, title, description, nullable, default,
// items, minItems, maxItems, enum, properties, propertyOrdering, required, minProperties, maxProperties, minimum, maximum,
// minLength, maxLength, pattern, example, anyOf, additionalProperties, ref, defs. A proto message, so Google's JSON
// transcoding refuses any other member ("Unknown name ... Cannot find field") and a list where one value belongs ("type":
// ["string","null"] is JSON Schema, not this Schema: null is "nullable": true). Enum names are matched without regard to
// case, as Vertex's own function-calling samples send "object" and "string".
// FunctionDeclaration.parametersJsonSchema takes JSON Schema instead (a google.protobuf.Value, not checked member by
// member); the two are mutually exclusive.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>Checks a FunctionDeclaration's <c>parameters</c> as Vertex's Schema message.</summary>
internal static class OpenApiSchema
{
    private static readonly string[] Members =
    [
        "type", "format", "title", "description", "nullable", "default", "items", "minItems", "maxItems", "enum", "properties",
        "propertyOrdering", "required", "minProperties", "maxProperties", "minimum", "maximum", "minLength", "maxLength", "pattern",
        "example", "anyOf", "additionalProperties", "ref", "defs",
    ];

    private static readonly string[] Types = ["STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL", "TYPE_UNSPECIFIED"];

    /// <summary>The problem with a FunctionDeclaration's parameters in Google's words, or null.</summary>
    public static string? ValidateParameters(JsonObject declaration, string where)
    {
        var parameters = NativeContent.Member(declaration, "parameters");
        if (parameters is not null && NativeContent.Member(declaration, "parametersJsonSchema") is not null)
        {
            return $"Only one of parameters and parameters_json_schema may be set at '{where}'.";
        }

        return parameters is null ? null : Validate(parameters, where + ".parameters");
    }

    /// <summary>The problem with one Schema in Google's words, or null.</summary>
    public static string? Validate(JsonNode? node, string where)
    {
        if (node is not JsonObject schema) return $"Invalid value at '{where}': expected a Schema object.";
        if (NativeContent.UnknownMember(schema, Members, where) is { } unknown) return unknown;
        if (schema["type"] is { } type)
        {
            if (type is JsonArray) return $"Invalid value at '{where}.type': Proto field is not repeating, cannot start list.";
            if (NativeContent.Str(type) is not { } name || !Types.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return $"Invalid value at '{where}.type' (type.googleapis.com/google.cloud.aiplatform.v1.Type), {type.ToJsonString()}";
            }
        }

        if (schema["nullable"] is { } nullable && nullable.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            return $"Invalid value at '{where}.nullable' ({nullable.ToJsonString()}): a boolean.";
        }

        foreach (var list in new[] { "enum", "required", "propertyOrdering" })
        {
            if (NativeContent.Member(schema, list) is { } values && (values is not JsonArray array || array.Any(v => NativeContent.Str(v) is null)))
            {
                return $"Invalid value at '{where}.{list}': a list of strings.";
            }
        }

        foreach (var map in new[] { "properties", "defs" })
        {
            if (schema[map] is not { } members) continue;
            if (members is not JsonObject children) return $"Invalid value at '{where}.{map}': a map of Schema objects.";
            foreach (var (name, child) in children)
            {
                if (Validate(child, $"{where}.{map}[{name}]") is { } problem) return problem;
            }
        }

        if (schema["items"] is { } items && Validate(items, where + ".items") is { } itemsProblem) return itemsProblem;
        if (NativeContent.Member(schema, "anyOf") is { } anyOf)
        {
            if (anyOf is not JsonArray alternatives) return $"Invalid value at '{where}.any_of': a list of Schema objects.";
            for (var i = 0; i < alternatives.Count; i++)
            {
                if (Validate(alternatives[i], $"{where}.any_of[{i}]") is { } problem) return problem;
            }
        }

        return null;
    }
}
