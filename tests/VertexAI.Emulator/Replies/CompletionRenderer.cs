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
            ["message"] = Message(c),
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
        if (usage.CachedTokens is { } cachedTokens)
        {
            json["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = cachedTokens };
        }

        if (usage.ReasoningTokens is { } reasoning)
        {
            json["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = reasoning };
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

    private static JsonObject Message(ReplyChoice choice)
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

        return message;
    }
}
