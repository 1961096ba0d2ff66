using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using VertexAI.Json;

namespace VertexAI.Native
{
    /// <summary>
    /// Writes chat messages and tools as native Gemini JSON (Content, Part, Tool of Vertex's REST reference):
    /// what context caches and countTokens take. System and developer messages become <c>systemInstruction</c>;
    /// user → role <c>user</c>; assistant → role <c>model</c> with <c>text</c> and <c>functionCall</c> parts; a tool
    /// result → role <c>user</c> with a <c>functionResponse</c> named after its call. Images and files become
    /// <c>inlineData</c> (bytes) or <c>fileData</c> (gs:// and https:// URIs).
    /// </summary>
    /// <remarks>
    /// The chat→native translator of batch prediction (VertexAI.Batch.NativeRequestTranslator) does the same job for
    /// whole generateContent requests; this one covers the parts caches and token counts need. They are meant to be joined.
    /// </remarks>
    public static class NativeContentWriter
    {
        /// <summary>True for the roles that become <c>systemInstruction</c>.</summary>
        public static bool IsSystem(ChatMessage message) =>
            message?.Role is "system" or "developer";

        /// <summary>Writes <c>"contents": [...]</c> for every message that is not a system message (nothing when none).</summary>
        public static void WriteContents(Utf8JsonWriter w, IEnumerable<ChatMessage> messages)
        {
            var list = messages.Where(m => m is not null && !IsSystem(m)).ToList();
            if (list.Count == 0) return;
            // A tool message names only its call id; the function's name comes from the assistant turn that called it.
            var callNames = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var call in list.Where(m => m.ToolCalls is not null).SelectMany(m => m.ToolCalls!))
            {
                if (call?.Id is { } id && call.Function?.Name is { } name) callNames[id] = name;
            }

            w.WritePropertyName("contents");
            w.WriteStartArray();
            foreach (var m in list) WriteContent(w, m, callNames);
            w.WriteEndArray();
        }

        /// <summary>Writes <c>"systemInstruction": {"parts": [...]}</c> from the system and developer messages, if any.</summary>
        public static void WriteSystemInstruction(Utf8JsonWriter w, IEnumerable<ChatMessage> messages)
        {
            var system = messages.Where(m => m is not null && IsSystem(m)).ToList();
            if (system.Count == 0) return;
            w.WritePropertyName("systemInstruction");
            w.WriteStartObject();
            w.WritePropertyName("parts");
            w.WriteStartArray();
            foreach (var m in system) WriteMessageParts(w, m);
            w.WriteEndArray();
            w.WriteEndObject();
        }

