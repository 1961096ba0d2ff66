using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using VertexAI.Json;
using VertexAI.Native;

namespace VertexAI.Batch
{
    /// <summary>
    /// Turns a Chat Completions request into the native <c>GenerateContentRequest</c> that one line of a Vertex batch job holds
    /// (<c>{"request": {...}}</c>, "Batch prediction from Cloud Storage"), written as Vertex's REST reference for
    /// <c>generateContent</c> documents it (Content, Part, GenerationConfig, ThinkingConfig, Tool, ToolConfig). The mapping,
    /// row by row, is the table "Batch prediction jobs" in README.md. Whatever has no native form is refused with a
    /// <see cref="NativeTranslationException"/> naming the member, before anything is written.
    /// </summary>
    /// <remarks>
    /// Contents, system instruction, tools and tool config are written by <see cref="NativeContentWriter"/>, as for token
    /// counts and context caches; this class adds what only a whole request has (generationConfig, safetySettings,
    /// cachedContent, the line label) and the refusals by field name.
    /// </remarks>
    public static class NativeRequestTranslator
    {
        /// <summary>
        /// The label that carries a line's position in the input: Vertex echoes each line's request in the output but does
        /// not keep the input's order, so the reader sorts by it. (GenerateContentRequest.labels: lowercase key, string value.)
        /// </summary>
        public const string LineLabel = "vertexai_ps_line";

        private static readonly Dictionary<string, int> s_effortBudgets = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            // The budgets Vertex's Chat Completions API maps reasoning_effort onto (PROTOCOL.md).
            ["none"] = 0,
            ["low"] = 1024,
            ["medium"] = 8192,
            ["high"] = 24576,
        };

