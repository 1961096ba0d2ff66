using System;
using System.Collections.Generic;
using System.Text.Json;
using VertexAI.Json;

namespace VertexAI.Native
{
    /// <summary>
    /// The one place that writes chat messages and tools as native Gemini JSON, for every native route: countTokens
    /// (VertexAI.TokenCalls), context caches (VertexAI.CacheCalls) and batch prediction lines
    /// (VertexAI.Batch.NativeRequestTranslator). Shapes from Vertex's REST reference (cloud.google.com/vertex-ai/docs/
    /// reference/rest/v1/Content, .../Tool, and GenerateContentRequest, CountTokensRequest and CachedContent, which all
    /// take the same <c>contents</c>, <c>systemInstruction</c> and <c>tools</c>):
    /// <list type="bullet">
    /// <item>system and developer messages → <c>systemInstruction</c>, text parts only ("only text should be used in parts").</item>
    /// <item>user → role <c>user</c>; assistant → role <c>model</c> with its text, generated media and <c>functionCall</c> parts.</item>
    /// <item>tool results → role <c>user</c> with a <c>functionResponse</c> named after the call; consecutive results (the
    ///   answers to one turn of parallel calls) share one content, as Gemini pairs function responses with the calls of a turn.</item>
    /// <item>images and files → <c>inlineData</c> (data: URIs, base64) or <c>fileData</c> (gs:// and https:// URIs).</item>
    /// <item>thought markers and signatures (<c>extra_content.google</c>) → Part <c>thought</c> and <c>thoughtSignature</c>.</item>
    /// <item>function tools → <c>functionDeclarations</c> with <c>parameters</c>, an OpenAPI 3.0 Schema.</item>
    /// </list>
    /// A route that refuses what has no native form (a batch job, naming the member) checks before writing; for the others
    /// this writer throws <see cref="ArgumentException"/> for what it cannot express rather than drop it.
    /// </summary>
    public static class NativeContentWriter
    {
        /// <summary>True for the roles that become <c>systemInstruction</c>.</summary>
        public static bool IsSystem(ChatMessage message) =>
            message?.Role is "system" or "developer";

        /// <summary>
        /// Writes <c>"contents": [...]</c> for every message that is not a system message (nothing when there is none).
        /// </summary>
        /// <exception cref="ArgumentException">A message holds something with no native form (e.g. media without a type).</exception>
        public static void WriteContents(Utf8JsonWriter w, IEnumerable<ChatMessage> messages)
        {
            if (w is null) throw new ArgumentNullException(nameof(w));
            if (messages is null) throw new ArgumentNullException(nameof(messages));
            // A tool message names only its call id; the function's name comes from the latest earlier call with that id.
            var callNames = new Dictionary<string, string>(StringComparer.Ordinal);
            var openRole = (string?)null;
            var index = -1;
            foreach (var m in messages)
            {
                index++;
                if (m is null || IsSystem(m)) continue;
                if (openRole is null) w.WriteStartArray("contents");
                var isResult = IsToolResult(m);
                // Consecutive tool results answer one turn of calls: one user content with a functionResponse each.
                if (!(isResult && openRole is not null && IsToolResult(openRole)))
                {
                    if (openRole is not null)
                    {
                        w.WriteEndArray();
                        w.WriteEndObject();
                    }
                    w.WriteStartObject();
                    w.WriteString("role", m.Role == "assistant" ? "model" : "user");
                    w.WriteStartArray("parts");
                }
                openRole = m.Role ?? "user";
                if (isResult) WriteFunctionResponse(w, m, callNames);
                else WriteParts(w, m, index);
                foreach (var call in m.ToolCalls ?? new List<ToolCall>())
                {
                    if (call?.Id is { } id && call.Function?.Name is { } name) callNames[id] = name;
                }
            }
            if (openRole is null) return;
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
        }

        /// <summary>
        /// Writes <c>"systemInstruction": {"parts": [{"text"}...]}</c> from the system and developer messages, one text
        /// part per message or per text part; nothing when there is none.
        /// </summary>
        /// <exception cref="ArgumentException">A system message holds a part that is not text.</exception>
        public static void WriteSystemInstruction(Utf8JsonWriter w, IEnumerable<ChatMessage> messages)
        {
            if (w is null) throw new ArgumentNullException(nameof(w));
            if (messages is null) throw new ArgumentNullException(nameof(messages));
            var started = false;
            var index = -1;
            foreach (var m in messages)
            {
                index++;
                if (m is null || !IsSystem(m)) continue;
                if (!started)
                {
                    w.WriteStartObject("systemInstruction");
                    w.WriteStartArray("parts");
                    started = true;
                }
                if (m.Parts is { } parts)
                {
                    for (var j = 0; j < parts.Count; j++)
                    {
                        if (parts[j]?.Type != "text") throw Unwritable($"messages[{index}].content[{j}]", "a system instruction holds text only");
                        WriteText(w, parts[j].Text ?? string.Empty);
                    }
                }
                else
                {
                    WriteText(w, m.Content ?? string.Empty);
                }
            }
            if (!started) return;
            w.WriteEndArray();
            w.WriteEndObject();
        }

