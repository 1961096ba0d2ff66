using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>
/// Renders a <see cref="Reply"/> as <c>chat.completion.chunk</c> objects the way Vertex streams them: every delta
/// repeats <c>role</c>; text goes one word per chunk; the last chunk of a choice has <c>finish_reason</c>; the very
/// last chunk carries <c>usage</c> (sent even without <c>stream_options</c>). With several choices, chunks alternate
/// between them.
/// </summary>
internal static class ChunkRenderer
{
    public static IReadOnlyList<JsonObject> Render(Reply reply)
    {
        var perChoice = reply.Choices.Select(c => ChoiceDeltas(c, reply.StreamFunctionCallArguments, reply.Grounding)).ToList();
        var chunks = new List<JsonObject>();
        for (var step = 0; step < perChoice.Max(d => d.Count); step++)
        {
            foreach (var deltas in perChoice.Where(d => step < d.Count))
            {
                chunks.Add(Chunk(reply, deltas[step]));
            }
        }

        chunks[^1]["usage"] = CompletionRenderer.Usage(reply.Usage);
        return chunks;
    }

    private static JsonObject Chunk(Reply reply, JsonObject choice) => new()
    {
        ["id"] = reply.Id,
        ["object"] = "chat.completion.chunk",
        ["created"] = reply.Created,
        ["model"] = reply.Model,
        ["system_fingerprint"] = "",
        ["choices"] = new JsonArray(choice),
    };

    /// <summary>The choice entries (<c>index</c>, <c>delta</c>, <c>logprobs</c>, last one with <c>finish_reason</c>) for one choice.</summary>
    private static List<JsonObject> ChoiceDeltas(ReplyChoice choice, bool streamArguments, ReplyGrounding? grounding)
    {
        var deltas = new List<JsonObject>();
        if (choice.ImageBase64 is not null)
        {
            var delta = Delta();
            delta["content"] = null;
            delta["audio"] = CompletionRenderer.Audio(choice.ImageBase64);
            if (choice.MessageThoughtSignature is not null)
            {
                delta["extra_content"] = CompletionRenderer.Google("thought_signature", choice.MessageThoughtSignature);
            }

            deltas.Add(delta);
        }
        else if (choice.ToolCalls.Count > 0)
        {
            for (var k = 0; k < choice.ToolCalls.Count; k++)
            {
                var call = choice.ToolCalls[k];
                if (streamArguments)
                {
                    // Vertex's index values are unreliable (transcript: call A opens with 1 then says 0; call B the
                    // reverse), so clients must merge by id. Reproduce exactly that pattern.
                    deltas.Add(ToolDelta(call, arguments: "", index: (k + 1) % 2, withSignature: true));
                    deltas.AddRange(ArgumentFragments(call.Arguments)
                        .Select(fragment => ToolDelta(call, fragment, index: k, withSignature: false)));
                }
                else
                {
                    deltas.Add(ToolDelta(call, call.Arguments, index: k, withSignature: true));
                }
            }
        }
        else
        {
            deltas.AddRange(MessageText.SplitForStreaming(choice.Content ?? string.Empty).Select(piece =>
            {
                var delta = Delta();
                delta["content"] = piece;
                return delta;
            }));

            // Grounding comes after the text, on a delta of its own (a client must keep metadata-only deltas).
            if (grounding is not null && choice.Content is { } text)
            {
                var delta = Delta();
                delta["annotations"] = CompletionRenderer.Annotations(grounding, text);
                delta["extra_content"] = new JsonObject
                {
                    ["google"] = new JsonObject { ["grounding_metadata"] = CompletionRenderer.GroundingMetadata(grounding, text) },
                };
                deltas.Add(delta);
            }
        }

        var entries = deltas.Select(delta => new JsonObject
        {
            ["index"] = choice.Index,
            ["delta"] = delta,
            ["logprobs"] = null,
        }).ToList();
        entries[^1]["finish_reason"] = choice.FinishReason;
        return entries;
    }

    private static JsonObject Delta() => new() { ["role"] = "assistant" };

    private static JsonObject ToolDelta(ReplyToolCall call, string arguments, int index, bool withSignature)
    {
        var toolCall = new JsonObject();
        if (withSignature && call.ThoughtSignature is not null)
        {
            toolCall["extra_content"] = CompletionRenderer.Google("thought_signature", call.ThoughtSignature);
        }

        toolCall["function"] = new JsonObject { ["arguments"] = arguments, ["name"] = call.Name };
        toolCall["id"] = call.Id;
        toolCall["index"] = index;
        toolCall["type"] = "function";
        var delta = Delta();
        delta["tool_calls"] = new JsonArray(toolCall);
        return delta;
    }

    /// <summary>
    /// Splits arguments like the transcript: <c>{"location":"Boston, MA</c>, <c>"</c>, <c>,"unit":"celsius</c>,
    /// <c>"</c>, <c>}</c> — each member's text up to a string value's closing quote, the quote alone, then the brace.
    /// </summary>
    private static IEnumerable<string> ArgumentFragments(string arguments)
    {
        if (JsonNode.Parse(arguments) is not JsonObject obj || obj.Count == 0)
        {
            yield return arguments;
            yield break;
        }

        var first = true;
        foreach (var (name, value) in obj)
        {
            var member = (first ? "{" : ",") + JsonReply.Serialize(JsonValue.Create(name)) + ":" + JsonReply.Serialize(value);
            first = false;
            if (member.EndsWith('"'))
            {
                yield return member[..^1];
                yield return "\"";
            }
            else
            {
                yield return member;
            }
        }

        yield return "}";
    }
}
