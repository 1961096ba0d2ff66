using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace VertexAI.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the Gemini models Vertex AI offers, with their launch stage and version.</para>
    /// </summary>
    /// <remarks>
    /// Reads Google's publisher model list (v1beta1 only, paged). The ids it finds are kept for the session, and
    /// <c>-Model</c> tab completion offers them; completion itself never calls the network.
    /// </remarks>
    [Cmdlet(VerbsCommon.Get, "GeminiModel")]
    [OutputType(typeof(GeminiModel))]
    public sealed class GetGeminiModelCommand : GeminiConnectionCommandBase
    {
        /// <summary>Model ids to show (wildcards allowed); default all Gemini models.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ModelCompleter))]
        public string[]? Name { get; set; }

        /// <summary>Every version of each model, not only the current one.</summary>
        [Parameter]
        public SwitchParameter AllVersions { get; set; }

        private readonly List<(string Text, WildcardPattern Pattern)> _patterns = new List<(string, WildcardPattern)>();

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            foreach (var name in Name ?? Array.Empty<string>())
            {
                if (string.IsNullOrWhiteSpace(name)) continue;
                // A full resource name (publishers/google/models/x) matches by its id.
                var id = name.Substring(name.LastIndexOf('/') + 1);
                _patterns.Add((id, WildcardPattern.Get(id, WildcardOptions.IgnoreCase)));
            }
        }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            var calls = new ModelCalls(BuildRestClient());
            var allVersions = AllVersions.IsPresent;
            string? pageToken = null;
            var seen = new List<string>();
            var written = 0;
            do
            {
                var token = pageToken;
                var page = Call(t => calls.ListPageAsync(token, null, allVersions, t), "publishers/google/models");
                if (page is null) return;
                foreach (var model in page.Models.Where(ModelCalls.IsGemini))
                {
                    seen.Add(model.Id);
                    if (_patterns.Count > 0 && !_patterns.Any(p => p.Pattern.IsMatch(model.Id))) continue;
                    WriteObject(model);
                    written++;
                }
                pageToken = page.NextPageToken;
            }
            while (pageToken is not null);
            // Only a complete list replaces the session's; completion offers it from now on.
            KnownModels.Set(seen);
            WriteVerbose($"Vertex AI offers {seen.Distinct().Count()} Gemini model(s); {written} shown.");
            // A name without wildcards that matched nothing is an error, as Get-Item's is.
            foreach (var (text, pattern) in _patterns)
            {
                if (!WildcardPattern.ContainsWildcardCharacters(text) && !seen.Any(pattern.IsMatch)) WriteError(ErrorRecords.ModelNotFound(text));
            }
        }
    }

    /// <summary>The Gemini model ids the last complete Get-GeminiModel found in this session (for tab completion).</summary>
    internal static class KnownModels
    {
        private static readonly object s_gate = new object();
        private static string[] s_ids = Array.Empty<string>();

        internal static IReadOnlyList<string> Ids
        {
            get { lock (s_gate) return s_ids; }
        }

        internal static void Set(IEnumerable<string> ids)
        {
            var list = ids.Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(i => i, StringComparer.OrdinalIgnoreCase).ToArray();
            lock (s_gate) s_ids = list;
        }
    }
}
