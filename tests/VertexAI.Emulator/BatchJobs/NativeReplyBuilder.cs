// Deterministic native replies for batch job lines — the same request always gets the same response.
//
//  "text" of a request     the text parts of its last "user" content, concatenated.
//  promptTokenCount        words (runs of non-whitespace) in every text part of contents and systemInstruction + one per media part.
//  candidatesTokenCount    words in the answer (for a function call: 1).
//  thoughtsTokenCount      7 when generationConfig.thinkingConfig.includeThoughts is true.
//  totalTokenCount         the sum of the three.
//
// What the line becomes, first rule that applies:
//  1. The text contains "EMULATOR_FAIL": a failed line, status "Bad Request: {error json}", no response.
//  2. functionDeclarations present and toolConfig.functionCallingConfig.mode is not NONE: one functionCall part of the
//     first declared (or first allowed) function, args {"text": the text}, with a thoughtSignature; finishReason STOP.
//  3. Otherwise text "Echo: {text}" plus " [N media]" when the last user content has media parts; with responseMimeType
//     application/json the text is {"echo": "..."}; stopSequences cut before the first occurrence; maxOutputTokens keeps
//     that many words (finishReason MAX_TOKENS when it cut, else STOP). includeThoughts adds a first part
//     {"text": "Thinking about: {text}", "thought": true}.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>Derives a native <c>GenerateContentResponse</c> (or a failed line's status) from a validated request.</summary>
internal static class NativeReplyBuilder
{
    public const string FailMarker = "EMULATOR_FAIL";
    public const int ThoughtTokens = 7;

    /// <summary>The response, or null with <paramref name="status"/> set for a failed line.</summary>
    public static JsonObject? Build(JsonObject request, string modelId, DateTimeOffset now, out string status)
    {
        status = string.Empty;
        var contents = (JsonArray)request["contents"]!;
        var lastUser = contents.LastOrDefault(c => (c?["role"]?.GetValue<string>() ?? "user") == "user") ?? contents[^1]!;
        var text = TextOf(lastUser);
        if (text.Contains(FailMarker, StringComparison.Ordinal))
        {
            status = "Bad Request: " + new JsonObject
            {
                ["error"] = new JsonObject { ["code"] = 400, ["message"] = "Scripted failure of this line (" + FailMarker + ").", ["status"] = "INVALID_ARGUMENT" },
            }.ToJsonString();
            return null;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(request.ToJsonString()));
        var config = request["generationConfig"] as JsonObject;
        var includeThoughts = config?["thinkingConfig"]?["includeThoughts"]?.GetValueKind() == JsonValueKind.True;
        var promptTokens = contents.Sum(c => Words(TextOf(c)) + MediaCount(c)) + (request["systemInstruction"] is { } s ? Words(TextOf(s)) : 0);

        var parts = new JsonArray();
        if (includeThoughts)
        {
            parts.Add(new JsonObject { ["text"] = "Thinking about: " + text, ["thought"] = true });
        }

        string finish = "STOP";
        int answerTokens;
        var declarations = (request["tools"] as JsonArray)?.SelectMany(t => t?["functionDeclarations"] as JsonArray ?? []).OfType<JsonObject>().ToList() ?? [];
        var mode = request["toolConfig"]?["functionCallingConfig"]?["mode"]?.GetValue<string>();
        if (declarations.Count > 0 && mode != "NONE")
        {
            var allowed = request["toolConfig"]?["functionCallingConfig"]?["allowedFunctionNames"]?[0]?.GetValue<string>();
            var name = allowed ?? declarations[0]["name"]!.GetValue<string>();
            parts.Add(new JsonObject
            {
                ["functionCall"] = new JsonObject { ["name"] = name, ["args"] = new JsonObject { ["text"] = text } },
                ["thoughtSignature"] = Convert.ToBase64String(hash.AsSpan(0, 12)),
            });
            answerTokens = 1;
        }
        else
        {
            var media = MediaCount(lastUser);
            var answer = "Echo: " + text + (media > 0 ? $" [{media} media]" : string.Empty);
            if (config?["responseMimeType"]?.GetValue<string>() == "application/json")
            {
                answer = new JsonObject { ["echo"] = answer }.ToJsonString();
            }

            if (config?["stopSequences"] is JsonArray stops)
            {
                foreach (var stop in stops.Select(x => x!.GetValue<string>()))
                {
                    var at = answer.IndexOf(stop, StringComparison.Ordinal);
                    if (at >= 0) answer = answer[..at];
                }
            }

            if (config?["maxOutputTokens"] is { } max && max.GetValue<int>() < Words(answer))
            {
                answer = string.Join(' ', answer.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(max.GetValue<int>()));
                finish = "MAX_TOKENS";
            }

            parts.Add(new JsonObject { ["text"] = answer });
            answerTokens = Words(answer);
        }

        var usage = new JsonObject
        {
            ["promptTokenCount"] = promptTokens,
            ["candidatesTokenCount"] = answerTokens,
            ["totalTokenCount"] = promptTokens + answerTokens + (includeThoughts ? ThoughtTokens : 0),
        };
        if (includeThoughts) usage["thoughtsTokenCount"] = ThoughtTokens;
        return new JsonObject
        {
            ["candidates"] = new JsonArray(new JsonObject
            {
                ["content"] = new JsonObject { ["role"] = "model", ["parts"] = parts },
                ["finishReason"] = finish,
            }),
            ["usageMetadata"] = usage,
            ["modelVersion"] = modelId,
            ["createTime"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"),
            ["responseId"] = System.Buffers.Text.Base64Url.EncodeToString(hash.AsSpan(0, 17)),
        };
    }

    public static string TextOf(JsonNode? content)
    {
        var sb = new StringBuilder();
        foreach (var part in content?["parts"] as JsonArray ?? [])
        {
            if (part?["text"] is JsonValue t && part["thought"] is null) sb.Append(t.GetValue<string>());
        }

        return sb.ToString();
    }

    private static int MediaCount(JsonNode? content) =>
        (content?["parts"] as JsonArray ?? []).Count(p => p?["inlineData"] is not null || p?["fileData"] is not null);

    private static int Words(string s) => s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
