using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;

namespace VertexAI.Json
{
    /// <summary>
    /// Reads response JSON into the models. Every member without a property of its own goes to
    /// <see cref="JsonModel.AdditionalProperties"/>, so it survives into the next request.
    /// </summary>
    /// <remarks>
    /// This runs once per streamed chunk, so it allocates only what the models keep: member names are matched as UTF-8
    /// (<see cref="JsonProperty.NameEquals(ReadOnlySpan{byte})"/>) instead of being read as strings, and values that repeat
    /// on every chunk of a stream (id, model, object, role, ...) reuse the string read last time when they are equal.
    /// </remarks>
    public static class WireReader
    {
        // The last string read for each repeating member. Shared by every thread: a race only costs an allocation.
        private static readonly LastString s_id = new LastString();
        private static readonly LastString s_object = new LastString();
        private static readonly LastString s_model = new LastString();
        private static readonly LastString s_fingerprint = new LastString();
        private static readonly LastString s_role = new LastString();
        private static readonly LastString s_finishReason = new LastString();
        private static readonly LastString s_toolCallId = new LastString();
        private static readonly LastString s_toolType = new LastString();
        private static readonly LastString s_functionName = new LastString();

        /// <summary>Reads a <c>chat.completion</c> object.</summary>
        public static ChatCompletion ReadCompletion(JsonElement e)
        {
            RequireObject(e, "chat completion");
            var c = new ChatCompletion();
            foreach (var p in e.EnumerateObject())
            {
                var v = p.Value;
                if (p.NameEquals("choices"u8) && v.ValueKind == JsonValueKind.Array)
                {
                    Reserve(c.Choices, v);
                    foreach (var ch in v.EnumerateArray()) c.Choices.Add(ReadChoice(ch));
                }
                else if (!ReadHeader(c, p, v)) Keep(c, p);
            }
            return c;
        }

        // The members a completion and a chunk share; false for any other member.
        private static bool ReadHeader(ICompletionHeader c, JsonProperty p, JsonElement v)
        {
            if (p.NameEquals("created"u8)) c.Created = Long(v);
            else if (p.NameEquals("id"u8)) c.Id = s_id.Read(v);
            else if (p.NameEquals("model"u8)) c.Model = s_model.Read(v);
            else if (p.NameEquals("object"u8)) c.Object = s_object.Read(v);
            else if (p.NameEquals("system_fingerprint"u8)) c.SystemFingerprint = s_fingerprint.Read(v);
            else if (p.NameEquals("usage"u8)) c.Usage = ReadUsage(v);
            else return false;
            return true;
        }

        /// <summary>Reads a <c>chat.completion.chunk</c> object.</summary>
        public static ChatCompletionChunk ReadChunk(JsonElement e)
        {
            RequireObject(e, "chat completion chunk");
            var c = new ChatCompletionChunk();
            foreach (var p in e.EnumerateObject())
            {
                var v = p.Value;
                if (p.NameEquals("choices"u8) && v.ValueKind == JsonValueKind.Array)
                {
                    Reserve(c.Choices, v);
                    foreach (var ch in v.EnumerateArray()) c.Choices.Add(ReadChunkChoice(ch));
                }
                else if (!ReadHeader(c, p, v)) Keep(c, p);
            }
            return c;
        }

