using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>Renders a <see cref="Reply"/> as a non-streaming <c>chat.completion</c> body, shaped like Vertex's.</summary>
internal static class CompletionRenderer
{
    public static JsonObject Render(Reply reply) => new()
    {
        ["id"] = reply.Id,
        ["object"] = "chat.completion",
        ["created"] = reply.Created,
        ["model"] = reply.Model,
        ["system_fingerprint"] = "",
        ["choices"] = new JsonArray(reply.Choices.Select(c => (JsonNode)new JsonObject
        {
            ["index"] = c.Index,
            ["finish_reason"] = c.FinishReason,
            ["logprobs"] = null,
            ["message"] = Message(c, reply.Grounding),
        }).ToArray()),
        ["usage"] = Usage(reply.Usage),
    };

    public static JsonObject Usage(ReplyUsage usage)
    {
        var json = new JsonObject
        {
            ["prompt_tokens"] = usage.PromptTokens,
            ["completion_tokens"] = usage.CompletionTokens,
            ["total_tokens"] = usage.TotalTokens,
        };
        if (usage.ReasoningTokens is { } reasoning)
        {
            json["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = reasoning };
        }

        // OpenAI's name for Gemini's cachedContentTokenCount (Vertex's docs do not show this endpoint's usage with a cache).
        if (usage.CachedTokens is { } cached)
        {
            json["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = cached };
        }

        json["extra_properties"] = new JsonObject { ["google"] = new JsonObject { ["traffic_type"] = "ON_DEMAND" } };
        return json;
    }

    /// <summary>The image-output <c>audio</c> member Vertex uses to stay OpenAI-compatible.</summary>
    public static JsonObject Audio(string base64) => new()
    {
        ["data"] = base64,
        ["extra_content"] = Google("mime_type", TinyPng.MimeType),
    };

    /// <summary><c>{"google":{name: value}}</c>, the shape of every <c>extra_content</c>.</summary>
    public static JsonObject Google(string name, string value) =>
        new() { ["google"] = new JsonObject { [name] = value } };

    /// <summary>
    /// Grounding as Vertex's GroundingMetadata (REST reference, snake_case as this endpoint spells Google's fields) under
    /// <c>extra_content.google.grounding_metadata</c>. Vertex's Chat Completions docs do not show a grounded answer; this is
    /// the emulator's reading, and <see cref="Annotations"/> adds OpenAI's shape for the same sources.
    /// </summary>
    public static JsonObject GroundingMetadata(ReplyGrounding grounding, string text) => new()
    {
        ["web_search_queries"] = new JsonArray(grounding.Queries.Select(q => (JsonNode)JsonValue.Create(q)).ToArray()),
        ["grounding_chunks"] = new JsonArray(grounding.Sources.Select(s => (JsonNode)new JsonObject
        {
            ["web"] = new JsonObject { ["uri"] = s.Uri, ["title"] = s.Title, ["domain"] = s.Domain },
        }).ToArray()),
        ["grounding_supports"] = new JsonArray(new JsonObject
        {
            ["segment"] = new JsonObject { ["start_index"] = 0, ["end_index"] = System.Text.Encoding.UTF8.GetByteCount(text), ["text"] = text },
            ["grounding_chunk_indices"] = new JsonArray(grounding.Sources.Select((_, i) => (JsonNode)JsonValue.Create(i)).ToArray()),
        }),
    };

    /// <summary>OpenAI's <c>url_citation</c> annotations (the shape OpenAI documents for web_search_options answers).</summary>
    public static JsonArray Annotations(ReplyGrounding grounding, string text) =>
        new(grounding.Sources.Select(s => (JsonNode)new JsonObject
        {
            ["type"] = "url_citation",
            ["url_citation"] = new JsonObject { ["start_index"] = 0, ["end_index"] = text.Length, ["title"] = s.Title, ["url"] = s.Uri },
        }).ToArray());

    private static JsonObject Message(ReplyChoice choice, ReplyGrounding? grounding)
    {
        var message = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = choice.Content,
        };
        if (choice.ToolCalls.Count > 0)
        {
            message["tool_calls"] = new JsonArray(choice.ToolCalls.Select(call =>
            {
                var json = new JsonObject
                {
                    ["id"] = call.Id,
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.Arguments },
                };
                if (call.ThoughtSignature is not null)
                {
                    json["extra_content"] = Google("thought_signature", call.ThoughtSignature);
                }

                return (JsonNode)json;
            }).ToArray());
        }

        if (choice.ImageBase64 is not null)
        {
            message["audio"] = Audio(choice.ImageBase64);
        }

        if (choice.MessageThoughtSignature is not null)
        {
            message["extra_content"] = Google("thought_signature", choice.MessageThoughtSignature);
        }

        if (grounding is not null && choice.Content is { } text)
        {
            message["annotations"] = Annotations(grounding, text);
            message["extra_content"] = new JsonObject { ["google"] = new JsonObject { ["grounding_metadata"] = GroundingMetadata(grounding, text) } };
        }

        return message;
    }
}
