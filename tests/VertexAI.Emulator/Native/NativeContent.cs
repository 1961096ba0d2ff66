// Native Gemini content (Content / Part, cloud.google.com/vertex-ai/docs/reference/rest/v1/Content):
//   {"role":"user"|"model", "parts":[{"text"} | {"inlineData":{"mimeType","data"}} | {"fileData":{"mimeType","fileUri"}}
//                                     | {"functionCall":{"name","args"}} | {"functionResponse":{"name","response"}}]}
// Proto JSON accepts both lowerCamel and snake_case member names, so both are read.
//
// The emulator's deterministic token count (no real tokenizer; documented here so tests can reason about it):
//   text                 ceil(characters / 4), Google's own rule of thumb of about four characters per token
//   image (inline/file)  258 tokens, the documented cost of one image up to 384x384
//   inline text/* data   the text rule applied to the decoded UTF-8 text
//   audio/video/other inline data   ceil(decoded bytes / 64), modality from the MIME type (AUDIO, VIDEO, else DOCUMENT)
//   audio/video/other file URIs     1000 tokens (the emulator cannot read gs:// objects)
//   functionCall/functionResponse   the text rule applied to their JSON
//   tools                           the text rule applied to the JSON of the tools array
// Billable characters (countTokens' totalBillableCharacters): non-whitespace characters of text parts, as Vertex bills.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>Token tally of some native content, per modality.</summary>
internal sealed class TokenTally
{
    public const int ImageTokens = 258;
    public const int FileUriTokens = 1000;

    public Dictionary<string, int> ByModality { get; } = new(StringComparer.Ordinal);

    public int Total => ByModality.Values.Sum();

    public int BillableCharacters { get; private set; }

    public int TextCharacters { get; private set; }

    public int Images { get; private set; }

    public int AudioSeconds { get; private set; }

    public int VideoSeconds { get; private set; }

    public static int TextTokens(string text) => (text.Length + 3) / 4;

    public void AddText(string text)
    {
        Add("TEXT", TextTokens(text));
        TextCharacters += text.Length;
        BillableCharacters += text.Count(c => !char.IsWhiteSpace(c));
    }

    public void AddMedia(string mimeType, int? decodedBytes)
    {
        var modality = ModalityOf(mimeType);
        if (modality == "IMAGE")
        {
            Add(modality, ImageTokens);
            Images++;
            return;
        }

        var tokens = decodedBytes is { } bytes ? Math.Max(1, (bytes + 63) / 64) : FileUriTokens;
        Add(modality, tokens);
        // Durations are not knowable without decoding; the emulator reports one second per 32 tokens (Vertex's audio rate).
        if (modality == "AUDIO") AudioSeconds += Math.Max(1, tokens / 32);
        if (modality == "VIDEO") VideoSeconds += Math.Max(1, tokens / 263);
    }

    public void Add(string modality, int tokens) =>
        ByModality[modality] = ByModality.GetValueOrDefault(modality) + tokens;

    public JsonArray Details() =>
        new(ByModality.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (JsonNode)new JsonObject { ["modality"] = kv.Key, ["tokenCount"] = kv.Value }).ToArray());

    private static string ModalityOf(string mimeType) =>
        mimeType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) ? "IMAGE"
        : mimeType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase) ? "AUDIO"
        : mimeType.StartsWith("video/", StringComparison.OrdinalIgnoreCase) ? "VIDEO"
        : "DOCUMENT";
}

/// <summary>Validates native <c>contents</c>, <c>systemInstruction</c> and <c>tools</c>, and counts their tokens.</summary>
internal static class NativeContent
{
    private static readonly string[] FunctionDeclarationFields = ["name", "description", "parameters", "parametersJsonSchema", "response", "responseJsonSchema"];

    private static readonly string[] DataFields = ["text", "inlineData", "inline_data", "fileData", "file_data", "functionCall", "function_call", "functionResponse", "function_response", "executableCode", "executable_code", "codeExecutionResult", "code_execution_result"];

