using System.Collections.Generic;

namespace VertexAI
{
    /// <summary>
    /// What a set of requests used, for one model or for all of them (Measure-GeminiUsage): how many there were, how many
    /// failed, and the tokens of those that succeeded.
    /// </summary>
    public sealed class UsageSummary
    {
        /// <summary>What <see cref="Model"/> says for the summary of all models.</summary>
        public const string AllModels = "(all)";

        /// <summary>What <see cref="Model"/> says for requests whose model is not known (an error that did not name it).</summary>
        public const string UnknownModel = "(unknown)";

        /// <summary>The model id as the server named it (e.g. <c>google/gemini-2.5-flash</c>), or <see cref="AllModels"/>.</summary>
        public string Model { get; internal set; } = AllModels;

        /// <summary>Whether this is the summary of all models.</summary>
        public bool IsOverall { get; internal set; }

        /// <summary>Requests counted: succeeded and failed.</summary>
        public int Requests => Succeeded + Failed;

        /// <summary>Requests that returned a completion.</summary>
        public int Succeeded { get; internal set; }

        /// <summary>Requests that ended in an error.</summary>
        public int Failed { get; internal set; }

        /// <summary>Prompt tokens (<c>usage.prompt_tokens</c>).</summary>
        public long PromptTokens { get; internal set; }

        /// <summary>Answer tokens (<c>usage.completion_tokens</c>).</summary>
        public long CompletionTokens { get; internal set; }

        /// <summary>Thinking tokens (<c>usage.completion_tokens_details.reasoning_tokens</c>).</summary>
        public long ReasoningTokens { get; internal set; }

        /// <summary>Prompt tokens served from a cache (<c>usage.prompt_tokens_details.cached_tokens</c>, where reported).</summary>
        public long CachedTokens { get; internal set; }

        /// <summary>All tokens billed (<c>usage.total_tokens</c>; on Vertex this includes thinking).</summary>
        public long TotalTokens { get; internal set; }

        /// <summary>Completions that reported no usage (their tokens are unknown, not zero).</summary>
        public int WithoutUsage { get; internal set; }

        /// <summary>Failures by ErrorId (e.g. <c>Gemini.RESOURCE_EXHAUSTED</c>).</summary>
        public IDictionary<string, int> Errors { get; } = new SortedDictionary<string, int>(System.StringComparer.Ordinal);

        /// <inheritdoc/>
        public override string ToString()
            => $"{Model}: {Requests} request(s), {Failed} failed, {TotalTokens} token(s)";
    }
}
