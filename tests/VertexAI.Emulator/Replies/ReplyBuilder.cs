// Deterministic replies — the same request body always gets the same answer.
//
//  id        base64url of the first 17 bytes of SHA-256(body): 23 characters, like Vertex ids.
//  created   1700000000 + (hash bytes 20..23 as uint32 % 100000000).
//  model     the request's "model", else "self-deployed/{endpoint}".
//  "text"    of a message: its string content, or its "text" parts concatenated.
//  prompt_tokens      words (runs of non-whitespace) in the text of every message + one per media part.
//  completion_tokens  words in the final answer of every choice (thoughts excluded); for tool calls, words in the
//                     arguments strings; for an image, 1290.
//  total_tokens       prompt + completion + reasoning.
//
// What the answer is, first rule that applies:
//  1. "modalities" contains "image": content null, message.audio = {data: base64 1×1 PNG,
//     extra_content.google.mime_type "image/png"}, message-level extra_content.google.thought_signature,
//     usage.completion_tokens_details.reasoning_tokens = 7. finish_reason "stop".
//  2. "tools" present, "tool_choice" not "none", last message is "user": one tool call per tool, in order, at most 2
//     (a named tool_choice picks just that tool). id "function-call-{uuid from hash}", arguments = a JSON object with
//     each required parameter: enum → first value, string → the user's text, number/integer → 1, boolean → true,
//     array → [], object → its own required members. Only the first call has extra_content.google.thought_signature
//     (remembered for rule 4 of validation). content null, finish_reason "tool_calls".
//  3. Last message is "tool": "Echo: tool results: " + the text of the trailing tool messages joined by "; ".
//  4. Otherwise "Echo: {text of last user message}" plus " [1 image]", " [2 images, 1 audio, 1 file]" … for media
//     parts ("Echo:" alone when there is nothing). response_format json_object → {"echo": text};
//     json_schema → SchemaExample of json_schema.schema with strings "example".
//  Text answers then: "stop" (string or list) cuts before the first occurrence (finish "stop");
//  max_completion_tokens / max_tokens keep that many words (finish "length" when it cut).
//  extra_body.google.thinking_config.include_thoughts: reasoning_tokens = 7; with thought_tag_marker M the content
//  starts "<M>Thinking about: {text}</M>" before the answer.
//  "n" > 1: that many identical choices (tool call ids and signatures differ per choice).
//  "web_search_options" present and the answer is text (rule 3 or 4): grounded. Queries [text of the last user message];
//     sources example.com and example.org, uri "https://vertexaisearch.cloud.google.com/grounding-api-redirect/{id}-{1|2}".
//     Sent on the message as extra_content.google.grounding_metadata {web_search_queries, grounding_chunks[].web
//     {uri,title,domain}, grounding_supports} and as OpenAI url_citation annotations; streamed in a last delta of its own.
//  extra_body.google.cached_content names a cache (ICachedContentStore): its tokens are added to prompt_tokens and
//     reported as usage.prompt_tokens_details.cached_tokens.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>Derives a <see cref="Reply"/> from a validated request (rules at the top of this file).</summary>
internal sealed class ReplyBuilder(ThoughtSignatures signatures, ICachedContentStore caches)
{
    public const int ReasoningTokens = 7;
    public const int ImageTokens = 1290;
    private const int MaxParallelCalls = 2;