    /// <summary>Reads a member by its lowerCamel or snake_case name, as proto JSON parsing does.</summary>
    public static JsonNode? Member(JsonObject o, string camel)
    {
        if (o[camel] is { } value) return value;
        var snake = string.Concat(camel.Select(c => char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : c.ToString()));
        return o[snake];
    }

    /// <summary>
    /// Google's JSON transcoding rejects members it does not know:
    /// <c>Invalid JSON payload received. Unknown name "x": Cannot find field.</c> (the wording users report from googleapis.com).
    /// </summary>
    public static string? UnknownMember(JsonObject o, IReadOnlyCollection<string> camelNames, string prefix = "")
    {
        foreach (var (name, _) in o)
        {
            var camel = ToCamel(name);
            if (!camelNames.Contains(camel))
            {
                return $"Invalid JSON payload received. Unknown name \"{name}\"{(prefix.Length > 0 ? " at '" + prefix + "'" : string.Empty)}: Cannot find field.";
            }
        }

        return null;
    }

    public static string ToCamel(string name)
    {
        var parts = name.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
    }

    /// <summary>Checks a <c>contents</c> array; <paramref name="required"/> when the method needs at least one.</summary>
    public static string? ValidateContents(JsonNode? contents, bool required, string field = "contents")
    {
        if (contents is null)
        {
            // Vertex's wording for generateContent/countTokens without contents, as users report it.
            return required ? "Unable to submit request because at least one contents field is required." : null;
        }

        if (contents is not JsonArray array)
        {
            return $"Invalid value at '{field}': expected a list of Content.";
        }

        if (required && array.Count == 0)
        {
            return "Unable to submit request because at least one contents field is required.";
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (ValidateContent(array[i], $"{field}[{i}]", roleRequired: false) is { } problem) return problem;
        }

        return null;
    }

    public static string? ValidateContent(JsonNode? node, string field, bool roleRequired)
    {
        if (node is not JsonObject content)
        {
            return $"Invalid value at '{field}': expected a Content object.";
        }

        if (UnknownMember(content, ["role", "parts"], field) is { } unknown) return unknown;
        if (content["role"] is { } role && (role.GetValueKind() != JsonValueKind.String || (string)role! is not ("user" or "model" or "")))
        {
            return $"Please use a valid role: user, model. ({field}.role)";
        }

        if (content["parts"] is not JsonArray { Count: > 0 } parts)
        {
            return $"Unable to submit request because it must include at least one parts field, which describes the prompt input. ({field}.parts)";
        }

        for (var p = 0; p < parts.Count; p++)
        {
            var where = $"{field}.parts[{p}]";
            if (parts[p] is not JsonObject part)
            {
                return $"Invalid value at '{where}': expected a Part object.";
            }

            var data = part.Select(kv => kv.Key).Where(k => DataFields.Contains(k)).ToList();
            if (data.Count != 1)
            {
                return $"Unable to submit request because it has {(data.Count == 0 ? "an empty" : "more than one")} data field in {where}: a part holds exactly one of text, inlineData, fileData, functionCall, functionResponse.";
            }

            if (Member(part, "inlineData") is { } inline && !(inline is JsonObject io && Str(Member(io, "mimeType")) is { Length: > 0 } && Str(io["data"]) is { } b64 && IsBase64(b64)))
            {
                return $"Invalid value at '{where}.inline_data': needs a mimeType and base64 data.";
            }

            if (Member(part, "fileData") is { } file && !(file is JsonObject fo && Str(Member(fo, "mimeType")) is { Length: > 0 } && Str(Member(fo, "fileUri")) is { Length: > 0 }))
            {
                return $"Invalid value at '{where}.file_data': needs a mimeType and a fileUri.";
            }

            var media = Member(part, "inlineData") ?? Member(part, "fileData");
            if (media is JsonObject mo && Str(Member(mo, "mimeType")) is { } mimeType && !IsMediaType(mimeType))
            {
                return UnsupportedMimeType(mimeType);
            }

            if (part["text"] is { } text && text.GetValueKind() != JsonValueKind.String)
            {
                return $"Invalid value at '{where}.text' ({text.GetValueKind()}): expected a string.";
            }
        }

        return null;
    }