        /// <summary>
        /// Reads a <c>chat.completion.chunk</c> straight from its UTF-8 JSON, without a <see cref="JsonDocument"/>: the fast
        /// path for the text chunks Vertex streams (<c>choices</c> whose deltas carry <c>role</c> and <c>content</c>, with
        /// <c>index</c>, <c>finish_reason</c> and <c>logprobs: null</c>; <c>id</c>, <c>created</c>, <c>model</c>,
        /// <c>object</c>, <c>system_fingerprint</c>). For an event it accepts, the chunk equals what
        /// <see cref="ReadChunk(JsonElement)"/> makes of the same JSON. It returns false for everything else (any other
        /// member, such as <c>usage</c>, <c>tool_calls</c>, <c>extra_content</c> or <c>error</c>; a value of another kind;
        /// anything after the object; JSON that is not valid), and the caller then parses the event with
        /// <see cref="JsonDocument"/> and <see cref="ReadChunk(JsonElement)"/>, which handle every case and report errors.
        /// </summary>
        public static bool TryReadChunk(ReadOnlySpan<byte> utf8Json, out ChatCompletionChunk? chunk)
        {
            chunk = null;
            try
            {
                var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 128 });
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
                var c = new ChatCompletionChunk();
                while (true)
                {
                    if (!reader.Read()) return false;
                    if (reader.TokenType == JsonTokenType.EndObject) break;
                    if (reader.ValueTextEquals("choices"u8))
                    {
                        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) return false;
                        while (true)
                        {
                            if (!reader.Read()) return false;
                            if (reader.TokenType == JsonTokenType.EndArray) break;
                            if (!TryReadChunkChoice(ref reader, out var choice)) return false;
                            if (c.Choices.Count == 0) c.Choices.Capacity = 1;
                            c.Choices.Add(choice);
                        }
                    }
                    else if (reader.ValueTextEquals("created"u8))
                    {
                        if (!TryReadInt64(ref reader, out var created)) return false;
                        c.Created = created;
                    }
                    else if (reader.ValueTextEquals("id"u8))
                    {
                        if (!TryReadString(ref reader, s_id, out var id)) return false;
                        c.Id = id;
                    }
                    else if (reader.ValueTextEquals("model"u8))
                    {
                        if (!TryReadString(ref reader, s_model, out var model)) return false;
                        c.Model = model;
                    }
                    else if (reader.ValueTextEquals("object"u8))
                    {
                        if (!TryReadString(ref reader, s_object, out var obj)) return false;
                        c.Object = obj;
                    }
                    else if (reader.ValueTextEquals("system_fingerprint"u8))
                    {
                        if (!TryReadString(ref reader, s_fingerprint, out var fingerprint)) return false;
                        c.SystemFingerprint = fingerprint;
                    }
                    else
                    {
                        return false;
                    }
                }

