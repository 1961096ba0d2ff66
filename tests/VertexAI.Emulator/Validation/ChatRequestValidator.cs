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
            ?? ValidateTools(request)
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

        for (var i = 0; i < messages.Count; i++)
        {
            if (ValidateMessage(messages[i], $"messages[{i}]") is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private static string? ValidateMessage(JsonNode? node, string path)
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

        if (role == "tool" && (!IsString(message["tool_call_id"], out var callId) || callId.Length == 0))
        {
            return $"{path}.tool_call_id: a tool message must have a tool_call_id.";
        }

        return ValidateToolCalls(message["tool_calls"], path);
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
                var ok = IsString(image, out _) || (image is JsonObject o && IsString(o["url"], out _));
                return ok ? null : $"{path}.image_url: must be a URL string or an object with a string url.";
            case "input_audio":
                return part["input_audio"] is JsonObject audio && IsString(audio["data"], out _) && IsString(audio["format"], out _)
                    ? null
                    : $"{path}.input_audio: must be an object with string data and format.";
            case "file":
                return part["file"] is JsonObject ? null : $"{path}.file: must be an object.";
        }

        return null;
    }

    private static string? ValidateToolCalls(JsonNode? node, string path)
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

        if (request["response_format"] is { } format
            && (format is not JsonObject f || !IsString(f["type"], out var formatType) || !ResponseFormats.Contains(formatType)))
        {
            return "response_format.type: must be one of text, json_object, json_schema.";
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

            if (function["parameters"] is { } parameters && parameters is not JsonObject)
            {
                return $"tools[{i}].function.parameters: must be a JSON schema object.";
            }
        }

        return null;
    }

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
