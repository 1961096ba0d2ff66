using System.Text.Json;
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>
/// Checks a native <c>GenerateContentRequest</c> (one line of a batch job's input) as strictly as Vertex documents it
/// (https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/projects.locations.endpoints/generateContent
/// and the Content / Part / GenerationConfig / Tool references): only the documented members, with their types; a part is
/// exactly one of text, inlineData, fileData, functionCall, functionResponse (plus thought and thoughtSignature); roles
/// user and model; base64 inline data. Returns the problem in Google's words, or null.
/// </summary>
internal static class GenerateContentValidator
{
    private static readonly HashSet<string> s_request = ["contents", "systemInstruction", "tools", "toolConfig", "safetySettings", "generationConfig", "labels", "cachedContent", "modelArmorConfig"];
    private static readonly HashSet<string> s_content = ["role", "parts"];
    private static readonly HashSet<string> s_partData = ["text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult"];
    private static readonly HashSet<string> s_partExtra = ["thought", "thoughtSignature", "videoMetadata", "mediaResolution"];
    private static readonly HashSet<string> s_generationConfig =
    [
        "temperature", "topP", "topK", "candidateCount", "maxOutputTokens", "stopSequences", "presencePenalty", "frequencyPenalty",
        "seed", "responseMimeType", "responseSchema", "responseJsonSchema", "responseModalities", "thinkingConfig", "responseLogprobs",
        "logprobs", "mediaResolution", "speechConfig", "imageConfig", "audioTimestamp", "routingConfig",
    ];
    private static readonly HashSet<string> s_thinkingConfig = ["thinkingBudget", "includeThoughts", "thinkingLevel"];
    private static readonly HashSet<string> s_tool = ["functionDeclarations", "googleSearch", "googleSearchRetrieval", "codeExecution", "retrieval", "urlContext", "enterpriseWebSearch", "googleMaps"];
    private static readonly HashSet<string> s_function = ["name", "description", "parameters", "parametersJsonSchema", "response", "responseJsonSchema"];

    public static string? Validate(JsonNode? node)
    {
        if (node is not JsonObject request)
        {
            return "Invalid JSON payload received. The request must be a JSON object.";
        }

        if (Unknown(request, s_request, "") is { } unknown) return unknown;
        if (request["contents"] is not JsonArray contents || contents.Count == 0)
        {
            return "Unable to submit request because it must include at least one parts field, which describes the prompt input.";
        }

        for (var i = 0; i < contents.Count; i++)
        {
            if (ValidateContent(contents[i], $"contents[{i}]", requireRole: true) is { } p) return p;
        }

        if (request["systemInstruction"] is { } system && ValidateContent(system, "system_instruction", requireRole: false) is { } sp) return sp;
        if (request["generationConfig"] is { } gc && ValidateGenerationConfig(gc) is { } gp) return gp;
        if (request["tools"] is { } tools && ValidateTools(tools) is { } tp) return tp;
        if (request["toolConfig"] is { } tc && ValidateToolConfig(tc) is { } cp) return cp;
        if (request["labels"] is { } labels && (labels is not JsonObject lo || lo.Any(kv => kv.Value?.GetValueKind() != JsonValueKind.String)))
        {
            return "Invalid value at 'labels': a map of strings.";
        }

        return null;
    }

    private static string? ValidateContent(JsonNode? node, string where, bool requireRole)
    {
        if (node is not JsonObject content) return $"Invalid value at '{where}': expected an object.";
        if (Unknown(content, s_content, where) is { } u) return u;
        if (content["role"] is { } role)
        {
            if (role.GetValueKind() != JsonValueKind.String || role.GetValue<string>() is not ("user" or "model"))
            {
                return $"Please use a valid role: user, model. ({where}.role)";
            }
        }
        else if (requireRole && where != "contents[0]")
        {
            return $"Please use a valid role: user, model. ({where}.role is missing)";
        }

        if (content["parts"] is not JsonArray parts || parts.Count == 0)
        {
            return $"Unable to submit request because it must include at least one parts field. ({where}.parts)";
        }

        for (var i = 0; i < parts.Count; i++)
        {
            if (ValidatePart(parts[i], $"{where}.parts[{i}]") is { } p) return p;
        }

        return null;
    }