        /// <summary>
        /// Writes <c>"tools": [{"functionDeclarations": [...]}]</c>. The parameters are JSON Schema (as the chat API takes
        /// them), so they go in <c>parametersJsonSchema</c>, which Vertex's FunctionDeclaration accepts beside the older
        /// OpenAPI-subset <c>parameters</c>.
        /// </summary>
        public static void WriteTools(Utf8JsonWriter w, IEnumerable<ToolDefinition>? tools)
        {
            var list = tools?.Where(t => t?.Function?.Name is not null).ToList();
            if (list is null || list.Count == 0) return;
            w.WritePropertyName("tools");
            w.WriteStartArray();
            w.WriteStartObject();
            w.WritePropertyName("functionDeclarations");
            w.WriteStartArray();
            foreach (var t in list)
            {
                w.WriteStartObject();
                w.WriteString("name", t.Function.Name);
                if (!string.IsNullOrEmpty(t.Function.Description)) w.WriteString("description", t.Function.Description);
                if (t.Function.Parameters is { } parameters)
                {
                    w.WritePropertyName("parametersJsonSchema");
                    PlainJson.Write(w, parameters);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
        }

        private static void WriteContent(Utf8JsonWriter w, ChatMessage m, IDictionary<string, string> callNames)
        {
            w.WriteStartObject();
            w.WriteString("role", m.Role == "assistant" ? "model" : "user");
            w.WritePropertyName("parts");
            w.WriteStartArray();
            if (m.Role is "tool" or "function")
            {
                var name = m.Name ?? (m.ToolCallId is { } id && callNames.TryGetValue(id, out var n) ? n : null) ?? "function";
                w.WriteStartObject();
                w.WritePropertyName("functionResponse");
                w.WriteStartObject();
                w.WriteString("name", name);
                w.WritePropertyName("response");
                // The response is a JSON object: a tool's JSON object as it is, anything else under "content".
                var text = m.Text ?? string.Empty;
                if (TryParseObject(text) is { } obj) PlainJson.Write(w, obj);
                else
                {
                    w.WriteStartObject();
                    w.WriteString("content", text);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            else
            {
                WriteMessageParts(w, m);
                foreach (var call in m.ToolCalls ?? new List<ToolCall>())
                {
                    w.WriteStartObject();
                    w.WritePropertyName("functionCall");
                    w.WriteStartObject();
                    w.WriteString("name", call.Function?.Name ?? string.Empty);
                    w.WritePropertyName("args");
                    PlainJson.Write(w, TryParseObject(call.Function?.Arguments) ?? new Dictionary<string, object?>());
                    w.WriteEndObject();
                    if (call.ThoughtSignature is { } signature) w.WriteString("thoughtSignature", signature);
                    w.WriteEndObject();
                }
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }

        private static void WriteMessageParts(Utf8JsonWriter w, ChatMessage m)
        {
            if (m.Parts is { Count: > 0 } parts)
            {
                foreach (var p in parts) WritePart(w, p);
            }
            else if (m.Content is { Length: > 0 } text)
            {
                WriteText(w, text);
            }
        }

        /// <summary>Writes one part: <c>text</c>, <c>inlineData</c> or <c>fileData</c>.</summary>
        public static void WritePart(Utf8JsonWriter w, ContentPart p)
        {
            switch (p.Type)
            {
                case "image_url" when p.ImageUrl is { } url:
                    WriteMedia(w, url, null);
                    break;
                case "input_audio" when p.AudioData is { } data:
                    WriteMedia(w, data, MediaTypeOf(p.AudioFormat));
                    break;
                default:
                    WriteText(w, p.Text ?? string.Empty);
                    break;
            }
        }

        private static void WriteText(Utf8JsonWriter w, string text)
        {
            w.WriteStartObject();
            w.WriteString("text", text);
            w.WriteEndObject();
        }

        // input_audio carries a bare format ("wav", "mp3") or, for files, a full media type.
        private static string? MediaTypeOf(string? format) =>
            format is null ? null : format.IndexOf('/') > 0 ? format : "audio/" + format;

        private static void WriteMedia(Utf8JsonWriter w, string value, string? mediaType)
        {
            w.WriteStartObject();
            switch (Media.MediaReference.Classify(value))
            {
                case Media.MediaReferenceKind.Data:
                    Media.MediaReference.ParseDataUri(value, out var dataType, out var base64);
                    WriteInline(w, mediaType ?? dataType, base64);
                    break;
                case Media.MediaReferenceKind.CloudStorage:
                case Media.MediaReferenceKind.Https:
                    w.WritePropertyName("fileData");
                    w.WriteStartObject();
                    w.WriteString("mimeType", mediaType ?? Media.MediaTypes.FromExtension(value) ?? "application/octet-stream");
                    w.WriteString("fileUri", value);
                    w.WriteEndObject();
                    break;
                default:
                    // input_audio data that is neither a URI nor a data: URI is the base64 itself.
                    WriteInline(w, mediaType ?? "application/octet-stream", value);
                    break;
            }
            w.WriteEndObject();
        }

        private static void WriteInline(Utf8JsonWriter w, string mediaType, string base64)
        {
            w.WritePropertyName("inlineData");
            w.WriteStartObject();
            w.WriteString("mimeType", mediaType);
            w.WriteString("data", base64);
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
    }
}
