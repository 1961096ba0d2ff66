using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using VertexAI.Json;

namespace VertexAI.Batch
{
    /// <summary>
    /// Reads a native <c>GenerateContentResponse</c> (Vertex REST reference: candidates[].content.parts, finishReason,
    /// usageMetadata, modelVersion, createTime, responseId, promptFeedback) into the same <see cref="ChatCompletion"/> the
    /// Chat Completions API returns, shaped as that API shapes it: text in <c>content</c> (thought parts as parts marked
    /// <c>extra_content.google.thought</c>), function calls as <c>tool_calls</c> with their thought signatures, generated
    /// images in <c>message.audio</c>, finish reasons in OpenAI's words, usage from <c>usageMetadata</c>. Members with no
    /// chat counterpart are kept under their native names in <see cref="JsonModel.AdditionalProperties"/>.
    /// </summary>
    public static class NativeResponseReader
    {
        /// <summary>Reads a response object.</summary>
        /// <param name="response">The GenerateContentResponse.</param>
        /// <param name="model">The model to report when the response names none (e.g. the job's).</param>
        public static ChatCompletion Read(JsonElement response, string? model = null)
        {
            if (response.ValueKind != JsonValueKind.Object) throw new JsonException($"Expected a GenerateContentResponse object, found {response.ValueKind}.");
            var c = new ChatCompletion { Object = "chat.completion", SystemFingerprint = string.Empty };
            string? modelVersion = null;
            foreach (var p in response.EnumerateObject())
            {
                var v = p.Value;
                switch (p.Name)
                {
                    case "candidates" when v.ValueKind == JsonValueKind.Array:
                        var i = 0;
                        foreach (var candidate in v.EnumerateArray()) c.Choices.Add(ReadCandidate(candidate, i++, c));
                        break;
                    case "usageMetadata" when v.ValueKind == JsonValueKind.Object:
                        c.Usage = ReadUsage(v);
                        break;
                    case "responseId":
                        c.Id = v.GetString();
                        break;
                    case "modelVersion":
                        modelVersion = v.GetString();
                        break;
                    case "createTime" when v.ValueKind == JsonValueKind.String
                                           && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created):
                        c.Created = created.ToUnixTimeSeconds();
                        c.AdditionalProperties["createTime"] = v.GetString();
                        break;
                    default:
                        c.AdditionalProperties[p.Name] = PlainJson.FromElement(v);
                        break;
                }
            }
            var name = modelVersion ?? model;
            if (name is not null) c.Model = VertexEndpoint.WithPublisher(name);
            if (c.Choices.Count == 0)
            {
                // A prompt blocked before any candidate (promptFeedback.blockReason): an empty, filtered answer.
                var blocked = PlainJson.GetPath(c.AdditionalProperties, "promptFeedback", "blockReason") is string;
                c.Choices.Add(new ChatChoice { Index = 0, FinishReason = blocked ? "content_filter" : "stop", Message = new ChatMessage("assistant", null) { ContentWasNull = true } });
            }
            return c;
        }

        /// <summary>The chat finish reason for a native one (STOP → stop, MAX_TOKENS → length, the safety family → content_filter).</summary>
        public static string? FinishReason(string? native, bool madeToolCalls)
        {
            switch (native)
            {
                case null:
                case "":
                case "FINISH_REASON_UNSPECIFIED":
                    return madeToolCalls ? "tool_calls" : null;
                case "STOP":
                    return madeToolCalls ? "tool_calls" : "stop";
                case "MAX_TOKENS":
                    return "length";
                case "SAFETY":
                case "RECITATION":
                case "BLOCKLIST":
                case "PROHIBITED_CONTENT":
                case "SPII":
                case "IMAGE_SAFETY":
                case "IMAGE_PROHIBITED_CONTENT":
                    return "content_filter";
                case "MALFORMED_FUNCTION_CALL":
                case "UNEXPECTED_TOOL_CALL":
                    return "malformed_function_call";
                default:
                    return native.ToLowerInvariant();
            }
        }

