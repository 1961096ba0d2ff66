using System.Text.Json;
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>
/// Checks a chat request body the way Vertex rejects bad ones: each failure is a message for a
/// 400 INVALID_ARGUMENT that names the offending field.
/// </summary>
internal sealed class ChatRequestValidator(ThoughtSignatures signatures)
{
    private static readonly HashSet<string> Roles = ["system", "user", "assistant", "tool", "developer", "function"];
    private static readonly HashSet<string> PartTypes = ["text", "image_url", "input_audio", "file"];
    private static readonly HashSet<string> ResponseFormats = ["text", "json_object", "json_schema"];
    private static readonly HashSet<string> ToolChoiceModes = ["none", "auto", "required"];

    // PROTOCOL.md names low/medium/high; Google's OpenAI-compatibility docs (ai.google.dev/gemini-api/docs/openai)
    // add "none" (thinking off on 2.5) and "minimal" (Gemini 3). Anything else is refused.
    private static readonly HashSet<string> ReasoningEfforts = ["none", "minimal", "low", "medium", "high"];
    private static readonly HashSet<string> Modalities = ["text", "image", "audio"];

    // Vertex's Schema is "a select subset of an OpenAPI 3.0 schema object": one type from its Type enum
    // (STRING, NUMBER, INTEGER, BOOLEAN, ARRAY, OBJECT; Google.Cloud.AIPlatform.V1.Type) and `nullable` for null.
    // JSON Schema's type arrays (["integer", "null"]) and a "null" type are OpenAPI 3.1 and are refused.
    private static readonly HashSet<string> SchemaTypes = ["string", "number", "integer", "boolean", "array", "object"];

