using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using VertexAI.Json;

namespace VertexAI
{
    /// <summary>
    /// Saves and loads a conversation as the OpenAI <c>messages</c> JSON array, exactly as it goes on the wire
    /// (<see cref="WireWriter.WriteMessage"/> / <see cref="WireReader.ReadMessage"/>), so thought signatures, tool calls
    /// and every <c>extra_content</c> survive.
    /// </summary>
    public static class ConversationFile
    {
        /// <summary>The messages as a JSON array (indented by default).</summary>
        public static string Serialize(IEnumerable<ChatMessage> messages, bool indented = true)
        {
            if (messages is null) throw new ArgumentNullException(nameof(messages));
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                w.WriteStartArray();
                foreach (var m in messages)
                {
                    if (m is not null) WireWriter.WriteMessage(w, m);
                }
                w.WriteEndArray();
            }
            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        /// <summary>Reads a JSON array of messages (or an object with a <c>messages</c> array, such as a saved request).</summary>
        /// <exception cref="InvalidDataException">The text is not JSON, or not a messages array.</exception>
        public static List<ChatMessage> Parse(string json)
        {
            if (json is null) throw new ArgumentNullException(nameof(json));
            try
            {
                using var doc = JsonDocument.Parse(json);
                var root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("messages", out var inner)) root = inner;
                if (root.ValueKind != JsonValueKind.Array)
                {
                    throw new InvalidDataException($"A conversation file holds a JSON array of messages, not a JSON {root.ValueKind.ToString().ToLowerInvariant()}.");
                }
                var result = new List<ChatMessage>(root.GetArrayLength());
                var i = 0;
                foreach (var e in root.EnumerateArray())
                {
                    if (e.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"Element {i} of the conversation is not a message object.");
                    result.Add(WireReader.ReadMessage(e));
                    i++;
                }
                return result;
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException("The conversation file is not valid JSON: " + ex.Message, ex);
            }
        }

        /// <summary>
        /// Adds <paramref name="next"/> (a completion's conversation) to <paramref name="collected"/>: when it begins with the
        /// messages already collected (the same objects, as when a completion continues the one before it), only the rest is added.
        /// </summary>
        public static void Extend(List<ChatMessage> collected, IReadOnlyList<ChatMessage> next)
        {
            if (collected is null) throw new ArgumentNullException(nameof(collected));
            if (next is null) throw new ArgumentNullException(nameof(next));
            var shared = 0;
            if (next.Count >= collected.Count)
            {
                while (shared < collected.Count && ReferenceEquals(collected[shared], next[shared])) shared++;
                if (shared != collected.Count) shared = 0;
            }
            for (var i = shared; i < next.Count; i++) collected.Add(next[i]);
        }
    }
}