    public static string? ValidateTools(JsonNode? tools)
    {
        if (tools is null) return null;
        if (tools is not JsonArray array) return "Invalid value at 'tools': expected a list of Tool.";
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject tool || tool.Count == 0)
            {
                return $"Invalid value at 'tools[{i}]': a Tool needs functionDeclarations, googleSearch, retrieval or codeExecution.";
            }

            if (UnknownMember(tool, ["functionDeclarations", "googleSearch", "googleSearchRetrieval", "retrieval", "codeExecution", "urlContext", "enterpriseWebSearch", "googleMaps"], $"tools[{i}]") is { } unknown) return unknown;
            if (Member(tool, "functionDeclarations") is { } decls)
            {
                if (decls is not JsonArray list || list.Any(d => d is not JsonObject o || Str(o["name"]) is not { Length: > 0 }))
                {
                    return $"Invalid value at 'tools[{i}].function_declarations': every declaration needs a name.";
                }

                // FunctionDeclaration (cloud.google.com/vertex-ai/docs/reference/rest/v1/Tool#FunctionDeclaration).
                for (var j = 0; j < list.Count; j++)
                {
                    var where = $"tools[{i}].function_declarations[{j}]";
                    var declaration = (JsonObject)list[j]!;
                    if (UnknownMember(declaration, FunctionDeclarationFields, where) is { } unknownField) return unknownField;
                    if (OpenApiSchema.ValidateParameters(declaration, where) is { } schemaProblem) return schemaProblem;
                }
            }
        }

        return null;
    }

    /// <summary>Adds contents (an array), one Content (systemInstruction) or tools to a tally.</summary>
    public static void Count(TokenTally tally, JsonNode? contents, JsonNode? systemInstruction, JsonNode? tools)
    {
        if (contents is JsonArray array)
        {
            foreach (var content in array) CountContent(tally, content);
        }

        CountContent(tally, systemInstruction);
        if (tools is JsonArray { Count: > 0 } t)
        {
            tally.Add("TEXT", TokenTally.TextTokens(t.ToJsonString()));
        }
    }

    private static void CountContent(TokenTally tally, JsonNode? content)
    {
        if (content?["parts"] is not JsonArray parts) return;
        foreach (var part in parts.OfType<JsonObject>())
        {
            if (Str(part["text"]) is { } text)
            {
                tally.AddText(text);
            }
            else if (Member(part, "inlineData") is JsonObject inline)
            {
                var b64 = Str(inline["data"]) ?? string.Empty;
                var mime = Str(Member(inline, "mimeType")) ?? string.Empty;
                if (mime.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
                {
                    // Inline text (a .txt or .csv file) is read as the text it is.
                    tally.AddText(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(b64)));
                    continue;
                }

                tally.AddMedia(Str(Member(inline, "mimeType")) ?? string.Empty, b64.Length / 4 * 3 - b64.Count(c => c == '='));
            }
            else if (Member(part, "fileData") is JsonObject file)
            {
                tally.AddMedia(Str(Member(file, "mimeType")) ?? string.Empty, null);
            }
            else
            {
                var other = part.FirstOrDefault(kv => DataFields.Contains(kv.Key)).Value;
                if (other is not null) tally.Add("TEXT", TokenTally.TextTokens(other.ToJsonString()));
            }
        }
    }

    /// <summary>
    /// Blob.mimeType and FileData.mimeType are "the IANA standard MIME type of the source data": type/subtype. Vertex's
    /// answer to anything else, as users report it, names the type as unsupported.
    /// </summary>
    public static bool IsMediaType(string mimeType)
    {
        var slash = mimeType.IndexOf('/');
        return slash > 0 && slash < mimeType.Length - 1 && mimeType.IndexOf('/', slash + 1) < 0 && !mimeType.Any(char.IsWhiteSpace);
    }

    public static string UnsupportedMimeType(string mimeType) => $"Unsupported MIME type: {mimeType}";

    public static string? Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>Whether <paramref name="s"/> is non-empty standard base64 (what proto JSON takes for bytes fields).</summary>
    public static bool IsBase64(string s)
    {
        var buffer = new byte[s.Length];
        return s.Length > 0 && Convert.TryFromBase64String(s, buffer, out _);
    }
}
