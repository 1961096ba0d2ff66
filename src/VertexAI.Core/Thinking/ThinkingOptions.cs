using System;
using System.Collections.Generic;
using VertexAI.Json;

namespace VertexAI
{
    /// <summary>
    /// Gemini's thinking settings, written into <c>extra_body.google</c>: <c>thinking_config.thinking_budget</c>,
    /// <c>thinking_config.thinking_level</c>, <c>thinking_config.include_thoughts</c> and <c>thought_tag_marker</c>.
    /// Settings given here win over the same keys already in the request's <c>extra_body</c>; other keys are kept.
    /// </summary>
    public sealed class ThinkingOptions
    {
        /// <summary>The values Vertex documents for <c>thinking_level</c>.</summary>
        public static readonly IReadOnlyList<string> Levels = new[] { "minimal", "low", "medium", "high" };

        /// <summary>The values of <c>reasoning_effort</c>.</summary>
        public static readonly IReadOnlyList<string> ReasoningEfforts = new[] { "none", "low", "medium", "high" };

        /// <summary><c>thinking_budget</c>: the most thinking tokens (0 turns thinking off where the model allows it; -1 is dynamic).</summary>
        public int? Budget { get; set; }

        /// <summary><c>thinking_level</c> (Gemini 3): <c>minimal</c>, <c>low</c>, <c>medium</c> or <c>high</c>.</summary>
        public string? Level { get; set; }

        /// <summary><c>include_thoughts</c>: return thought summaries.</summary>
        public bool? IncludeThoughts { get; set; }

        /// <summary><c>thought_tag_marker</c>: the tag name thoughts are wrapped in inside the content (e.g. <c>think</c>).</summary>
        public string? ThoughtTagMarker { get; set; }

        /// <summary>Whether any setting of <c>thinking_config</c> is given (the marker is not part of it).</summary>
        public bool HasThinkingConfig => Budget.HasValue || Level is not null || IncludeThoughts.HasValue;

        /// <summary>Whether nothing is set.</summary>
        public bool IsEmpty => !HasThinkingConfig && ThoughtTagMarker is null;

        /// <summary>Merges the settings into <paramref name="request"/>'s <c>extra_body.google</c> (creating the maps).</summary>
        public void ApplyTo(ChatRequest request)
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            if (IsEmpty) return;
            if (Level is not null && Array.IndexOf((string[])Levels, Level) < 0)
            {
                throw new ArgumentException($"'{Level}' is not a thinking level: use {string.Join(", ", Levels)}.", nameof(Level));
            }
            var extraBody = request.ExtraBody ??= new Dictionary<string, object?>(StringComparer.Ordinal);
            var google = ChildMap(extraBody, ExtraContent.Google, "extra_body.google");
            if (HasThinkingConfig)
            {
                var config = ChildMap(google, "thinking_config", "extra_body.google.thinking_config");
                if (Budget.HasValue) config["thinking_budget"] = (long)Budget.Value;
                if (Level is not null) config["thinking_level"] = Level;
                if (IncludeThoughts.HasValue) config["include_thoughts"] = IncludeThoughts.Value;
            }
            if (ThoughtTagMarker is not null) google["thought_tag_marker"] = ThoughtTagMarker;
        }

        /// <summary>
        /// Checks a request before it is sent: <c>reasoning_effort</c> and a <c>thinking_config</c> (from the settings or
        /// inside <c>extra_body</c>) cannot go together, because Vertex maps one onto the other.
        /// </summary>
        /// <exception cref="ArgumentException">Both are set.</exception>
        public static void Validate(ChatRequest request)
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            if (request.ReasoningEffort is string effort)
            {
                if (Array.IndexOf((string[])ReasoningEfforts, effort) < 0)
                {
                    throw new ArgumentException($"'{effort}' is not a reasoning effort: use {string.Join(", ", ReasoningEfforts)}.", "ReasoningEffort");
                }
                if (PlainJson.GetPath(request.ExtraBody, ExtraContent.Google, "thinking_config") is not null)
                {
                    throw new ArgumentException(
                        "-ReasoningEffort (reasoning_effort) cannot be combined with a thinking configuration (-ThinkingBudget, -ThinkingLevel, -IncludeThoughts, " +
                        "or extra_body.google.thinking_config in -ExtraBody): Vertex AI turns reasoning_effort into a thinking budget itself. Use one or the other.",
                        "ReasoningEffort");
                }
            }
        }

        /// <summary>Sets <c>extra_body.google.{key}</c> on a request, creating the maps as needed (the value given wins).</summary>
        public static void SetExtraBodyGoogle(ChatRequest request, string key, object? value)
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            var extraBody = request.ExtraBody ??= new Dictionary<string, object?>(StringComparer.Ordinal);
            ChildMap(extraBody, ExtraContent.Google, "extra_body.google")[key] = value;
        }

        /// <summary>The thought tag marker a request asks for (<c>extra_body.google.thought_tag_marker</c>), or null.</summary>
        public static string? MarkerOf(ChatRequest request)
            => PlainJson.GetPath(request?.ExtraBody, ExtraContent.Google, "thought_tag_marker") as string;

        private static IDictionary<string, object?> ChildMap(IDictionary<string, object?> parent, string key, string path)
        {
            if (parent.TryGetValue(key, out var existing) && existing is not null)
            {
                if (existing is IDictionary<string, object?> map) return map;
                throw new ArgumentException($"{path} must be an object (a hashtable), not {existing.GetType().Name}.", "ExtraBody");
            }
            var created = new Dictionary<string, object?>(StringComparer.Ordinal);
            parent[key] = created;
            return created;
        }
    }
}