    private static readonly System.Text.RegularExpressions.Regex MimeType =
        new(@"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    /// <returns>null when the request is acceptable, else the error message.</returns>
    public string? Validate(JsonNode? body, ChatRoute route)
    {
        if (body is null)
        {
            return "Invalid JSON payload received. The request body is not valid JSON.";
        }

        if (body is not JsonObject request)
        {
            return "Invalid JSON payload received. The request body must be a JSON object.";
        }

        return ValidateModel(request, route)
            ?? ValidateMessages(request)
            ?? ValidateOptions(request)
            ?? GoogleExtensionsValidator.Validate(request, route)
            ?? ValidateTools(request)
            ?? ValidateToolChoice(request)
            ?? ValidateThoughtSignatures(request);
    }

    private static string? ValidateModel(JsonObject request, ChatRoute route)
    {
        var model = request["model"];
        if (model is null)
        {
            return route.IsManaged ? "model: field is required for endpoints/openapi; model must be of the form google/{model}." : null;
        }

        if (!IsString(model, out var name))
        {
            return "model: must be a string.";
        }

        if (route.IsManaged && (!name.StartsWith("google/", StringComparison.Ordinal) || name.Length == "google/".Length))
        {
            return $"model: '{name}' is not supported; model must be of the form google/{{model}}.";
        }

        return null;
    }

    private static string? ValidateMessages(JsonObject request)
    {
        if (!request.TryGetPropertyValue("messages", out var messagesNode) || messagesNode is null)
        {
            return "messages: field is required.";
        }

        if (messagesNode is not JsonArray messages)
        {
            return "messages: must be an array.";
        }

        if (messages.Count == 0)
        {
            return "messages: must contain at least one message.";
        }

        var callIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < messages.Count; i++)
        {
            if (ValidateMessage(messages[i], $"messages[{i}]", callIds) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private static string? ValidateMessage(JsonNode? node, string path, HashSet<string> callIds)
    {
        if (node is not JsonObject message)
        {
            return $"{path}: must be an object.";
        }

        if (!IsString(message["role"], out var role) || !Roles.Contains(role))
        {
            return $"{path}.role: must be one of system, user, assistant, tool, developer, function.";
        }

        var content = message["content"];
        if (content is not null && !IsString(content, out _) && content is not JsonArray)
        {
            return $"{path}.content: must be a string, an array of content parts, or null.";
        }

        if (role is "user" or "system" or "developer" && content is null)
        {
            return $"{path}.content: a {role} message must have content.";
        }

        if (content is JsonArray parts)
        {
            for (var j = 0; j < parts.Count; j++)
            {
                if (ValidatePart(parts[j], $"{path}.content[{j}]") is { } error)
                {
                    return error;
                }
            }
        }

        if (role == "tool")
        {
            if (!IsString(message["tool_call_id"], out var callId) || callId.Length == 0)
            {
                return $"{path}.tool_call_id: a tool message must have a tool_call_id.";
            }

            // A function response must answer a function call made earlier in the conversation.
            if (!callIds.Contains(callId))
            {
                return $"{path}.tool_call_id: '{callId}' matches no tool call of an earlier assistant message.";
            }
        }

        if (ValidateToolCalls(message["tool_calls"], path, callIds) is { } callError)
        {
            return callError;
        }

        // An assistant turn with no parts at all is an empty Content, which Gemini refuses.
        var hasContent = content is JsonArray { Count: > 0 } || (IsString(content, out _));
        var hasCalls = message["tool_calls"] is JsonArray { Count: > 0 };
        if (role == "assistant" && !hasContent && !hasCalls)
        {
            return $"{path}: an assistant message must have content or tool_calls.";
        }

        return null;
    }

    private static string? ValidatePart(JsonNode? node, string path)
    {
        if (node is not JsonObject part)
        {
            return $"{path}: must be an object.";
        }

        if (!IsString(part["type"], out var type) || !PartTypes.Contains(type))
        {
            return $"{path}.type: must be one of text, image_url, input_audio, file.";
        }

        switch (type)
        {
            case "text" when !IsString(part["text"], out _):
                return $"{path}.text: a text part must have a string text.";
            case "image_url":
                var image = part["image_url"];
                var hasUrl = IsString(image, out var url) || (image is JsonObject o && IsString(o["url"], out url));
                if (!hasUrl)
                {
                    return $"{path}.image_url: must be a URL string or an object with a string url.";
                }

                return IsMediaUrl(url) ? null : $"{path}.image_url: '{Cut(url)}' is not a gs://, https:// or data:<mime>;base64, URL.";
            case "input_audio":
                if (part["input_audio"] is not JsonObject audio || !IsString(audio["data"], out var data) || !IsString(audio["format"], out var format))
                {
                    return $"{path}.input_audio: must be an object with string data and format.";
                }

                // PROTOCOL.md: format is a MIME type (the docs send "audio/mp3"), not OpenAI's bare "mp3".
                if (!MimeType.IsMatch(format))
                {
                    return $"{path}.input_audio.format: '{Cut(format)}' is not a MIME type such as audio/mp3.";
                }

                return data.Length > 0 ? null : $"{path}.input_audio.data: must not be empty.";
            case "file":
                return part["file"] is JsonObject ? null : $"{path}.file: must be an object.";
        }

        return null;
    }

    private static string? ValidateToolCalls(JsonNode? node, string path, HashSet<string> callIds)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonArray calls)
        {
            return $"{path}.tool_calls: must be an array.";
        }

        for (var k = 0; k < calls.Count; k++)
        {
            if (calls[k] is not JsonObject call || call["function"] is not JsonObject function
                || !IsString(function["name"], out var name) || name.Length == 0)
            {
                return $"{path}.tool_calls[{k}].function.name: is required.";
            }

            // OpenAI's shape: arguments is the JSON text of an object, never the object itself.
            if (function["arguments"] is { } arguments
                && (!IsString(arguments, out var text) || !IsJsonObjectText(text)))
            {
                return $"{path}.tool_calls[{k}].function.arguments: must be a string holding a JSON object.";
            }

            if (call["type"] is { } type && (!IsString(type, out var typeName) || typeName != "function"))
            {
                return $"{path}.tool_calls[{k}].type: must be \"function\".";
            }

            if (call["id"] is { } id)
            {
                if (!IsString(id, out var callId) || callId.Length == 0)
                {
                    return $"{path}.tool_calls[{k}].id: must be a non-empty string.";
                }

                callIds.Add(callId);
            }
        }

        return null;
    }

    private static string? ValidateOptions(JsonObject request)
    {
        if (request["stream"] is { } stream && stream.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            return "stream: must be a boolean.";
        }

        if (request["n"] is { } n && (!IsInteger(n, out var count) || count < 1 || count > 8))
        {
            return "n: must be an integer between 1 and 8.";
        }

        foreach (var name in new[] { "max_tokens", "max_completion_tokens" })
        {
            if (request[name] is { } limit && (!IsInteger(limit, out var value) || value < 1))
            {
                return $"{name}: must be a positive integer.";
            }
        }

        if (request["stop"] is { } stop && !IsString(stop, out _)
            && !(stop is JsonArray stops && stops.All(s => IsString(s, out _))))
        {
            return "stop: must be a string or an array of strings.";
        }

        if (request["response_format"] is { } format)
        {
            if (format is not JsonObject f || !IsString(f["type"], out var formatType) || !ResponseFormats.Contains(formatType))
            {
                return "response_format.type: must be one of text, json_object, json_schema.";
            }

            if (formatType == "json_schema" && ValidateJsonSchemaFormat(f["json_schema"]) is { } schemaError)
            {
                return schemaError;
            }
        }

        if (request["reasoning_effort"] is { } effort && (!IsString(effort, out var effortName) || !ReasoningEfforts.Contains(effortName)))
        {
            return "reasoning_effort: must be one of none, minimal, low, medium, high.";
        }

        if (request["modalities"] is { } modalities
            && (modalities is not JsonArray { Count: > 0 } list || !list.All(m => IsString(m, out var name) && Modalities.Contains(name))))
        {
            return "modalities: must be a non-empty array of text, image, audio.";
        }

        JsonObject? google = null;
        if (request["extra_body"] is { } extra)
        {
            if (extra is not JsonObject extraBody)
            {
                return "extra_body: must be an object.";
            }

            if (extraBody["google"] is { } g)
            {
                google = g as JsonObject;
                if (google is null)
                {
                    return "extra_body.google: must be an object.";
                }
            }
        }

        if (request["reasoning_effort"] is not null && google?["thinking_config"] is not null)
        {
            return "reasoning_effort and extra_body.google.thinking_config cannot both be set; use one of them.";
        }

        return null;
    }

    private static string? ValidateTools(JsonObject request)
    {
        if (request["tools"] is not { } toolsNode)
        {
            return null;
        }

        if (toolsNode is not JsonArray tools)
        {
            return "tools: must be an array.";
        }

        for (var i = 0; i < tools.Count; i++)
        {
            if (tools[i] is not JsonObject tool || !IsString(tool["type"], out var type) || type != "function")
            {
                return $"tools[{i}].type: must be \"function\".";
            }

            if (tool["function"] is not JsonObject function || !IsString(function["name"], out var name) || name.Length == 0)
            {
                return $"tools[{i}].function.name: is required.";
            }

            if (function["parameters"] is { } parameters)
            {
                if (parameters is not JsonObject schema)
                {
                    return $"tools[{i}].function.parameters: must be a JSON schema object.";
                }

                // Function parameters are an object schema (OpenAPI 3.0 subset; Vertex FunctionDeclaration.parameters).
                if (schema["type"] is { } paramType && (!IsString(paramType, out var typeName) || typeName != "object"))
                {
                    return $"tools[{i}].function.parameters.type: must be \"object\".";
                }

                if (ValidateSchema(schema, $"tools[{i}].function.parameters") is { } schemaError)
                {
                    return schemaError;
                }
            }
        }

        return null;
    }

    private static string? ValidateToolChoice(JsonObject request)
    {
        if (request["tool_choice"] is not { } choice)
        {
            return null;
        }

        if (IsString(choice, out var mode))
        {
            return ToolChoiceModes.Contains(mode) ? null : $"tool_choice: '{Cut(mode)}' is none of none, auto, required.";
        }

        if (choice is not JsonObject named || !IsString(named["type"], out var type) || type != "function"
            || named["function"] is not JsonObject function || !IsString(function["name"], out var name) || name.Length == 0)
        {
            return "tool_choice: must be none, auto, required or {\"type\":\"function\",\"function\":{\"name\":...}}.";
        }

        // A forced function must be one the request declares.
        var declared = request["tools"] is JsonArray tools
            && tools.Any(t => IsString(t?["function"]?["name"], out var n) && n == name);
        return declared ? null : $"tool_choice.function.name: '{Cut(name)}' is not a function declared in tools.";
    }

    private static string? ValidateJsonSchemaFormat(JsonNode? node)
    {
        if (node is not JsonObject jsonSchema)
        {
            return "response_format.json_schema: is required when type is json_schema.";
        }

        if (!IsString(jsonSchema["name"], out var name) || name.Length == 0)
        {
            return "response_format.json_schema.name: is required.";
        }

        if (jsonSchema["schema"] is not JsonObject schema)
        {
            return "response_format.json_schema.schema: must be a JSON schema object.";
        }

        return ValidateSchema(schema, "response_format.json_schema.schema");
    }

    /// <summary>
    /// The OpenAPI 3.0 subset Vertex's Schema takes: <c>type</c> one string of <see cref="SchemaTypes"/>,
    /// <c>nullable</c> a boolean, <c>properties</c> a map of schemas, <c>items</c> a schema, <c>required</c> names of
    /// declared properties, <c>enum</c> an array of strings; <c>anyOf</c> a list of schemas.
    /// </summary>
    private static string? ValidateSchema(JsonObject schema, string path)
    {
        if (schema["type"] is { } type)
        {
            if (type is JsonArray)
            {
                return $"{path}.type: must be a single type; OpenAPI 3.0 marks null with \"nullable\": true, not a type array.";
            }

            if (!IsString(type, out var typeName) || !SchemaTypes.Contains(typeName))
            {
                return $"{path}.type: '{Cut(type.ToJsonString())}' is none of string, number, integer, boolean, array, object.";
            }
        }

        if (schema["nullable"] is { } nullable && nullable.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            return $"{path}.nullable: must be a boolean.";
        }

        if (schema["enum"] is { } values && (values is not JsonArray valueList || !valueList.All(v => IsString(v, out _))))
        {
            return $"{path}.enum: must be an array of strings.";
        }

        HashSet<string> declared = [];
        if (schema["properties"] is { } propertiesNode)
        {
            if (propertiesNode is not JsonObject properties)
            {
                return $"{path}.properties: must map names to schemas.";
            }

            foreach (var (key, value) in properties)
            {
                declared.Add(key);
                if (value is not JsonObject property)
                {
                    return $"{path}.properties.{key}: must be a schema object.";
                }

                if (ValidateSchema(property, $"{path}.properties.{key}") is { } error)
                {
                    return error;
                }
            }
        }

        if (schema["required"] is { } requiredNode)
        {
            if (requiredNode is not JsonArray required || !required.All(r => IsString(r, out _)))
            {
                return $"{path}.required: must be an array of property names.";
            }

            // Gemini's own words for this: "property is not defined".
            for (var r = 0; r < required.Count; r++)
            {
                var name = required[r]!.GetValue<string>();
                if (!declared.Contains(name))
                {
                    return $"{path}.required[{r}]: property is not defined ('{Cut(name)}').";
                }
            }
        }

        if (schema["items"] is { } itemsNode)
        {
            if (itemsNode is not JsonObject items)
            {
                return $"{path}.items: must be a schema object.";
            }

            if (ValidateSchema(items, $"{path}.items") is { } error)
            {
                return error;
            }
        }

        foreach (var keyword in new[] { "anyOf", "oneOf", "allOf" })
        {
            if (schema[keyword] is not { } listNode)
            {
                continue;
            }

            if (listNode is not JsonArray list || list.Any(x => x is not JsonObject))
            {
                return $"{path}.{keyword}: must be an array of schema objects.";
            }

            for (var k = 0; k < list.Count; k++)
            {
                if (ValidateSchema((JsonObject)list[k]!, $"{path}.{keyword}[{k}]") is { } error)
                {
                    return error;
                }
            }
        }

        return null;
    }

    private static bool IsMediaUrl(string url) =>
        url.StartsWith("gs://", StringComparison.Ordinal) && url.Length > "gs://".Length
        || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.Host.Length > 0)
        || IsDataUri(url);

