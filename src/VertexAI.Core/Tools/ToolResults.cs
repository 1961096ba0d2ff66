using System;
using System.Collections.Generic;
using System.Text.Json;
using VertexAI.Json;

namespace VertexAI
{
    /// <summary>
    /// What a host needs to run the model's tool calls itself: the arguments as a map, and the <c>tool</c> messages that
    /// answer the calls (results as JSON, failures as <c>{"error": "..."}</c>).
    /// </summary>
    public static class ToolResults
    {
        /// <summary>Parses a call's arguments (a JSON object; empty or null means none).</summary>
        /// <exception cref="ArgumentException">The arguments are not a JSON object.</exception>
        public static Dictionary<string, object?> ParseArguments(string? json)
        {
            if (string.IsNullOrWhiteSpace(json)) return new Dictionary<string, object?>(StringComparer.Ordinal);
            object? value;
            try
            {
                value = PlainJson.Parse(json!);
            }
            catch (JsonException ex)
            {
                throw new ArgumentException("The tool call's arguments are not valid JSON: " + ex.Message, nameof(json), ex);
            }
            return value as Dictionary<string, object?>
                ?? throw new ArgumentException("The tool call's arguments are not a JSON object.", nameof(json));
        }

        /// <summary>
        /// A <c>tool</c> message answering <paramref name="toolCallId"/> with what the tool returned: nothing is <c>null</c>,
        /// one string is sent as it is, one other value as its JSON, several values as a JSON array.
        /// </summary>
        public static ChatMessage Success(string toolCallId, IReadOnlyList<object?> outputs)
        {
            if (outputs is null) throw new ArgumentNullException(nameof(outputs));
            string content;
            if (outputs.Count == 1 && outputs[0] is string text) content = text;
            else if (outputs.Count == 0) content = "null";
            else content = SafeSerialize(outputs.Count == 1 ? outputs[0] : outputs);
            return new ChatMessage("tool", content) { ToolCallId = toolCallId };
        }

        /// <summary>A <c>tool</c> message reporting a failure: <c>{"error": "..."}</c>.</summary>
        public static ChatMessage Error(string toolCallId, string message)
            => new ChatMessage("tool", PlainJson.Serialize(new Dictionary<string, object?>(StringComparer.Ordinal) { ["error"] = message ?? "error" }))
            {
                ToolCallId = toolCallId,
            };

        // Objects whose properties cannot all be read are sent as their text rather than failing the round.
        private static string SafeSerialize(object? value)
        {
            try
            {
                return PlainJson.Serialize(value);
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                return PlainJson.Serialize(value is IReadOnlyList<object?> list ? string.Join(Environment.NewLine, list) : value?.ToString());
            }
        }
    }
}
