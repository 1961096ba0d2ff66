using System;
using System.Globalization;
using System.Text;
using System.Text.Json;
using VertexAI.Json;

namespace VertexAI.Batch
{
    /// <summary>
    /// One line of a batch job's output (<c>predictions.jsonl</c>): <c>{"status": "", "processed_time": ..., "request": {...},
    /// "response": {...}}</c>; a failed line has a non-empty <c>status</c> and no response.
    /// </summary>
    public sealed class BatchOutputLine
    {
        private BatchOutputLine(long? line, string? input, ChatCompletion? completion, string? status)
        {
            Line = line;
            Input = input;
            Completion = completion;
            Status = status;
        }

        /// <summary>The line's position in the input (0-based), from the request's <see cref="NativeRequestTranslator.LineLabel"/>; null when absent.</summary>
        public long? Line { get; }

        /// <summary>The prompt: the text of the request's last user content (null when it had no text).</summary>
        public string? Input { get; }

        /// <summary>The answer, as the chat API would have returned it; null for a failed line.</summary>
        public ChatCompletion? Completion { get; }

        /// <summary>Why the line failed (Vertex's <c>status</c>), or null when it succeeded.</summary>
        public string? Status { get; }

        /// <summary>Parses one output line.</summary>
        /// <param name="json">The line's JSON.</param>
        /// <param name="model">The job's model, for completions whose response names none.</param>
        public static BatchOutputLine Parse(string json, string? model = null)
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new JsonException("A batch output line must be a JSON object.");
            long? line = null;
            string? input = null;
            var wantsJson = false;
            if (root.TryGetProperty("request", out var request) && request.ValueKind == JsonValueKind.Object)
            {
                if (request.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Object
                    && labels.TryGetProperty(NativeRequestTranslator.LineLabel, out var n) && n.ValueKind == JsonValueKind.String
                    && long.TryParse(n.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                {
                    line = parsed;
                }
                input = LastUserText(request);
                wantsJson = request.TryGetProperty("generationConfig", out var config) && config.ValueKind == JsonValueKind.Object
                       && config.TryGetProperty("responseMimeType", out var mime) && mime.ValueKind == JsonValueKind.String
                       && mime.GetString() == "application/json";
            }
            var status = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String && s.GetString()!.Length > 0 ? s.GetString() : null;
            ChatCompletion? completion = null;
            if (root.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object)
            {
                completion = NativeResponseReader.Read(response, model);
                if (root.TryGetProperty("processed_time", out var processed)) completion.AdditionalProperties["processed_time"] = PlainJson.FromElement(processed);
                // A JSON answer is parsed as online (plain values: the .NET type a schema came from is not known here).
                if (wantsJson) StructuredOutput.Apply(ResponseFormat.JsonObject, completion);
            }
            else if (status is null)
            {
                status = "The output line has neither a response nor a status.";
            }
            return new BatchOutputLine(line, input, completion, status);
        }

        private static string? LastUserText(JsonElement request)
        {
            if (!request.TryGetProperty("contents", out var contents) || contents.ValueKind != JsonValueKind.Array) return null;
            JsonElement? last = null;
            foreach (var c in contents.EnumerateArray())
            {
                var role = c.TryGetProperty("role", out var r) ? r.GetString() : "user";
                if (role == "user") last = c;
            }
            if (!(last is JsonElement content) || !content.TryGetProperty("parts", out var parts) || parts.ValueKind != JsonValueKind.Array) return null;
            StringBuilder? sb = null;
            foreach (var p in parts.EnumerateArray())
            {
                if (p.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String) (sb ??= new StringBuilder()).Append(t.GetString());
            }
            return sb?.ToString();
        }
    }
}