    public Reply Build(string body, JsonObject request, ChatRoute route)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(body));
        var hashHex = Convert.ToHexStringLower(hash);
        var id = System.Buffers.Text.Base64Url.EncodeToString(hash.AsSpan(0, 17));
        var created = 1_700_000_000L + (BitConverter.ToUInt32(hash, 20) % 100_000_000);
        var model = Str(request["model"]) ?? "self-deployed/" + route.EndpointId;

        var messages = (JsonArray)request["messages"]!;
        var lastUser = messages.LastOrDefault(m => MessageText.RoleOf(m) == "user");
        var userText = MessageText.TextOf(lastUser);
        var google = request["extra_body"]?["google"] as JsonObject;
        var includeThoughts = google?["thinking_config"]?["include_thoughts"] is JsonValue it && it.GetValueKind() == JsonValueKind.True;
        var marker = Str(google?["thought_tag_marker"]);
        var streamArgs = google?["stream_function_call_arguments"] is JsonValue sa && sa.GetValueKind() == JsonValueKind.True;
        var n = request["n"] is JsonValue nv && nv.TryGetValue(out int count) ? count : 1;

        var promptTokens = messages.Sum(m =>
        {
            var (images, audio, files) = MessageText.MediaOf(m);
            return MessageText.CountWords(MessageText.TextOf(m)) + images + audio + files;
        });

        int? cachedTokens = null;
        if (GoogleExtensionsValidator.CachedContentOf(request) is { } cache && caches.TryGetTokenCount(cache, out var cacheTokens))
        {
            cachedTokens = cacheTokens;
            promptTokens += cacheTokens;
        }

        ReplyGrounding? grounding = null;
        var choices = new List<ReplyChoice>();
        int completion = 0;
        int? reasoning = includeThoughts ? ReasoningTokens : null;

        if (WantsImage(request))
        {
            for (var c = 0; c < n; c++)
            {
                choices.Add(new ReplyChoice(c, "stop", null, [], TinyPng.Base64, signatures.Issue($"{hashHex}:image:{c}")));
                completion += ImageTokens;
            }

            reasoning = ReasoningTokens;
        }
        else if (ToolsToCall(request, messages) is { Count: > 0 } tools)
        {
            for (var c = 0; c < n; c++)
            {
                var calls = tools.Select((tool, k) => MakeCall(tool, userText, hash, hashHex, c, k)).ToList();
                choices.Add(new ReplyChoice(c, "tool_calls", null, calls, null, null));
                completion += calls.Sum(call => MessageText.CountWords(call.Arguments));
            }
        }
        else
        {
            var (answer, finish) = Limit(AnswerText(request, messages, lastUser, userText), request);
            var content = includeThoughts && !string.IsNullOrEmpty(marker)
                ? $"<{marker}>Thinking about: {userText}</{marker}>" + answer
                : answer;
            for (var c = 0; c < n; c++)
            {
                choices.Add(new ReplyChoice(c, finish, content, [], null, null));
                completion += MessageText.CountWords(answer);
            }

            if (request["web_search_options"] is JsonObject)
            {
                grounding = new ReplyGrounding(
                    [userText],
                    [
                        new ReplySource("example.com", $"https://vertexaisearch.cloud.google.com/grounding-api-redirect/{id}-1", "example.com"),
                        new ReplySource("example.org", $"https://vertexaisearch.cloud.google.com/grounding-api-redirect/{id}-2", "example.org"),
                    ]);
            }
        }

        return new Reply(id, created, model, choices, new ReplyUsage(promptTokens, completion, reasoning, cachedTokens), streamArgs, grounding);
    }

    private static bool WantsImage(JsonObject request) =>
        request["modalities"] is JsonArray modalities && modalities.Any(m => Str(m) == "image");

    /// <summary>The tools a tool-call reply uses, or an empty list when the reply is text.</summary>
    private static List<JsonObject> ToolsToCall(JsonObject request, JsonArray messages)
    {
        if (request["tools"] is not JsonArray { Count: > 0 } tools || MessageText.RoleOf(messages[^1]) != "user")
        {
            return [];
        }

        var choice = request["tool_choice"];
        if (Str(choice) == "none")
        {
            return [];
        }

        var candidates = tools.OfType<JsonObject>();
        // tool_choice is a string ("auto", "required") or {"type":"function","function":{"name":...}}.
        if (choice is JsonObject named_choice && Str(named_choice["function"]?["name"]) is { } named)
        {
            candidates = candidates.Where(t => Str(t["function"]?["name"]) == named);
        }

        return candidates.Take(MaxParallelCalls).ToList();
    }

    private ReplyToolCall MakeCall(JsonObject tool, string userText, byte[] hash, string hashHex, int choice, int k)
    {
        var function = tool["function"]!;
        var arguments = SchemaExample.ObjectFor(function["parameters"], userText);
        var seed = SHA256.HashData([.. hash, (byte)choice, (byte)k]);
        seed[6] = (byte)((seed[6] & 0x0F) | 0x40); // version 4 and RFC 4122 variant, so it reads as an ordinary UUID
        seed[8] = (byte)((seed[8] & 0x3F) | 0x80);
        var uuid = new Guid(seed.AsSpan(0, 16), bigEndian: true);
        var signature = k == 0 ? signatures.Issue($"{hashHex}:call:{choice}:{k}") : null;
        return new ReplyToolCall("function-call-" + uuid.ToString("D"), Str(function["name"])!, JsonReply.Serialize(arguments), signature);
    }

    private static string AnswerText(JsonObject request, JsonArray messages, JsonNode? lastUser, string userText)
    {
        if (MessageText.RoleOf(messages[^1]) == "tool")
        {
            var results = new List<string>();
            for (var i = messages.Count - 1; i >= 0 && MessageText.RoleOf(messages[i]) == "tool"; i--)
            {
                results.Insert(0, MessageText.TextOf(messages[i]));
            }

            return "Echo: tool results: " + string.Join("; ", results);
        }

        switch (Str(request["response_format"]?["type"]))
        {
            case "json_object":
                return JsonReply.Serialize(new JsonObject { ["echo"] = userText });
            case "json_schema":
                return JsonReply.Serialize(SchemaExample.ObjectFor(request["response_format"]?["json_schema"]?["schema"], "example"));
        }

        var media = MessageText.MediaSummary(lastUser);
        var echo = new StringBuilder("Echo:");
        if (userText.Length > 0)
        {
            echo.Append(' ').Append(userText);
        }

        if (media.Length > 0)
        {
            echo.Append(' ').Append(media);
        }

        return echo.ToString();
    }

    /// <summary>Applies <c>stop</c>, then <c>max_completion_tokens</c>/<c>max_tokens</c> (in words).</summary>
    private static (string Text, string FinishReason) Limit(string text, JsonObject request)
    {
        var stops = request["stop"] switch
        {
            JsonArray list => list.Select(Str).OfType<string>().Where(s => s.Length > 0).ToList(),
            JsonNode one when Str(one) is { Length: > 0 } s => [s],
            _ => [],
        };
        var cut = stops.Select(s => text.IndexOf(s, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
        if (cut >= 0)
        {
            text = text[..cut];
        }

        var limitNode = request["max_completion_tokens"] ?? request["max_tokens"];
        if (limitNode is JsonValue lv && lv.TryGetValue(out int limit)
            && MessageText.TryTruncateWords(text, limit, out var truncated))
        {
            return (truncated, "length");
        }

        return (text, "stop");
    }

    private static string? Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