        /// <summary>Translates <paramref name="request"/> to GenerateContentRequest JSON (UTF-8).</summary>
        public static byte[] ToJson(ChatRequest request, long? line = null)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                WriteRequest(w, request, line);
            }
            return buffer.ToArray();
        }

        /// <summary>Writes one batch input line's object, <c>{"request": GenerateContentRequest}</c> (no newline).</summary>
        public static void WriteLine(Utf8JsonWriter w, ChatRequest request, long line)
        {
            if (w is null) throw new ArgumentNullException(nameof(w));
            if (request is null) throw new ArgumentNullException(nameof(request));
            Check(request);
            w.WriteStartObject();
            w.WritePropertyName("request");
            WriteChecked(w, request, line);
            w.WriteEndObject();
        }

        /// <summary>Writes the GenerateContentRequest; with <paramref name="line"/>, labelled with it (<see cref="LineLabel"/>).</summary>
        public static void WriteRequest(Utf8JsonWriter w, ChatRequest request, long? line = null)
        {
            if (w is null) throw new ArgumentNullException(nameof(w));
            if (request is null) throw new ArgumentNullException(nameof(request));
            // Everything is checked before the first byte is written, so a refused request leaves the writer untouched.
            Check(request);
            WriteChecked(w, request, line);
        }

        private static void WriteChecked(Utf8JsonWriter w, ChatRequest request, long? line)
        {
            var google = Google(request);

            w.WriteStartObject();
            // Contents, system instruction and tools as every native route writes them; the rest is the request's own.
            NativeContentWriter.WriteContents(w, request.Messages);
            NativeContentWriter.WriteSystemInstruction(w, request.Messages);
            // -GoogleSearch: Grounding with Google Search (Tool.googleSearch); the search options are refused in Check.
            NativeContentWriter.WriteTools(w, request.Tools, googleSearch: request.WebSearchOptions is not null);
            NativeContentWriter.WriteToolConfig(w, request.ToolChoice);
            if (google is not null && google.TryGetValue("safety_settings", out var safety))
            {
                w.WritePropertyName("safetySettings");
                NativeJson.WriteCamel(w, safety);
            }
            if (google is not null && google.TryGetValue("cached_content", out var cached) && cached is string cachedName)
            {
                w.WriteString("cachedContent", cachedName);
            }
            WriteGenerationConfig(w, request, google);
            if (line is long n)
            {
                w.WriteStartObject("labels");
                w.WriteString(LineLabel, n.ToString(CultureInfo.InvariantCulture));
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }

        // ---- checks: every member that has no native form is refused by name ----

        private static readonly HashSet<string> s_googleKeys = new HashSet<string>(StringComparer.Ordinal)
        {
            "thinking_config", "thought_tag_marker", "safety_settings", "cached_content", "media_resolution",
        };

        private static void Check(ChatRequest r)
        {
            foreach (var kv in r.AdditionalOrEmpty) throw Refuse(kv.Key, "it has no counterpart in a native GenerateContentRequest");
            if (r.Messages.Count == 0) throw Refuse("messages", "a batch request needs at least one message");
            if (r.N is int n && n != 1) throw Refuse("n", "a batch line answers with one candidate here (candidateCount is not read back as several answers)");
            if (r.StreamOptions is not null) throw Refuse("stream_options", "a batch job does not stream");
            if (r.WebSearchOptions is { } search)
            {
                // Grounding with Google Search is the native googleSearch tool; OpenAI's search options have no native field.
                foreach (var kv in search) throw Refuse("web_search_options." + kv.Key, "the native googleSearch tool takes no search options");
            }
            if (r.ResponseFormat is { } f && f.Type != "text" && f.Type != "json_object" && f.Type != "json_schema")
            {
                throw Refuse("response_format.type", $"'{f.Type}' is not text, json_object or json_schema");
            }
            if (r.ReasoningEffort is string effort && !s_effortBudgets.ContainsKey(effort)) throw Refuse("reasoning_effort", $"'{effort}' is not none, low, medium or high");
            if (r.Modalities is { } modalities)
            {
                foreach (var m in modalities)
                {
                    if (m != "text" && m != "image" && m != "audio") throw Refuse("modalities", $"'{m}' is not text, image or audio");
                }
            }
            if (r.ExtraBody is { } extra)
            {
                foreach (var kv in extra)
                {
                    if (kv.Key != ExtraContent.Google) throw Refuse("extra_body." + kv.Key, "only extra_body.google has a native form");
                }
                if (Google(r) is { } google)
                {
                    foreach (var kv in google)
                    {
                        if (kv.Key == "stream_function_call_arguments") throw Refuse("extra_body.google.stream_function_call_arguments", "a batch job does not stream (-StreamFunctionCallArguments)");
                        if (!s_googleKeys.Contains(kv.Key)) throw Refuse("extra_body.google." + kv.Key, "it has no native counterpart this translation knows");
                    }
                    if (google.TryGetValue("thinking_config", out var tc) && tc is IDictionary<string, object?> thinking)
                    {
                        foreach (var kv in thinking)
                        {
                            if (kv.Key != "thinking_budget" && kv.Key != "include_thoughts" && kv.Key != "thinking_level")
                            {
                                throw Refuse("extra_body.google.thinking_config." + kv.Key, "not thinking_budget, include_thoughts or thinking_level");
                            }
                        }
                    }
                    else if (google.ContainsKey("thinking_config")) throw Refuse("extra_body.google.thinking_config", "it must be an object");
                }
            }
            if (r.Tools is { } tools)
            {
                for (var i = 0; i < tools.Count; i++)
                {
                    var t = tools[i];
                    var at = $"tools[{i}]";
                    if (t.Type != "function") throw Refuse(at + ".type", $"'{t.Type}' tools have no native form; only functions");
                    foreach (var kv in t.AdditionalOrEmpty) throw Refuse(at + "." + kv.Key, "no native counterpart");
                    foreach (var kv in t.Function.AdditionalOrEmpty) throw Refuse(at + ".function." + kv.Key, "no native counterpart");
                    if (string.IsNullOrEmpty(t.Function.Name)) throw Refuse(at + ".function.name", "a function needs a name");
                }
            }
            for (var i = 0; i < r.Messages.Count; i++) CheckMessage(r.Messages[i], $"messages[{i}]", r.Messages, i);
        }

        private static void CheckMessage(ChatMessage m, string at, List<ChatMessage> all, int index)
        {
            foreach (var kv in m.AdditionalOrEmpty) throw Refuse(at + "." + kv.Key, "no native counterpart");
            if (m.Name is not null) throw Refuse(at + ".name", "native contents have no participant names");
            var role = m.Role;
            switch (role)
            {
                case "system":
                case "developer":
                    if (m.ToolCalls is { Count: > 0 } || m.Audio is not null) throw Refuse(at, "a system message holds text only");
                    if (m.Parts is { } sp)
                    {
                        for (var j = 0; j < sp.Count; j++)
                        {
                            if (sp[j].Type != "text") throw Refuse($"{at}.content[{j}]", "a system instruction holds text parts only here");
                        }
                    }
                    break;
                case "user":
                case "assistant":
                    break;
                case "tool":
                    if (m.ToolCallId is null) throw Refuse(at + ".tool_call_id", "a tool message must name the call it answers");
                    if (FunctionNameOf(all, index, m.ToolCallId) is null)
                    {
                        throw Refuse(at + ".tool_call_id", $"no earlier assistant tool call has the id '{m.ToolCallId}', so the function's name (which the native functionResponse needs) is unknown");
                    }
                    break;
                default:
                    throw Refuse(at + ".role", $"'{role}' has no native role (user, assistant, system, tool)");
            }
            if (m.ExtraContent is { } extra)
            {
                foreach (var kv in extra)
                {
                    if (kv.Key != ExtraContent.Google) throw Refuse(at + ".extra_content." + kv.Key, "only extra_content.google has a native form");
                }
                if (extra.TryGetValue(ExtraContent.Google, out var g) && g is IDictionary<string, object?> google)
                {
                    foreach (var kv in google)
                    {
                        var allowed = kv.Key == "thought_signature" || (kv.Key == "parts" && role == "tool");
                        if (!allowed) throw Refuse($"{at}.extra_content.google.{kv.Key}", "no native counterpart on this message");
                    }
                }
            }
            if (m.Parts is { } parts)
            {
                for (var j = 0; j < parts.Count; j++) CheckPart(parts[j], $"{at}.content[{j}]");
            }
            if (m.ToolCalls is { } calls)
            {
                if (role != "assistant") throw Refuse(at + ".tool_calls", "only assistant messages carry tool calls");
                for (var j = 0; j < calls.Count; j++)
                {
                    var c = calls[j];
                    var cat = $"{at}.tool_calls[{j}]";
                    foreach (var kv in c.AdditionalOrEmpty) throw Refuse(cat + "." + kv.Key, "no native counterpart");
                    if (string.IsNullOrEmpty(c.Function.Name)) throw Refuse(cat + ".function.name", "a function call needs a name");
                    if (!(ParseObject(c.Function.Arguments) is IDictionary<string, object?>))
                    {
                        throw Refuse(cat + ".function.arguments", "the arguments must be a JSON object (native functionCall.args)");
                    }
                }
            }
            if (m.Audio is not null && (role != "assistant" || m.Audio.Data is null || m.Audio.MimeType is null))
            {
                throw Refuse(at + ".audio", "only an assistant message's generated media with data and extra_content.google.mime_type has a native form");
            }
        }

        private static void CheckPart(ContentPart p, string at)
        {
            foreach (var kv in p.AdditionalOrEmpty) throw Refuse(at + "." + kv.Key, "no native counterpart");
            switch (p.Type)
            {
                case "text":
                    if (p.Text is null) throw Refuse(at + ".text", "a text part needs text");
                    break;
                case "image_url":
                    if (p.ImageUrl is null) throw Refuse(at + ".image_url", "an image part needs a URL");
                    if (p.ImageDetail is not null) throw Refuse(at + ".image_url.detail", "native parts have no detail (use extra_body.google.media_resolution)");
                    if (p.ImageUrlAdditional is { Count: > 0 }) throw Refuse(at + ".image_url", "unknown members of image_url");
                    if (NativeContentWriter.MediaProblem(p.ImageUrl, null) is { } imageProblem) throw Refuse(at + ".image_url", imageProblem);
                    break;
                case "input_audio":
                    if (p.AudioData is null || p.AudioFormat is null) throw Refuse(at + ".input_audio", "an input_audio part needs data and format");
                    if (p.InputAudioAdditional is { Count: > 0 }) throw Refuse(at + ".input_audio", "unknown members of input_audio");
                    if (NativeContentWriter.MediaProblem(p.AudioData, p.AudioFormat) is { } audioProblem) throw Refuse(at + ".input_audio.data", audioProblem);
                    break;
                default:
                    throw Refuse(at + ".type", $"'{p.Type}' parts have no native form");
            }
            if (p.ExtraContent is { } extra)
            {
                foreach (var kv in extra)
                {
                    if (kv.Key != ExtraContent.Google) throw Refuse(at + ".extra_content." + kv.Key, "only extra_content.google has a native form");
                }
                if (extra.TryGetValue(ExtraContent.Google, out var g) && g is IDictionary<string, object?> google)
                {
                    foreach (var kv in google)
                    {
                        if (kv.Key != "thought" && kv.Key != "thought_signature") throw Refuse($"{at}.extra_content.google.{kv.Key}", "no native counterpart on a part");
                    }
                }
            }
        }

        // ---- writing (what is not contents, system instruction or tools) ----

        private static void WriteGenerationConfig(Utf8JsonWriter w, ChatRequest r, IDictionary<string, object?>? google)
        {
            var thinking = google is not null && google.TryGetValue("thinking_config", out var tc) ? tc as IDictionary<string, object?> : null;
            var maxTokens = r.MaxCompletionTokens ?? r.MaxTokens;
            var format = r.ResponseFormat;
            var jsonFormat = format is not null && format.Type != "text";
            var mediaResolution = google is not null && google.TryGetValue("media_resolution", out var mr) ? mr : null;
            var any = r.Temperature.HasValue || r.TopP.HasValue || maxTokens.HasValue || r.Stop is { Count: > 0 } || r.Seed.HasValue
                      || r.PresencePenalty.HasValue || r.FrequencyPenalty.HasValue || jsonFormat || r.ReasoningEffort is not null
                      || thinking is not null || r.Modalities is { Count: > 0 } || mediaResolution is not null;
            if (!any) return;
            w.WriteStartObject("generationConfig");
            if (r.Temperature is double t) w.WriteNumber("temperature", t);
            if (r.TopP is double p) w.WriteNumber("topP", p);
            if (maxTokens is int max) w.WriteNumber("maxOutputTokens", max);
            if (r.Stop is { Count: > 0 } stop)
            {
                w.WriteStartArray("stopSequences");
                foreach (var s in stop) w.WriteStringValue(s);
                w.WriteEndArray();
            }
            if (r.Seed is long seed) w.WriteNumber("seed", seed);
            if (r.PresencePenalty is double pp) w.WriteNumber("presencePenalty", pp);
            if (r.FrequencyPenalty is double fp) w.WriteNumber("frequencyPenalty", fp);
            if (jsonFormat)
            {
                w.WriteString("responseMimeType", "application/json");
                if (format!.Type == "json_schema" && format.Schema is { } schema)
                {
                    // The module's schemas are JSON Schema; responseJsonSchema takes them as they are (responseSchema is an OpenAPI subset).
                    w.WritePropertyName("responseJsonSchema");
                    PlainJson.Write(w, schema);
                }
            }
            if (r.Modalities is { Count: > 0 } modalities)
            {
                w.WriteStartArray("responseModalities");
                foreach (var m in modalities) w.WriteStringValue(m.ToUpperInvariant());
                w.WriteEndArray();
            }
            if (mediaResolution is string resolution) w.WriteString("mediaResolution", resolution.ToUpperInvariant().StartsWith("MEDIA_RESOLUTION_", StringComparison.Ordinal) ? resolution.ToUpperInvariant() : "MEDIA_RESOLUTION_" + resolution.ToUpperInvariant());
            if (r.ReasoningEffort is string effort)
            {
                w.WriteStartObject("thinkingConfig");
                w.WriteNumber("thinkingBudget", s_effortBudgets[effort]);
                w.WriteEndObject();
            }
            else if (thinking is not null)
            {
                w.WriteStartObject("thinkingConfig");
                if (thinking.TryGetValue("thinking_budget", out var budget) && budget is not null) w.WriteNumber("thinkingBudget", Convert.ToInt32(budget, CultureInfo.InvariantCulture));
                if (thinking.TryGetValue("include_thoughts", out var include) && include is bool b) w.WriteBoolean("includeThoughts", b);
                if (thinking.TryGetValue("thinking_level", out var level) && level is string l) w.WriteString("thinkingLevel", l.ToUpperInvariant());
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }

        // ---- helpers ----

        private static string? FunctionNameOf(List<ChatMessage> messages, int before, string callId)
        {
            for (var i = before - 1; i >= 0; i--)
            {
                if (messages[i].ToolCalls is { } calls)
                {
                    foreach (var c in calls)
                    {
                        if (c.Id == callId) return c.Function.Name;
                    }
                }
            }
            return null;
        }

        private static object? ParseObject(string? json)
        {
            if (string.IsNullOrWhiteSpace(json)) return json is null ? null : new Dictionary<string, object?>(StringComparer.Ordinal);
            try
            {
                return PlainJson.Parse(json!) as IDictionary<string, object?>;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static IDictionary<string, object?>? Google(ChatRequest r)
            => r.ExtraBody is { } extra && extra.TryGetValue(ExtraContent.Google, out var g) ? g as IDictionary<string, object?> : null;

        private static NativeTranslationException Refuse(string field, string why)
            => new NativeTranslationException(field, $"A batch job cannot send '{field}': {why}.");
    }
}