    // data:<mime>;base64,<payload>: PROTOCOL.md allows any media type here.
    private static bool IsDataUri(string url)
    {
        if (!url.StartsWith("data:", StringComparison.Ordinal))
        {
            return false;
        }

        var comma = url.IndexOf(',', StringComparison.Ordinal);
        const string marker = ";base64";
        if (comma < 0 || !url.AsSpan(0, comma).EndsWith(marker, StringComparison.Ordinal))
        {
            return false;
        }

        var mime = url["data:".Length..(comma - marker.Length)];
        var payload = url[(comma + 1)..];
        return MimeType.IsMatch(mime) && payload.Length > 0 && payload.Length % 4 == 0 && Convert.TryFromBase64String(payload, new byte[payload.Length], out _);
    }

    private static bool IsJsonObjectText(string text)
    {
        try
        {
            return JsonNode.Parse(text) is JsonObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Cut(string value) => value.Length <= 60 ? value : value[..60] + "...";

    /// <summary>Gemini 3 rejects replayed tool calls whose first call lost the signature it was issued with.</summary>
    private string? ValidateThoughtSignatures(JsonObject request)
    {
        if (!IsString(request["model"], out var model) || !model.Contains("gemini-3", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var messages = (JsonArray)request["messages"]!;
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject { } message || !IsString(message["role"], out var role) || role != "assistant"
                || message["tool_calls"] is not JsonArray { Count: > 0 } calls)
            {
                continue;
            }

            var first = (JsonObject)calls[0]!;
            var hasSignature = IsString(first["extra_content"]?["google"]?["thought_signature"], out var signature);
            if (!hasSignature || !signatures.WasIssued(signature))
            {
                var name = first["function"]?["name"]?.GetValue<string>();
                var why = hasSignature ? " The thought_signature sent was not issued by this server." : string.Empty;
                return "Function call is missing a thought_signature in functionCall parts. This is required for tools to work "
                    + "correctly, and missing thought_signature may lead to degraded model performance. Additional data, "
                    + $"function call `default_api:{name}` , position {i + 1}.{why} Please refer to "
                    + "https://ai.google.dev/gemini-api/docs/thought-signatures for more details.";
            }
        }

        return null;
    }

    private static bool IsString(JsonNode? node, out string value)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            value = v.GetValue<string>();
            return true;
        }

        value = string.Empty;
        return false;
    }

    private static bool IsInteger(JsonNode? node, out long value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out value);
    }
}
