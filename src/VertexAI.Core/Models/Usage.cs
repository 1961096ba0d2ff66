using System.Collections.Generic;

namespace VertexAI
{
    /// <summary>Token counts of a completion.</summary>
    public sealed class Usage : JsonModel
    {
        /// <summary>Tokens in the prompt.</summary>
        public int PromptTokens { get; set; }

        /// <summary>Tokens in the answer.</summary>
        public int CompletionTokens { get; set; }

        /// <summary>All tokens billed; on Vertex this includes thinking, so it can exceed prompt + completion.</summary>
        public int TotalTokens { get; set; }

        /// <summary>Thinking tokens (<c>completion_tokens_details.reasoning_tokens</c>), when reported.</summary>
        public int? ReasoningTokens { get; set; }

        /// <summary>The rest of <c>completion_tokens_details</c>.</summary>
        public IDictionary<string, object?>? CompletionTokensDetails { get; set; }

        /// <summary><c>prompt_tokens_details</c>, when present.</summary>
        public IDictionary<string, object?>? PromptTokensDetails { get; set; }

        /// <summary>
        /// Prompt tokens served from a context cache, counted in <see cref="PromptTokens"/> too, when reported: OpenAI's
        /// <c>prompt_tokens_details.cached_tokens</c>, else Gemini's own count under <c>extra_properties.google</c>
        /// (<c>cached_content_token_count</c>). Vertex's Chat Completions docs show neither; both are read.
        /// </summary>
        public int? CachedTokens
            => Json.PlainJson.GetPath(PromptTokensDetails, "cached_tokens") is long n ? (int)n
             : Json.PlainJson.GetPath(ExtraProperties, "google", "cached_content_token_count") is long g ? (int)g
             : (int?)null;

        /// <summary>Vertex's <c>extra_properties</c> (holds <c>google.traffic_type</c>).</summary>
        public IDictionary<string, object?>? ExtraProperties { get; set; }

        /// <summary><c>ON_DEMAND</c> or <c>PROVISIONED_THROUGHPUT</c>, when reported.</summary>
        public string? TrafficType => Json.PlainJson.GetPath(ExtraProperties, "google", "traffic_type") as string;

        /// <inheritdoc/>
        public override string ToString()
            => $"prompt {PromptTokens}" + (CachedTokens is int c ? $" ({c} cached)" : string.Empty) + $", completion {CompletionTokens}" +
               (ReasoningTokens is int r ? $", reasoning {r}" : string.Empty) +
               $", total {TotalTokens}" + (TrafficType is string t ? $" ({t})" : string.Empty);
    }
}
