using System;
using System.Collections.Generic;
using System.Text.Json;

namespace VertexAI.Json
{
    /// <summary>
    /// Reads response JSON into the models. Every member without a property of its own goes to
    /// <see cref="JsonModel.AdditionalProperties"/>, so it survives into the next request.
    /// </summary>
    public static class WireReader
    {
        /// <summary>Reads a <c>chat.completion</c> object.</summary>
        public static ChatCompletion ReadCompletion(JsonElement e)
        {
            RequireObject(e, "chat completion");
            var c = new ChatCompletion();
            foreach (var p in e.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "id": c.Id = Str(p.Value); break;
                    case "object": c.Object = Str(p.Value); break;
                    case "created": c.Created = Long(p.Value); break;
                    case "model": c.Model = Str(p.Value); break;
                    case "system_fingerprint": c.SystemFingerprint = Str(p.Value); break;
                    case "usage": c.Usage = ReadUsage(p.Value); break;
                    case "choices" when p.Value.ValueKind == JsonValueKind.Array:
                        foreach (var ch in p.Value.EnumerateArray()) c.Choices.Add(ReadChoice(ch));
                        break;
                    default: Keep(c, p); break;
                }
            }
            return c;
        }

        /// <summary>Reads a <c>chat.completion.chunk</c> object.</summary>
        public static ChatCompletionChunk ReadChunk(JsonElement e)
        {
            RequireObject(e, "chat completion chunk");
            var c = new ChatCompletionChunk();
            foreach (var p in e.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "id": c.Id = Str(p.Value); break;
                    case "object": c.Object = Str(p.Value); break;
                    case "created": c.Created = Long(p.Value); break;
                    case "model": c.Model = Str(p.Value); break;
                    case "system_fingerprint": c.SystemFingerprint = Str(p.Value); break;
                    case "usage": c.Usage = ReadUsage(p.Value); break;
                    case "choices" when p.Value.ValueKind == JsonValueKind.Array:
                        foreach (var ch in p.Value.EnumerateArray()) c.Choices.Add(ReadChunkChoice(ch));
                        break;
                    default: Keep(c, p); break;
                }
            }
            return c;
        }

        private static ChatChoice ReadChoice(JsonElement e)
        {
            RequireObject(e, "choice");
            var c = new ChatChoice();
            foreach (var p in e.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "index": c.Index = (int)Long(p.Value); break;
                    case "finish_reason": c.FinishReason = Str(p.Value); break;
                    case "message": c.Message = ReadMessage(p.Value); break;
                    case "logprobs": c.Logprobs = PlainJson.FromElement(p.Value); break;
                    default: Keep(c, p); break;
                }
            }
            return c;
        }

        private static ChunkChoice ReadChunkChoice(JsonElement e)
        {
            RequireObject(e, "choice");
            var c = new ChunkChoice();
            foreach (var p in e.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "index": c.Index = (int)Long(p.Value); break;
                    case "finish_reason": c.FinishReason = Str(p.Value); break;
                    case "delta": c.Delta = ReadMessage(p.Value); break;
                    case "logprobs": c.Logprobs = PlainJson.FromElement(p.Value); break;
                    default: Keep(c, p); break;
                }
            }
            return c;
        }

        /// <summary>Reads a message (or a delta).</summary>
        public static ChatMessage ReadMessage(JsonElement e)
        {
            RequireObject(e, "message");
            var m = new ChatMessage();
            foreach (var p in e.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "role": m.Role = Str(p.Value); break;
                    case "content":
                        switch (p.Value.ValueKind)
                        {
                            case JsonValueKind.String: m.Content = p.Value.GetString(); break;
                            case JsonValueKind.Null: m.ContentWasNull = true; break;
                            case JsonValueKind.Array:
                                m.Parts = new List<ContentPart>();
                                foreach (var part in p.Value.EnumerateArray()) m.Parts.Add(ReadPart(part));
                                break;
                            default: Keep(m, p); break;
                        }
                        break;
                    case "name": m.Name = Str(p.Value); break;
                    case "tool_call_id": m.ToolCallId = Str(p.Value); break;
                    case "tool_calls" when p.Value.ValueKind == JsonValueKind.Array:
                        m.ToolCalls = new List<ToolCall>();
                        foreach (var tc in p.Value.EnumerateArray()) m.ToolCalls.Add(ReadToolCall(tc));
                        break;
                    case "audio" when p.Value.ValueKind == JsonValueKind.Object: m.Audio = ReadAudio(p.Value); break;
                    case "extra_content" when p.Value.ValueKind == JsonValueKind.Object:
                        m.ExtraContent = PlainJson.MapFromElement(p.Value);
                        break;
                    default: Keep(m, p); break;
                }
            }
            return m;
        }

        /// <summary>Reads one element of a <c>content</c> array.</summary>
        public static ContentPart ReadPart(JsonElement e)
        {
            RequireObject(e, "content part");
            var part = new ContentPart { Type = "" };
            foreach (var p in e.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "type": part.Type = Str(p.Value) ?? ""; break;
                    case "text": part.Text = Str(p.Value); break;
                    case "image_url" when p.Value.ValueKind == JsonValueKind.String:
                        part.ImageUrl = p.Value.GetString();
                        break;
                    case "image_url" when p.Value.ValueKind == JsonValueKind.Object:
                        part.ImageUrlAsObject = true;
                        foreach (var ip in p.Value.EnumerateObject())
                        {
                            if (ip.Name == "url") part.ImageUrl = Str(ip.Value);
                            else if (ip.Name == "detail") part.ImageDetail = Str(ip.Value);
                            else (part.ImageUrlAdditional ??= NewMap())[ip.Name] = PlainJson.FromElement(ip.Value);
                        }
                        break;
                    case "input_audio" when p.Value.ValueKind == JsonValueKind.Object:
                        foreach (var ap in p.Value.EnumerateObject())
                        {
                            if (ap.Name == "data") part.AudioData = Str(ap.Value);
                            else if (ap.Name == "format") part.AudioFormat = Str(ap.Value);
                            else (part.InputAudioAdditional ??= NewMap())[ap.Name] = PlainJson.FromElement(ap.Value);
                        }
                        break;
                    case "extra_content" when p.Value.ValueKind == JsonValueKind.Object:
                        part.ExtraContent = PlainJson.MapFromElement(p.Value);
                        break;
                    default: Keep(part, p); break;
                }
            }
            return part;
        }

        /// <summary>Reads one tool call (or tool-call delta).</summary>
        public static ToolCall ReadToolCall(JsonElement e)
        {
            RequireObject(e, "tool call");
            var tc = new ToolCall { Type = null };
            foreach (var p in e.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "id": tc.Id = Str(p.Value); break;
                    case "type": tc.Type = Str(p.Value); break;
                    case "index": tc.Index = p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out var ix) ? ix : (int?)null; break;
                    case "function" when p.Value.ValueKind == JsonValueKind.Object:
                        foreach (var fp in p.Value.EnumerateObject())
                        {
                            if (fp.Name == "name") tc.Function.Name = Str(fp.Value);
                            else if (fp.Name == "arguments") tc.Function.Arguments = fp.Value.ValueKind == JsonValueKind.String
                                ? fp.Value.GetString()
                                : fp.Value.ValueKind == JsonValueKind.Null ? null : fp.Value.GetRawText();
                            else Keep(tc.Function, fp);
                        }
                        break;
                    case "extra_content" when p.Value.ValueKind == JsonValueKind.Object:
                        tc.ExtraContent = PlainJson.MapFromElement(p.Value);
                        break;
                    default: Keep(tc, p); break;
                }
            }
            return tc;
        }

        /// <summary>Reads a <c>usage</c> object; null when it is not an object.</summary>
        public static Usage? ReadUsage(JsonElement e)
        {
            if (e.ValueKind != JsonValueKind.Object) return null;
            var u = new Usage();
            foreach (var p in e.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "prompt_tokens": u.PromptTokens = (int)Long(p.Value); break;
                    case "completion_tokens": u.CompletionTokens = (int)Long(p.Value); break;
                    case "total_tokens": u.TotalTokens = (int)Long(p.Value); break;
                    case "completion_tokens_details" when p.Value.ValueKind == JsonValueKind.Object:
                        u.CompletionTokensDetails = PlainJson.MapFromElement(p.Value);
                        if (u.CompletionTokensDetails!.TryGetValue("reasoning_tokens", out var r) && r is long rl)
                        {
                            u.ReasoningTokens = (int)rl;
                        }
                        break;
                    case "prompt_tokens_details" when p.Value.ValueKind == JsonValueKind.Object:
                        u.PromptTokensDetails = PlainJson.MapFromElement(p.Value);
                        break;
                    case "extra_properties" when p.Value.ValueKind == JsonValueKind.Object:
                        u.ExtraProperties = PlainJson.MapFromElement(p.Value);
                        break;
                    default: Keep(u, p); break;
                }
            }
            return u;
        }

        private static AudioOutput ReadAudio(JsonElement e)
        {
            var a = new AudioOutput();
            foreach (var p in e.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "data": a.Data = Str(p.Value); break;
                    case "id": a.Id = Str(p.Value); break;
                    case "transcript": a.Transcript = Str(p.Value); break;
                    case "extra_content" when p.Value.ValueKind == JsonValueKind.Object:
                        a.ExtraContent = PlainJson.MapFromElement(p.Value);
                        break;
                    default: Keep(a, p); break;
                }
            }
            return a;
        }

        private static Dictionary<string, object?> NewMap() => new Dictionary<string, object?>(StringComparer.Ordinal);

        private static void Keep(JsonModel model, JsonProperty p) => model.AdditionalProperties[p.Name] = PlainJson.FromElement(p.Value);

        private static string? Str(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.String => e.GetString(),
            JsonValueKind.Null => null,
            _ => e.GetRawText(),
        };

        private static long Long(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Number)
            {
                if (e.TryGetInt64(out var l)) return l;
                if (e.TryGetDouble(out var d) && d > long.MinValue && d < long.MaxValue) return (long)d;
                return 0;
            }
            if (e.ValueKind == JsonValueKind.String && long.TryParse(e.GetString(), out var s)) return s;
            return 0;
        }

        private static void RequireObject(JsonElement e, string what)
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException($"Expected a JSON object for the {what}, found {e.ValueKind}.");
            }
        }
    }
}
