using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using VertexAI.Json;

namespace VertexAI.Batch
{
    /// <summary>
    /// Adds up completions and failures into <see cref="UsageSummary"/> objects, one per model and one for all
    /// (Measure-GeminiUsage). Completions and failures can come live, or from a <see cref="RunJournal"/>.
    /// </summary>
    public sealed class UsageMeter
    {
        private readonly SortedDictionary<string, UsageSummary> _models = new SortedDictionary<string, UsageSummary>(StringComparer.Ordinal);
        private readonly UsageSummary _all = new UsageSummary { Model = UsageSummary.AllModels, IsOverall = true };

        /// <summary>Counts a completion: one request that succeeded, with its tokens.</summary>
        public void Add(ChatCompletion completion)
        {
            if (completion is null) throw new ArgumentNullException(nameof(completion));
            Count(completion.Model, completion.Usage);
        }

        /// <summary>Counts a failed request.</summary>
        /// <param name="model">The model it asked for, when known.</param>
        /// <param name="errorId">Its ErrorId (e.g. <c>Gemini.RESOURCE_EXHAUSTED</c>).</param>
        public void AddFailure(string? model, string errorId)
        {
            foreach (var s in new[] { For(model), _all })
            {
                s.Failed++;
                s.Errors.TryGetValue(errorId, out var n);
                s.Errors[errorId] = n + 1;
            }
        }

        /// <summary>Counts a failed request from its exception.</summary>
        public void AddFailure(GeminiApiException error)
        {
            if (error is null) throw new ArgumentNullException(nameof(error));
            AddFailure(error.Model, error.ErrorId);
        }

        /// <summary>Counts a journal record: its result's usage (read as a live answer is), or its error.</summary>
        public void Add(JournalRecord record)
        {
            if (record is null) throw new ArgumentNullException(nameof(record));
            if (record.Error is { } error)
            {
                AddFailure(record.Model, error.ErrorId);
                return;
            }
            using var doc = JsonDocument.Parse(record.ResultJson!);
            var completion = WireReader.ReadCompletion(doc.RootElement);
            Count(completion.Model ?? record.Model, completion.Usage);
        }

        /// <summary>One summary per model (by name), then the one for all models.</summary>
        public IReadOnlyList<UsageSummary> Summaries()
        {
            var list = new List<UsageSummary>(_models.Values) { _all };
            return list;
        }

        private void Count(string? model, Usage? usage)
        {
            foreach (var s in new[] { For(model), _all })
            {
                s.Succeeded++;
                if (usage is null)
                {
                    s.WithoutUsage++;
                    continue;
                }
                s.PromptTokens += usage.PromptTokens;
                s.CompletionTokens += usage.CompletionTokens;
                s.ReasoningTokens += usage.ReasoningTokens ?? 0;
                s.CachedTokens += CachedTokens(usage);
                s.TotalTokens += usage.TotalTokens;
            }
        }

        private UsageSummary For(string? model)
        {
            var name = string.IsNullOrEmpty(model) ? UsageSummary.UnknownModel : model!;
            if (!_models.TryGetValue(name, out var summary))
            {
                summary = new UsageSummary { Model = name };
                _models[name] = summary;
            }
            return summary;
        }

        // prompt_tokens_details.cached_tokens, as the OpenAI-compatible usage reports cache hits.
        private static long CachedTokens(Usage usage)
        {
            if (usage.PromptTokensDetails is null || !usage.PromptTokensDetails.TryGetValue("cached_tokens", out var value) || value is null) return 0;
            try
            {
                return Convert.ToInt64(value, CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is FormatException || ex is InvalidCastException || ex is OverflowException)
            {
                return 0;
            }
        }
    }
}