                // Anything after the object (even invalid) is the full parser's to judge.
                if (reader.Read()) return false;
                chunk = c;
                return true;
            }
            catch (JsonException)
            {
                return false;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        // On the choice's StartObject.
        private static bool TryReadChunkChoice(ref Utf8JsonReader reader, out ChunkChoice choice)
        {
            choice = null!;
            if (reader.TokenType != JsonTokenType.StartObject) return false;
            var c = new ChunkChoice();
            var fresh = true; // as in ReadChunkChoice
            while (true)
            {
                if (!reader.Read()) return false;
                if (reader.TokenType == JsonTokenType.EndObject) break;
                if (reader.ValueTextEquals("delta"u8))
                {
                    var delta = fresh ? c.Delta : new ChatMessage();
                    if (!reader.Read() || !TryReadDelta(ref reader, delta)) return false;
                    c.Delta = delta;
                    fresh = false;
                }
                else if (reader.ValueTextEquals("index"u8))
                {
                    if (!TryReadInt64(ref reader, out var index)) return false;
                    c.Index = (int)index;
                }
                else if (reader.ValueTextEquals("logprobs"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.Null) return false;
                    c.Logprobs = null;
                }
                else if (reader.ValueTextEquals("finish_reason"u8))
                {
                    if (!TryReadString(ref reader, s_finishReason, out var finish)) return false;
                    c.FinishReason = finish;
                }
                else
                {
                    return false;
                }
            }
            choice = c;
            return true;
        }

        // On the delta's StartObject; fills m, a new (empty) message already on the choice.
        private static bool TryReadDelta(ref Utf8JsonReader reader, ChatMessage m)
        {
            if (reader.TokenType != JsonTokenType.StartObject) return false;
            while (true)
            {
                if (!reader.Read()) return false;
                if (reader.TokenType == JsonTokenType.EndObject) break;
                if (reader.ValueTextEquals("content"u8))
                {
                    if (!reader.Read()) return false;
                    if (reader.TokenType == JsonTokenType.String) m.Content = reader.GetString();
                    else if (reader.TokenType == JsonTokenType.Null) m.ContentWasNull = true;
                    else return false;
                }
                else if (reader.ValueTextEquals("role"u8))
                {
                    if (!TryReadString(ref reader, s_role, out var role)) return false;
                    m.Role = role;
                }
                else
                {
                    return false;
                }
            }
            return true;
        }

        // On a property name: reads its value, which must be a string or null.
        private static bool TryReadString(ref Utf8JsonReader reader, LastString last, out string? value)
        {
            value = null;
            if (!reader.Read()) return false;
            if (reader.TokenType == JsonTokenType.Null) return true;
            if (reader.TokenType != JsonTokenType.String) return false;
            value = last.Read(ref reader);
            return true;
        }

        // On a property name: reads its value, which must be an integer that fits a long.
        private static bool TryReadInt64(ref Utf8JsonReader reader, out long value)
        {
            value = 0;
            return reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value);
        }

        private static ChatChoice ReadChoice(JsonElement e)
        {
            RequireObject(e, "choice");
            var c = new ChatChoice();
            var fresh = true; // the model's own empty message takes the first "message"; a repeated member replaces it
            foreach (var p in e.EnumerateObject())
            {
                var v = p.Value;
                if (p.NameEquals("message"u8))
                {
                    c.Message = FillMessage(v, fresh ? c.Message : new ChatMessage());
                    fresh = false;
                }
                else if (p.NameEquals("index"u8)) c.Index = (int)Long(v);
                else if (p.NameEquals("finish_reason"u8)) c.FinishReason = s_finishReason.Read(v);
                else if (p.NameEquals("logprobs"u8)) c.Logprobs = PlainJson.FromElement(v);
                else Keep(c, p);
            }
            return c;
        }

        private static ChunkChoice ReadChunkChoice(JsonElement e)
        {
            RequireObject(e, "choice");
            var c = new ChunkChoice();
            var fresh = true; // the model's own empty delta takes the first "delta"; a repeated member replaces it
            foreach (var p in e.EnumerateObject())
            {
                var v = p.Value;
                if (p.NameEquals("delta"u8))
                {
                    c.Delta = FillMessage(v, fresh ? c.Delta : new ChatMessage());
                    fresh = false;
                }
                else if (p.NameEquals("index"u8)) c.Index = (int)Long(v);
                else if (p.NameEquals("logprobs"u8)) c.Logprobs = PlainJson.FromElement(v);
                else if (p.NameEquals("finish_reason"u8)) c.FinishReason = s_finishReason.Read(v);
                else Keep(c, p);
            }
            return c;
        }

        /// <summary>Reads a message (or a delta).</summary>
        public static ChatMessage ReadMessage(JsonElement e) => FillMessage(e, new ChatMessage());

        // Fills m, a new (empty) message.
        private static ChatMessage FillMessage(JsonElement e, ChatMessage m)
        {
            RequireObject(e, "message");
            foreach (var p in e.EnumerateObject())
            {
                var v = p.Value;
                if (p.NameEquals("content"u8))
                {
                    switch (v.ValueKind)
                    {
                        case JsonValueKind.String: m.Content = v.GetString(); break;
                        case JsonValueKind.Null: m.ContentWasNull = true; break;
                        case JsonValueKind.Array:
                            m.Parts = new List<ContentPart>(v.GetArrayLength());
                            foreach (var part in v.EnumerateArray()) m.Parts.Add(ReadPart(part));
                            break;
                        default: Keep(m, p); break;
                    }
                }
                else if (p.NameEquals("role"u8)) m.Role = s_role.Read(v);
                else if (p.NameEquals("tool_calls"u8) && v.ValueKind == JsonValueKind.Array)
                {
                    m.ToolCalls = new List<ToolCall>(v.GetArrayLength());
                    foreach (var tc in v.EnumerateArray()) m.ToolCalls.Add(ReadToolCall(tc));
                }
                else if (p.NameEquals("extra_content"u8) && v.ValueKind == JsonValueKind.Object) m.ExtraContent = PlainJson.MapFromElement(v);
                else if (p.NameEquals("audio"u8) && v.ValueKind == JsonValueKind.Object) m.Audio = ReadAudio(v);
                else if (p.NameEquals("name"u8)) m.Name = Str(v);
                else if (p.NameEquals("tool_call_id"u8)) m.ToolCallId = Str(v);
                else Keep(m, p);
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
                var v = p.Value;
                if (p.NameEquals("type"u8)) part.Type = Str(v) ?? "";
                else if (p.NameEquals("text"u8)) part.Text = Str(v);
                else if (p.NameEquals("image_url"u8) && v.ValueKind == JsonValueKind.String) part.ImageUrl = v.GetString();
                else if (p.NameEquals("image_url"u8) && v.ValueKind == JsonValueKind.Object)
                {
                    part.ImageUrlAsObject = true;
                    foreach (var ip in v.EnumerateObject())
                    {
                        if (ip.NameEquals("url"u8)) part.ImageUrl = Str(ip.Value);
                        else if (ip.NameEquals("detail"u8)) part.ImageDetail = Str(ip.Value);
                        else (part.ImageUrlAdditional ??= NewMap())[ip.Name] = PlainJson.FromElement(ip.Value);
                    }
                }
                else if (p.NameEquals("input_audio"u8) && v.ValueKind == JsonValueKind.Object)
                {
                    foreach (var ap in v.EnumerateObject())
                    {
                        if (ap.NameEquals("data"u8)) part.AudioData = Str(ap.Value);
                        else if (ap.NameEquals("format"u8)) part.AudioFormat = Str(ap.Value);
                        else (part.InputAudioAdditional ??= NewMap())[ap.Name] = PlainJson.FromElement(ap.Value);
                    }
                }
                else if (p.NameEquals("extra_content"u8) && v.ValueKind == JsonValueKind.Object) part.ExtraContent = PlainJson.MapFromElement(v);
                else Keep(part, p);
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
                var v = p.Value;
                if (p.NameEquals("function"u8) && v.ValueKind == JsonValueKind.Object)
                {
                    foreach (var fp in v.EnumerateObject())
                    {
                        if (fp.NameEquals("arguments"u8))
                        {
                            var a = fp.Value;
                            tc.Function.Arguments = a.ValueKind == JsonValueKind.String
                                ? a.GetString()
                                : a.ValueKind == JsonValueKind.Null ? null : a.GetRawText();
                        }
                        else if (fp.NameEquals("name"u8)) tc.Function.Name = s_functionName.Read(fp.Value);
                        else Keep(tc.Function, fp);
                    }
                }
                else if (p.NameEquals("id"u8)) tc.Id = s_toolCallId.Read(v);
                else if (p.NameEquals("index"u8)) tc.Index = v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var ix) ? ix : (int?)null;
                else if (p.NameEquals("type"u8)) tc.Type = s_toolType.Read(v);
                else if (p.NameEquals("extra_content"u8) && v.ValueKind == JsonValueKind.Object) tc.ExtraContent = PlainJson.MapFromElement(v);
                else Keep(tc, p);
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
                var v = p.Value;
                if (p.NameEquals("completion_tokens"u8)) u.CompletionTokens = (int)Long(v);
                else if (p.NameEquals("prompt_tokens"u8)) u.PromptTokens = (int)Long(v);
                else if (p.NameEquals("total_tokens"u8)) u.TotalTokens = (int)Long(v);
                else if (p.NameEquals("completion_tokens_details"u8) && v.ValueKind == JsonValueKind.Object)
                {
                    u.CompletionTokensDetails = PlainJson.MapFromElement(v);
                    if (u.CompletionTokensDetails!.TryGetValue("reasoning_tokens", out var r) && r is long rl)
                    {
                        u.ReasoningTokens = (int)rl;
                    }
                }
                else if (p.NameEquals("prompt_tokens_details"u8) && v.ValueKind == JsonValueKind.Object) u.PromptTokensDetails = PlainJson.MapFromElement(v);
                else if (p.NameEquals("extra_properties"u8) && v.ValueKind == JsonValueKind.Object) u.ExtraProperties = PlainJson.MapFromElement(v);
                else Keep(u, p);
            }
            return u;
        }

        private static AudioOutput ReadAudio(JsonElement e)
        {
            var a = new AudioOutput();
            foreach (var p in e.EnumerateObject())
            {
                var v = p.Value;
                if (p.NameEquals("data"u8)) a.Data = Str(v);
                else if (p.NameEquals("id"u8)) a.Id = Str(v);
                else if (p.NameEquals("transcript"u8)) a.Transcript = Str(v);
                else if (p.NameEquals("extra_content"u8) && v.ValueKind == JsonValueKind.Object) a.ExtraContent = PlainJson.MapFromElement(v);
                else Keep(a, p);
            }
            return a;
        }

        private static Dictionary<string, object?> NewMap() => new Dictionary<string, object?>(StringComparer.Ordinal);

        private static void Keep(JsonModel model, JsonProperty p) => model.AdditionalProperties[p.Name] = PlainJson.FromElement(p.Value);

        /// <summary>Sizes an empty list for the array it is about to hold (one choice: one slot, not the default four).</summary>
        private static void Reserve<T>(List<T> list, JsonElement array)
        {
            var n = array.GetArrayLength();
            if (list.Count == 0 && list.Capacity < n) list.Capacity = n;
        }

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

        /// <summary>
        /// The last string read for one member: a stream repeats its id, model, object and role on every chunk, so an equal
        /// value (compared in place, as UTF-8) returns the string already made instead of a new copy.
        /// </summary>
        private sealed class LastString
        {
            private const int MaxLength = 256;
            private string? _last;

            internal string? Read(JsonElement e)
            {
                if (e.ValueKind != JsonValueKind.String) return Str(e);
                var last = Volatile.Read(ref _last);
                if (last is not null && e.ValueEquals(last)) return last;
                var text = e.GetString();
                if (text is not null && text.Length <= MaxLength) Volatile.Write(ref _last, text);
                return text;
            }

            // On a String token.
            internal string? Read(ref Utf8JsonReader reader)
            {
                var last = Volatile.Read(ref _last);
                if (last is not null && reader.ValueTextEquals(last)) return last;
                var text = reader.GetString();
                if (text is not null && text.Length <= MaxLength) Volatile.Write(ref _last, text);
                return text;
            }
        }
    }
}
