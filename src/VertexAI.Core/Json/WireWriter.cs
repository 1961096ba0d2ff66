using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace VertexAI.Json
{
    /// <summary>
    /// Writes the models as the JSON the API documents. Null members are left out; members kept in
    /// <see cref="JsonModel.AdditionalProperties"/> are written back as they came.
    /// </summary>
    public static class WireWriter
    {
        /// <summary>Serializes a request body to UTF-8 JSON.</summary>
        public static byte[] SerializeRequest(ChatRequest request)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                WriteRequest(w, request);
            }
            return buffer.ToArray();
        }

        /// <summary>Writes a request body.</summary>
        public static void WriteRequest(Utf8JsonWriter w, ChatRequest r)
        {
            w.WriteStartObject();
            if (r.Model is not null) w.WriteString("model", r.Model);
            w.WriteStartArray("messages");
            foreach (var m in r.Messages) WriteMessage(w, m);
            w.WriteEndArray();
            if (r.Tools is { Count: > 0 })
            {
                w.WriteStartArray("tools");
                foreach (var t in r.Tools) WriteTool(w, t);
                w.WriteEndArray();
            }
            if (r.ToolChoice is not null)
            {
                w.WritePropertyName("tool_choice");
                if (r.ToolChoice.FunctionName is null)
                {
                    w.WriteStringValue(r.ToolChoice.Mode);
                }
                else
                {
                    w.WriteStartObject();
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    w.WriteString("name", r.ToolChoice.FunctionName);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
            }
            Number(w, "temperature", r.Temperature);
            Number(w, "top_p", r.TopP);
            Number(w, "max_tokens", r.MaxTokens);
            Number(w, "max_completion_tokens", r.MaxCompletionTokens);
            if (r.Stop is { Count: > 0 })
            {
                w.WriteStartArray("stop");
                foreach (var s in r.Stop) w.WriteStringValue(s);
                w.WriteEndArray();
            }
            if (r.Seed is long seed) w.WriteNumber("seed", seed);
            Number(w, "n", r.N);
            Number(w, "presence_penalty", r.PresencePenalty);
            Number(w, "frequency_penalty", r.FrequencyPenalty);
            if (r.ResponseFormat is not null) WriteResponseFormat(w, r.ResponseFormat);
            if (r.ReasoningEffort is not null) w.WriteString("reasoning_effort", r.ReasoningEffort);
            if (r.Modalities is { Count: > 0 })
            {
                w.WriteStartArray("modalities");
                foreach (var s in r.Modalities) w.WriteStringValue(s);
                w.WriteEndArray();
            }
            Map(w, "web_search_options", r.WebSearchOptions);
            if (r.Stream) w.WriteBoolean("stream", true);
            Map(w, "stream_options", r.StreamOptions);
            Map(w, "extra_body", r.ExtraBody);
            Additional(w, r);
            w.WriteEndObject();
        }

        /// <summary>Writes one message.</summary>
        public static void WriteMessage(Utf8JsonWriter w, ChatMessage m)
        {
            w.WriteStartObject();
            if (m.Role is not null) w.WriteString("role", m.Role);
            if (m.Parts is not null)
            {
                w.WriteStartArray("content");
                foreach (var p in m.Parts) WritePart(w, p);
                w.WriteEndArray();
            }
            else if (m.Content is not null)
            {
                w.WriteString("content", m.Content);
            }
            else if (m.ContentWasNull)
            {
                w.WriteNull("content");
            }
            if (m.Name is not null) w.WriteString("name", m.Name);
            if (m.ToolCallId is not null) w.WriteString("tool_call_id", m.ToolCallId);
            if (m.ToolCalls is { Count: > 0 })
            {
                w.WriteStartArray("tool_calls");
                foreach (var tc in m.ToolCalls) WriteToolCall(w, tc);
                w.WriteEndArray();
            }
            if (m.Audio is not null) WriteAudio(w, m.Audio);
            Map(w, "extra_content", m.ExtraContent);
            Additional(w, m);
            w.WriteEndObject();
        }

        /// <summary>Writes one content part.</summary>
        public static void WritePart(Utf8JsonWriter w, ContentPart p)
        {
            w.WriteStartObject();
            w.WriteString("type", p.Type);
            if (p.Text is not null) w.WriteString("text", p.Text);
            if (p.ImageUrl is not null)
            {
                if (p.ImageUrlAsObject || p.ImageDetail is not null || p.ImageUrlAdditional is { Count: > 0 })
                {
                    w.WriteStartObject("image_url");
                    w.WriteString("url", p.ImageUrl);
                    if (p.ImageDetail is not null) w.WriteString("detail", p.ImageDetail);
                    Entries(w, p.ImageUrlAdditional);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteString("image_url", p.ImageUrl);
                }
            }
            if (p.AudioData is not null || p.AudioFormat is not null || p.InputAudioAdditional is { Count: > 0 })
            {
                w.WriteStartObject("input_audio");
                if (p.AudioData is not null) w.WriteString("data", p.AudioData);
                if (p.AudioFormat is not null) w.WriteString("format", p.AudioFormat);
                Entries(w, p.InputAudioAdditional);
                w.WriteEndObject();
            }
            Map(w, "extra_content", p.ExtraContent);
            Additional(w, p);
            w.WriteEndObject();
        }

        /// <summary>Writes one tool call.</summary>
        public static void WriteToolCall(Utf8JsonWriter w, ToolCall tc)
        {
            w.WriteStartObject();
            if (tc.Id is not null) w.WriteString("id", tc.Id);
            if (tc.Type is not null) w.WriteString("type", tc.Type);
            w.WriteStartObject("function");
            if (tc.Function.Name is not null) w.WriteString("name", tc.Function.Name);
            if (tc.Function.Arguments is not null) w.WriteString("arguments", tc.Function.Arguments);
            Additional(w, tc.Function);
            w.WriteEndObject();
            Map(w, "extra_content", tc.ExtraContent);
            Additional(w, tc);
            w.WriteEndObject();
        }

        /// <summary>Writes one tool definition.</summary>
        public static void WriteTool(Utf8JsonWriter w, ToolDefinition t)
        {
            w.WriteStartObject();
            w.WriteString("type", t.Type);
            w.WriteStartObject("function");
            if (t.Function.Name is not null) w.WriteString("name", t.Function.Name);
            if (t.Function.Description is not null) w.WriteString("description", t.Function.Description);
            Map(w, "parameters", t.Function.Parameters);
            if (t.Function.Strict is bool strict) w.WriteBoolean("strict", strict);
            Additional(w, t.Function);
            w.WriteEndObject();
            Additional(w, t);
            w.WriteEndObject();
        }

        /// <summary>Writes a completion (for saving a conversation or a response as JSON).</summary>
        public static void WriteCompletion(Utf8JsonWriter w, ChatCompletion c)
        {
            w.WriteStartObject();
            if (c.Id is not null) w.WriteString("id", c.Id);
            if (c.Object is not null) w.WriteString("object", c.Object);
            w.WriteNumber("created", c.Created);
            if (c.Model is not null) w.WriteString("model", c.Model);
            if (c.SystemFingerprint is not null) w.WriteString("system_fingerprint", c.SystemFingerprint);
            w.WriteStartArray("choices");
            foreach (var ch in c.Choices)
            {
                w.WriteStartObject();
                w.WriteNumber("index", ch.Index);
                if (ch.FinishReason is not null) w.WriteString("finish_reason", ch.FinishReason);
                w.WritePropertyName("logprobs");
                PlainJson.Write(w, ch.Logprobs);
                w.WritePropertyName("message");
                WriteMessage(w, ch.Message);
                Additional(w, ch);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (c.Usage is not null) WriteUsage(w, c.Usage);
            Additional(w, c);
            w.WriteEndObject();
        }

        private static void WriteUsage(Utf8JsonWriter w, Usage u)
        {
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", u.PromptTokens);
            w.WriteNumber("completion_tokens", u.CompletionTokens);
            w.WriteNumber("total_tokens", u.TotalTokens);
            var details = u.CompletionTokensDetails;
            if (details is null && u.ReasoningTokens is int r)
            {
                details = new Dictionary<string, object?>(StringComparer.Ordinal) { ["reasoning_tokens"] = (long)r };
            }
            Map(w, "completion_tokens_details", details);
            Map(w, "prompt_tokens_details", u.PromptTokensDetails);
            Map(w, "extra_properties", u.ExtraProperties);
            Additional(w, u);
            w.WriteEndObject();
        }

        private static void WriteAudio(Utf8JsonWriter w, AudioOutput a)
        {
            w.WriteStartObject("audio");
            if (a.Id is not null) w.WriteString("id", a.Id);
            if (a.Data is not null) w.WriteString("data", a.Data);
            if (a.Transcript is not null) w.WriteString("transcript", a.Transcript);
            Map(w, "extra_content", a.ExtraContent);
            Additional(w, a);
            w.WriteEndObject();
        }

        private static void WriteResponseFormat(Utf8JsonWriter w, ResponseFormat f)
        {
            w.WriteStartObject("response_format");
            w.WriteString("type", f.Type);
            if (f.Type == "json_schema")
            {
                w.WriteStartObject("json_schema");
                w.WriteString("name", f.SchemaName ?? "response");
                Map(w, "schema", f.Schema);
                if (f.Strict is bool strict) w.WriteBoolean("strict", strict);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }

        private static void Number(Utf8JsonWriter w, string name, double? value)
        {
            if (value is double d) w.WriteNumber(name, d);
        }

        private static void Number(Utf8JsonWriter w, string name, int? value)
        {
            if (value is int i) w.WriteNumber(name, i);
        }

        private static void Map(Utf8JsonWriter w, string name, IDictionary<string, object?>? map)
        {
            if (map is null) return;
            w.WritePropertyName(name);
            PlainJson.Write(w, map);
        }

        private static void Entries(Utf8JsonWriter w, IDictionary<string, object?>? map)
        {
            if (map is null) return;
            foreach (var kv in map)
            {
                w.WritePropertyName(kv.Key);
                PlainJson.Write(w, kv.Value);
            }
        }

        private static void Additional(Utf8JsonWriter w, JsonModel model)
        {
            if (!model.HasAdditionalProperties) return;
            foreach (var kv in model.AdditionalOrEmpty)
            {
                w.WritePropertyName(kv.Key);
                PlainJson.Write(w, kv.Value);
            }
        }
    }
}