    private static string? ValidatePart(JsonNode? node, string where)
    {
        if (node is not JsonObject part) return $"Invalid value at '{where}': expected an object.";
        var data = 0;
        foreach (var (key, value) in part)
        {
            if (s_partData.Contains(key)) data++;
            else if (!s_partExtra.Contains(key)) return $"Invalid JSON payload received. Unknown name \"{key}\" at '{where}': Cannot find field.";
        }

        if (data != 1)
        {
            return $"Invalid value at '{where}': a part must have exactly one of text, inlineData, fileData, functionCall, functionResponse (found {data}).";
        }

        if (part["text"] is { } text && text.GetValueKind() != JsonValueKind.String) return $"Invalid value at '{where}.text': a string.";
        if (part["thought"] is { } thought && thought.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) return $"Invalid value at '{where}.thought': a boolean.";
        if (part["thoughtSignature"] is { } sig && !IsBase64(sig)) return $"Invalid value at '{where}.thought_signature': base64 bytes.";
        if (part["inlineData"] is { } inline)
        {
            if (inline is not JsonObject io || Unknown(io, ["mimeType", "data", "displayName"], where + ".inlineData") is { } _
                || io["mimeType"]?.GetValueKind() != JsonValueKind.String || !IsBase64(io["data"]))
            {
                return $"Invalid value at '{where}.inline_data': mimeType (string) and data (base64) are required.";
            }

            if (!NativeContent.IsMediaType(io["mimeType"]!.GetValue<string>())) return NativeContent.UnsupportedMimeType(io["mimeType"]!.GetValue<string>());
        }

        if (part["fileData"] is { } file)
        {
            if (file is not JsonObject fo || Unknown(fo, ["mimeType", "fileUri", "displayName"], where + ".fileData") is { } _
                || fo["mimeType"]?.GetValueKind() != JsonValueKind.String || fo["fileUri"]?.GetValueKind() != JsonValueKind.String)
            {
                return $"Invalid value at '{where}.file_data': mimeType and fileUri (strings) are required.";
            }

            if (!NativeContent.IsMediaType(fo["mimeType"]!.GetValue<string>())) return NativeContent.UnsupportedMimeType(fo["mimeType"]!.GetValue<string>());
            var uri = fo["fileUri"]!.GetValue<string>();
            if (!uri.StartsWith("gs://", StringComparison.Ordinal) && !uri.StartsWith("https://", StringComparison.Ordinal) && !uri.StartsWith("http://", StringComparison.Ordinal))
            {
                return $"Invalid value at '{where}.file_data.file_uri': '{uri}' is not a gs:// or http(s):// URI.";
            }
        }

        if (part["functionCall"] is { } call && (call is not JsonObject co || co["name"]?.GetValueKind() != JsonValueKind.String
            || (co["args"] is { } args && args is not JsonObject) || Unknown(co, ["name", "args", "id", "partialArgs", "willContinue"], where + ".functionCall") is { } _))
        {
            return $"Invalid value at '{where}.function_call': name (string) and args (object) expected.";
        }

        if (part["functionResponse"] is { } response && (response is not JsonObject ro || ro["name"]?.GetValueKind() != JsonValueKind.String
            || ro["response"] is not JsonObject || Unknown(ro, ["name", "response", "id", "parts"], where + ".functionResponse") is { } _))
        {
            return $"Invalid value at '{where}.function_response': name (string) and response (object) expected.";
        }

        return null;
    }

    private static string? ValidateGenerationConfig(JsonNode node)
    {
        if (node is not JsonObject config) return "Invalid value at 'generation_config': expected an object.";
        if (Unknown(config, s_generationConfig, "generation_config") is { } u) return u;
        foreach (var name in new[] { "temperature", "topP", "topK", "presencePenalty", "frequencyPenalty" })
        {
            if (config[name] is { } v && v.GetValueKind() != JsonValueKind.Number) return $"Invalid value at 'generation_config.{name}': a number.";
        }

        if (config["temperature"] is { } t && (t.GetValue<double>() < 0 || t.GetValue<double>() > 2)) return "Invalid value at 'generation_config.temperature': 0 to 2.";
        if (config["topP"] is { } p && (p.GetValue<double>() < 0 || p.GetValue<double>() > 1)) return "Invalid value at 'generation_config.top_p': 0 to 1.";
        foreach (var name in new[] { "maxOutputTokens", "candidateCount", "seed" })
        {
            if (config[name] is { } v && (v.GetValueKind() != JsonValueKind.Number || !v.AsValue().TryGetValue<long>(out _))) return $"Invalid value at 'generation_config.{name}': an integer.";
        }

        if (config["stopSequences"] is { } stop && (stop is not JsonArray sa || sa.Count > 5 || sa.Any(s => s?.GetValueKind() != JsonValueKind.String)))
        {
            return "Invalid value at 'generation_config.stop_sequences': at most 5 strings.";
        }

        if (config["responseMimeType"] is { } mime && (mime.GetValueKind() != JsonValueKind.String || mime.GetValue<string>() is not ("text/plain" or "application/json" or "text/x.enum")))
        {
            return "Invalid value at 'generation_config.response_mime_type': text/plain, application/json or text/x.enum.";
        }

        if ((config["responseSchema"] is not null || config["responseJsonSchema"] is not null) && config["responseMimeType"]?.GetValue<string>() != "application/json"
            && config["responseMimeType"]?.GetValue<string>() != "text/x.enum")
        {
            return "responseMimeType must be application/json (or text/x.enum) when a response schema is set.";
        }

        if (config["responseSchema"] is not null && config["responseJsonSchema"] is not null)
        {
            return "Only one of response_schema and response_json_schema may be set.";
        }

        if (config["responseModalities"] is { } modalities && (modalities is not JsonArray ma
            || ma.Any(m => m?.GetValueKind() != JsonValueKind.String || m.GetValue<string>() is not ("TEXT" or "IMAGE" or "AUDIO"))))
        {
            return "Invalid value at 'generation_config.response_modalities': TEXT, IMAGE or AUDIO.";
        }

        if (config["thinkingConfig"] is { } thinking)
        {
            if (thinking is not JsonObject to) return "Invalid value at 'generation_config.thinking_config': expected an object.";
            if (Unknown(to, s_thinkingConfig, "generation_config.thinking_config") is { } tu) return tu;
            if (to["thinkingBudget"] is { } b && (b.GetValueKind() != JsonValueKind.Number || !b.AsValue().TryGetValue<int>(out _))) return "Invalid value at 'generation_config.thinking_config.thinking_budget': an integer.";
            if (to["includeThoughts"] is { } it && it.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) return "Invalid value at 'generation_config.thinking_config.include_thoughts': a boolean.";
            if (to["thinkingLevel"] is { } level && (level.GetValueKind() != JsonValueKind.String || level.GetValue<string>() is not ("MINIMAL" or "LOW" or "MEDIUM" or "HIGH")))
            {
                return "Invalid value at 'generation_config.thinking_config.thinking_level': MINIMAL, LOW, MEDIUM or HIGH.";
            }

            if (to["thinkingBudget"] is not null && to["thinkingLevel"] is not null) return "thinking_budget and thinking_level cannot both be set.";
        }

        return null;
    }