        /// <summary>
        /// Writes <c>"tools": [...]</c>: with <paramref name="googleSearch"/>, first the <c>googleSearch</c> tool (Grounding with
        /// Google Search, an empty GoogleSearch object); then one <c>functionDeclarations</c> tool for the functions. Nothing
        /// when there is neither.
        /// </summary>
        /// <remarks>
        /// The chat API's function parameters are an OpenAPI 3.0 schema (PROTOCOL.md; the module writes null as
        /// <c>"nullable": true</c>), which is what FunctionDeclaration.<c>parameters</c> takes ("Schema ... in the OpenAPI JSON
        /// Schema Object format", Vertex's function calling reference). The other field, <c>parametersJsonSchema</c>, takes
        /// JSON Schema, where <c>nullable</c> means nothing; the two are mutually exclusive.
        /// </remarks>
        /// <exception cref="ArgumentException">A tool is not a function, or has no name.</exception>
        public static void WriteTools(Utf8JsonWriter w, IEnumerable<ToolDefinition>? tools, bool googleSearch = false)
        {
            if (w is null) throw new ArgumentNullException(nameof(w));
            var functions = new List<ToolDefinition>();
            var index = -1;
            foreach (var t in tools ?? Array.Empty<ToolDefinition>())
            {
                index++;
                if (t is null) continue;
                if (t.Type != "function") throw Unwritable($"tools[{index}].type", $"'{t.Type}' tools have no native form; only functions");
                if (string.IsNullOrEmpty(t.Function?.Name)) throw Unwritable($"tools[{index}].function.name", "a function needs a name");
                functions.Add(t);
            }
            if (!googleSearch && functions.Count == 0) return;
            w.WriteStartArray("tools");
            if (googleSearch)
            {
                w.WriteStartObject();
                w.WriteStartObject("googleSearch");
                w.WriteEndObject();
                w.WriteEndObject();
            }
            if (functions.Count > 0)
            {
                w.WriteStartObject();
                w.WriteStartArray("functionDeclarations");
                foreach (var t in functions)
                {
                    w.WriteStartObject();
                    w.WriteString("name", t.Function.Name);
                    if (!string.IsNullOrEmpty(t.Function.Description)) w.WriteString("description", t.Function.Description);
                    if (t.Function.Parameters is { } parameters)
                    {
                        w.WritePropertyName("parameters");
                        PlainJson.Write(w, parameters);
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }

        /// <summary>
        /// Writes <c>"toolConfig": {"functionCallingConfig": {...}}</c> for a tool choice (nothing for null): none → NONE,
        /// auto → AUTO, required → ANY, a named function → ANY with <c>allowedFunctionNames</c> (ToolConfig reference).
        /// </summary>
        public static void WriteToolConfig(Utf8JsonWriter w, ToolChoice? choice)
        {
            if (w is null) throw new ArgumentNullException(nameof(w));
            if (choice is null) return;
            w.WriteStartObject("toolConfig");
            w.WriteStartObject("functionCallingConfig");
            switch (choice.Mode)
            {
                case "none": w.WriteString("mode", "NONE"); break;
                case "auto": w.WriteString("mode", "AUTO"); break;
                case "required": w.WriteString("mode", "ANY"); break;
                default:
                    w.WriteString("mode", "ANY");
                    w.WriteStartArray("allowedFunctionNames");
                    w.WriteStringValue(choice.FunctionName);
                    w.WriteEndArray();
                    break;
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }

        /// <summary>
        /// Why a media value (an <c>image_url</c> URL, or <c>input_audio</c> data with its <paramref name="format"/>) has no
        /// native Part, or null when it has one: a route that refuses by field name asks this before writing.
        /// </summary>
        public static string? MediaProblem(string value, string? format) =>
            NativeMedia.TryResolve(value, format, out _, out var problem) ? null : problem;

        // ---- contents ----

        private static bool IsToolResult(ChatMessage m) => IsToolResult(m.Role);

        // "function" is the chat API's deprecated form of a tool result; its name is the message's name.
        private static bool IsToolResult(string? role) => role is "tool" or "function";

        private static void WriteFunctionResponse(Utf8JsonWriter w, ChatMessage m, IDictionary<string, string> callNames)
        {
            var name = (m.ToolCallId is { } id && callNames.TryGetValue(id, out var n) ? n : null) ?? m.Name ?? "function";
            w.WriteStartObject();
            w.WriteStartObject("functionResponse");
            w.WriteString("name", name);
            w.WritePropertyName("response");
            // FunctionResponse.response is a JSON object: a tool's JSON object as it is, anything else under "content".
            var text = m.Text ?? string.Empty;
            if (TryParseObject(text) is { } obj) PlainJson.Write(w, obj);
            else
            {
                w.WriteStartObject();
                w.WriteString("content", text);
                w.WriteEndObject();
            }
            // extra_content.google.parts: multimodal function response parts (FunctionResponse.parts), snake_case → camel.
            if (PlainJson.GetPath(m.ExtraContent, ExtraContent.Google, "parts") is { } responseParts)
            {
                w.WritePropertyName("parts");
                NativeJson.WriteCamel(w, responseParts);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }

        // A message's thought signature (extra_content.google.thought_signature) belongs to its first part, as Vertex's chat
        // API returns it for the first part of a turn; a part's or a tool call's own signature wins.
        private static void WriteParts(Utf8JsonWriter w, ChatMessage m, int index)
        {
            var messageSignature = m.ThoughtSignature;
            var wrote = 0;
            if (m.Parts is { } parts)
            {
                for (var j = 0; j < parts.Count; j++)
                {
                    WritePart(w, parts[j], wrote == 0 ? messageSignature : null, $"messages[{index}].content[{j}]");
                    wrote++;
                }
            }
            else if (m.Content is { Length: > 0 } content)
            {
                WriteText(w, content, messageSignature);
                wrote++;
            }
            if (m.Audio is { Data: { } data, MimeType: { } mimeType })
            {
                // Media the model generated (audio, or an image on Vertex) goes back as the inline data it was.
                w.WriteStartObject();
                WriteBlob(w, "inlineData", mimeType, "data", data);
                if (wrote == 0 && messageSignature is not null) w.WriteString("thoughtSignature", messageSignature);
                w.WriteEndObject();
                wrote++;
            }
            foreach (var c in m.ToolCalls ?? new List<ToolCall>())
            {
                if (c is null) continue;
                w.WriteStartObject();
                w.WriteStartObject("functionCall");
                w.WriteString("name", c.Function?.Name ?? string.Empty);
                w.WritePropertyName("args");
                PlainJson.Write(w, TryParseObject(c.Function?.Arguments) ?? new Dictionary<string, object?>());
                w.WriteEndObject();
                var signature = c.ThoughtSignature ?? (wrote == 0 ? messageSignature : null);
                if (signature is not null) w.WriteString("thoughtSignature", signature);
                w.WriteEndObject();
                wrote++;
            }
            if (wrote == 0)
            {
                // A Content needs at least one part: an empty turn keeps its place with empty text.
                WriteText(w, string.Empty, messageSignature);
            }
        }

        private static void WritePart(Utf8JsonWriter w, ContentPart p, string? messageSignature, string at)
        {
            if (p is null) throw Unwritable(at, "a part is missing");
            w.WriteStartObject();
            switch (p.Type)
            {
                case "text":
                    w.WriteString("text", p.Text ?? string.Empty);
                    break;
                case "image_url":
                    WriteMedia(w, p.ImageUrl, null, at + ".image_url");
                    break;
                case "input_audio":
                    WriteMedia(w, p.AudioData, p.AudioFormat, at + ".input_audio");
                    break;
                default:
                    throw Unwritable(at + ".type", $"'{p.Type}' parts have no native form");
            }
            if (PlainJson.GetPath(p.ExtraContent, ExtraContent.Google, "thought") is bool thought && thought) w.WriteBoolean("thought", true);
            var signature = ExtraContent.GetGoogleString(p.ExtraContent, "thought_signature") ?? messageSignature;
            if (signature is not null) w.WriteString("thoughtSignature", signature);
            w.WriteEndObject();
        }

        private static void WriteMedia(Utf8JsonWriter w, string? value, string? format, string at)
        {
            if (value is null) throw Unwritable(at, "a media part needs a URL or data");
            if (!NativeMedia.TryResolve(value, format, out var media, out var problem)) throw Unwritable(at, problem!);
            if (media.Inline) WriteBlob(w, "inlineData", media.MimeType, "data", media.Value);
            else WriteBlob(w, "fileData", media.MimeType, "fileUri", media.Value);
        }

        private static void WriteBlob(Utf8JsonWriter w, string kind, string mimeType, string valueName, string value)
        {
            w.WriteStartObject(kind);
            w.WriteString("mimeType", mimeType);
            w.WriteString(valueName, value);
            w.WriteEndObject();
        }

        private static void WriteText(Utf8JsonWriter w, string text, string? signature = null)
        {
            w.WriteStartObject();
            w.WriteString("text", text);
            if (signature is not null) w.WriteString("thoughtSignature", signature);
            w.WriteEndObject();
        }

        private static Dictionary<string, object?>? TryParseObject(string? json)
        {
            if (string.IsNullOrWhiteSpace(json) || json!.TrimStart()[0] != '{') return null;
            try
            {
                return PlainJson.Parse(json) as Dictionary<string, object?>;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static ArgumentException Unwritable(string field, string why) =>
            new ArgumentException($"'{field}' has no native Gemini form: {why}.", field.StartsWith("tools", StringComparison.Ordinal) ? "Tool" : "Message");
    }
}
