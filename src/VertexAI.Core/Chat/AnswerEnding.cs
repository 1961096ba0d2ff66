using System;
using System.Collections;
using System.Collections.Generic;
using System.Text;
using VertexAI.Json;

namespace VertexAI
{
    /// <summary>
    /// Says, in one line, why an answer ended other than by itself: cut at the token limit, blocked by the safety
    /// filters, or not given at all. A cut or blocked answer otherwise looks like a complete (or empty) one.
    /// </summary>
    public static class AnswerEnding
    {
        /// <summary>
        /// The warning for <paramref name="completion"/>'s first choice, or null when it ended normally (<c>stop</c>,
        /// <c>tool_calls</c>). For a block it names the block reason and the safety ratings the server sent, wherever
        /// Vertex put them (<c>extra_content.google</c> on the message or the choice, or a <c>prompt_feedback</c>).
        /// </summary>
        /// <param name="completion">The completion (or the one assembled from a stream).</param>
        /// <param name="maxTokens">The <c>max_tokens</c> the request set, if any (named in the warning for <c>length</c>).</param>
        public static string? Describe(ChatCompletion completion, int? maxTokens)
        {
            if (completion is null) throw new ArgumentNullException(nameof(completion));
            if (completion.Choices.Count == 0)
            {
                // Vertex answers a blocked prompt with 200 and no choice at all.
                return "Vertex AI returned no answer (no choices): the prompt was probably blocked" + Safety(completion, null) + ".";
            }
            var choice = completion.Choices[0];
            var reason = choice.FinishReason;
            var text = completion.Content;
            switch (reason?.ToLowerInvariant())
            {
                case null:
                case "":
                case "stop":
                case "tool_calls":
                case "function_call":
                    return null;
                case "length":
                case "max_tokens":
                    // Short enough for one line at 120 columns after "WARNING: ": the cut text itself is left as it is.
                    return maxTokens is int n
                        ? $"The answer was cut off at the token limit (-MaxTokens {n}); raise -MaxTokens for the rest."
                        : "The answer was cut off at the model's output token limit; set a higher -MaxTokens for the rest.";
                case "content_filter":
                case "safety":
                case "prohibited_content":
                case "blocklist":
                case "spii":
                case "recitation":
                case "image_safety":
                    return $"The answer was blocked by Vertex AI's safety filters (finish reason '{reason}'{Safety(completion, choice)})"
                           + (string.IsNullOrEmpty(text) ? "." : "; the text before the block is kept.");
                default:
                    return $"The answer ended early (finish reason '{reason}'{Safety(completion, choice)}).";
            }
        }

        // "; block reason X (message); safety ratings: A HIGH (blocked), B NEGLIGIBLE", or "" when the server said nothing.
        private static string Safety(ChatCompletion completion, ChatChoice? choice)
        {
            var sources = new List<object?>();
            if (choice is not null)
            {
                sources.Add(GoogleOf(choice.Message.ExtraContent));
                sources.Add(GoogleOf(Get(choice.AdditionalProperties, "extra_content")));
                sources.Add(choice.Message.AdditionalProperties);
                sources.Add(choice.AdditionalProperties);
            }
            sources.Add(GoogleOf(Get(completion.AdditionalProperties, "extra_content")));
            sources.Add(Get(completion.AdditionalProperties, "prompt_feedback"));
            sources.Add(Get(GoogleOf(Get(completion.AdditionalProperties, "extra_content")), "prompt_feedback"));

            string? block = null, blockMessage = null, nativeReason = null;
            IEnumerable? ratings = null;
            foreach (var source in sources)
            {
                block ??= Get(source, "block_reason") as string;
                blockMessage ??= Get(source, "block_reason_message") as string;
                nativeReason ??= Get(source, "finish_reason") as string;
                ratings ??= Get(source, "safety_ratings") as IEnumerable;
            }
            var sb = new StringBuilder();
            if (block is not null) sb.Append("; block reason ").Append(block);
            else if (nativeReason is not null) sb.Append("; reason ").Append(nativeReason);
            if (blockMessage is not null) sb.Append(" (").Append(blockMessage.Trim().TrimEnd('.')).Append(')');
            if (ratings is not null && !(ratings is string))
            {
                var parts = new List<string>();
                foreach (var r in ratings)
                {
                    var category = Get(r, "category") as string;
                    if (category is null) continue;
                    if (category.StartsWith("HARM_CATEGORY_", StringComparison.Ordinal)) category = category.Substring("HARM_CATEGORY_".Length);
                    var probability = Get(r, "probability") as string ?? Get(r, "severity") as string;
                    var blocked = Get(r, "blocked") is bool b && b;
                    parts.Add(category + (probability is null ? "" : " " + probability) + (blocked ? " (blocked)" : ""));
                }
                if (parts.Count > 0) sb.Append("; safety ratings: ").Append(string.Join(", ", parts));
            }
            return sb.ToString();
        }

        private static object? GoogleOf(object? extraContent) => Get(extraContent, "google");

        private static object? Get(object? map, string key)
            => map is IDictionary<string, object?> d && d.TryGetValue(key, out var v) ? v : null;
    }
}