    private static string? ValidateTools(JsonNode node)
    {
        if (node is not JsonArray tools) return "Invalid value at 'tools': expected an array.";
        for (var i = 0; i < tools.Count; i++)
        {
            if (tools[i] is not JsonObject tool) return $"Invalid value at 'tools[{i}]': expected an object.";
            if (Unknown(tool, s_tool, $"tools[{i}]") is { } u) return u;
            if (tool["functionDeclarations"] is { } decls)
            {
                if (decls is not JsonArray da) return $"Invalid value at 'tools[{i}].function_declarations': expected an array.";
                for (var j = 0; j < da.Count; j++)
                {
                    var where = $"tools[{i}].function_declarations[{j}]";
                    if (da[j] is not JsonObject f) return $"Invalid value at '{where}': expected an object.";
                    if (Unknown(f, s_function, where) is { } fu) return fu;
                    if (f["name"]?.GetValueKind() != JsonValueKind.String || !System.Text.RegularExpressions.Regex.IsMatch(f["name"]!.GetValue<string>(), "^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$"))
                    {
                        return $"Invalid value at '{where}.name': letters, digits, underscores, dots, colons and dashes, starting with a letter or underscore.";
                    }

                    if (OpenApiSchema.ValidateParameters(f, where) is { } schemaProblem) return schemaProblem;
                }
            }
        }

        return null;
    }

    private static string? ValidateToolConfig(JsonNode node)
    {
        if (node is not JsonObject config || Unknown(config, ["functionCallingConfig", "retrievalConfig"], "tool_config") is { } _) return "Invalid value at 'tool_config'.";
        if (config["functionCallingConfig"] is not { } fcc) return null;
        if (fcc is not JsonObject fo || Unknown(fo, ["mode", "allowedFunctionNames", "streamFunctionCallArguments"], "tool_config.function_calling_config") is { } u) return "Invalid value at 'tool_config.function_calling_config'.";
        if (fo["mode"] is { } mode && (mode.GetValueKind() != JsonValueKind.String || mode.GetValue<string>() is not ("AUTO" or "ANY" or "NONE" or "VALIDATED")))
        {
            return "Invalid value at 'tool_config.function_calling_config.mode': AUTO, ANY, NONE or VALIDATED.";
        }

        if (fo["allowedFunctionNames"] is not null && fo["mode"]?.GetValue<string>() != "ANY" && fo["mode"]?.GetValue<string>() != "VALIDATED")
        {
            return "allowed_function_names may be set only when the mode is ANY (or VALIDATED).";
        }

        return null;
    }

    private static string? Unknown(JsonObject o, HashSet<string> known, string where)
    {
        foreach (var (key, _) in o)
        {
            if (!known.Contains(key))
            {
                return $"Invalid JSON payload received. Unknown name \"{key}\"{(where.Length == 0 ? "" : $" at '{where}'")}: Cannot find field.";
            }
        }

        return null;
    }

    private static bool IsBase64(JsonNode? node) => NativeContent.Str(node) is { } s && NativeContent.IsBase64(s);
}