        private static ChatChoice ReadCandidate(JsonElement e, int position, ChatCompletion completion)
        {
            var choice = new ChatChoice { Index = position };
            var message = new ChatMessage { Role = "assistant" };
            choice.Message = message;
            string? nativeFinish = null;
            var texts = new List<ContentPart>();
            var hasThought = false;
            foreach (var p in e.EnumerateObject())
            {
                var v = p.Value;
                switch (p.Name)
                {
                    case "index" when v.ValueKind == JsonValueKind.Number:
                        choice.Index = v.GetInt32();
                        break;
                    case "finishReason":
                        nativeFinish = v.GetString();
                        break;
                    case "content" when v.ValueKind == JsonValueKind.Object:
                        if (v.TryGetProperty("parts", out var parts) && parts.ValueKind == JsonValueKind.Array)
                        {
                            var callIndex = 0;
                            foreach (var part in parts.EnumerateArray())
                            {
                                hasThought |= ReadPart(part, message, texts, completion, position, ref callIndex);
                            }
                        }
                        break;
                    case "logprobsResult":
                    case "avgLogprobs":
                        choice.AdditionalProperties[p.Name] = PlainJson.FromElement(v);
                        break;
                    default:
                        // safetyRatings, citationMetadata, groundingMetadata, finishMessage, ... kept as sent.
                        choice.AdditionalProperties[p.Name] = PlainJson.FromElement(v);
                        break;
                }
            }
            if (hasThought) message.Parts = texts;
            else if (texts.Count > 0)
            {
                var sb = new StringBuilder();
                foreach (var t in texts) sb.Append(t.Text);
                message.Content = sb.ToString();
            }
            else message.ContentWasNull = true;
            choice.FinishReason = FinishReason(nativeFinish, message.ToolCalls is { Count: > 0 });
            if (nativeFinish is not null && choice.FinishReason != nativeFinish.ToLowerInvariant()) choice.AdditionalProperties["native_finish_reason"] = nativeFinish;
            return choice;
        }

        // One native part onto the message; true when it is a thought.
        private static bool ReadPart(JsonElement part, ChatMessage message, List<ContentPart> texts, ChatCompletion completion, int candidate, ref int callIndex)
        {
            string? signature = part.TryGetProperty("thoughtSignature", out var sig) ? sig.GetString() : null;
            var thought = part.TryGetProperty("thought", out var th) && th.ValueKind == JsonValueKind.True;
            if (part.TryGetProperty("text", out var text))
            {
                var p = ContentPart.FromText(text.GetString() ?? string.Empty);
                if (thought) p.ExtraContent = ExtraContent.SetGoogle(null, "thought", true);
                texts.Add(p);
                if (signature is not null) message.ExtraContent = ExtraContent.SetGoogle(message.ExtraContent, "thought_signature", signature);
                return thought;
            }
            if (part.TryGetProperty("functionCall", out var call))
            {
                var tc = new ToolCall
                {
                    // The chat API's ids are "function-call-..."; a native response has none, so one is made from the response's.
                    Id = (call.TryGetProperty("id", out var id) ? id.GetString() : null)
                         ?? $"function-call-{completion.Id ?? "batch"}-{candidate}-{callIndex}",
                };
                callIndex++;
                tc.Function.Name = call.TryGetProperty("name", out var name) ? name.GetString() : null;
                tc.Function.Arguments = call.TryGetProperty("args", out var args) ? args.GetRawText() : "{}";
                if (signature is not null) tc.ExtraContent = ExtraContent.SetGoogle(null, "thought_signature", signature);
                (message.ToolCalls ??= new List<ToolCall>()).Add(tc);
                return false;
            }
            if (part.TryGetProperty("inlineData", out var inline))
            {
                // As the chat API does for generated images: the bytes in message.audio, the type in extra_content.google.mime_type.
                message.Audio = new AudioOutput
                {
                    Data = inline.TryGetProperty("data", out var data) ? data.GetString() : null,
                    ExtraContent = ExtraContent.SetGoogle(null, "mime_type", inline.TryGetProperty("mimeType", out var mt) ? mt.GetString() : null),
                };
                if (signature is not null) message.ExtraContent = ExtraContent.SetGoogle(message.ExtraContent, "thought_signature", signature);
                return false;
            }
            // executableCode, codeExecutionResult, fileData, ...: kept on the message under "native_parts".
            var kept = message.AdditionalProperties.TryGetValue("native_parts", out var existing) && existing is List<object?> list ? list : new List<object?>();
            kept.Add(PlainJson.FromElement(part));
            message.AdditionalProperties["native_parts"] = kept;
            return false;
        }

        private static Usage ReadUsage(JsonElement e)
        {
            var u = new Usage();
            foreach (var p in e.EnumerateObject())
            {
                var v = p.Value;
                switch (p.Name)
                {
                    case "promptTokenCount": u.PromptTokens = v.GetInt32(); break;
                    case "candidatesTokenCount": u.CompletionTokens = v.GetInt32(); break;
                    case "totalTokenCount": u.TotalTokens = v.GetInt32(); break;
                    case "thoughtsTokenCount":
                        u.ReasoningTokens = v.GetInt32();
                        u.CompletionTokensDetails = new Dictionary<string, object?>(StringComparer.Ordinal) { ["reasoning_tokens"] = (long)v.GetInt32() };
                        break;
                    case "trafficType":
                        u.ExtraProperties = new Dictionary<string, object?>(StringComparer.Ordinal)
                        {
                            [ExtraContent.Google] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["traffic_type"] = v.GetString() },
                        };
                        break;
                    default:
                        u.AdditionalProperties[p.Name] = PlainJson.FromElement(v);
                        break;
                }
            }
            return u;
        }
    }
}
