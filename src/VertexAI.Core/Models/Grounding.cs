using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace VertexAI
{
    /// <summary>
    /// What a grounded answer (<c>web_search_options</c>, Grounding with Google Search) was based on: the web sources and
    /// the search queries the model ran. Read from whatever the server sent; the raw members stay where they came
    /// (<see cref="ChatMessage.ExtraContent"/>, <see cref="JsonModel.AdditionalProperties"/>) and go back unchanged.
    /// </summary>
    /// <remarks>
    /// Vertex's Chat Completions docs do not say how grounding comes back on this endpoint (checked: "Using OpenAI
    /// libraries with Vertex AI", cloud.google.com/vertex-ai/generative-ai/docs/multimodal/call-vertex-using-openai-library).
    /// Two shapes are read, both wherever they may sit (on the message, on the choice, in <c>extra_content.google</c>):
    /// Vertex's own <c>GroundingMetadata</c> (REST reference: <c>webSearchQueries</c>, <c>groundingChunks[].web.{uri,title,domain}</c>,
    /// <c>searchEntryPoint.renderedContent</c>; snake_case, as this endpoint spells Google's fields, or camelCase), and
    /// OpenAI's <c>annotations</c> (<c>{"type":"url_citation","url_citation":{"url","title","start_index","end_index"}}</c>),
    /// the shape OpenAI documents for <c>web_search_options</c> answers.
    /// </remarks>
    public sealed class Grounding
    {
        /// <summary>The web pages the answer was grounded on, in the order the server listed them (each URI once).</summary>
        public List<GroundingSource> Sources { get; } = new List<GroundingSource>();

        /// <summary>The web search queries the model ran.</summary>
        public List<string> SearchQueries { get; } = new List<string>();

        /// <summary>The HTML of the Google Search entry point (<c>search_entry_point.rendered_content</c>), when sent; Google's
        /// terms ask applications that show grounded answers to display it.</summary>
        public string? SearchEntryPoint { get; set; }

        /// <summary>The grounding metadata map as the server sent it (null when only annotations came).</summary>
        public IDictionary<string, object?>? Metadata { get; set; }

        /// <summary>
        /// The grounding of <paramref name="choice"/>, or null when the server sent none (an ungrounded answer shows
        /// nothing extra).
        /// </summary>
        public static Grounding? FromChoice(ChatChoice? choice)
            => choice is null ? null : From(choice.Message, choice);

        /// <summary>The grounding one streamed chunk's choice carries (usually only the last one), or null.</summary>
        public static Grounding? FromChunkChoice(ChunkChoice? choice)
            => choice is null ? null : From(choice.Delta, choice);

        private static Grounding? From(ChatMessage message, JsonModel choice)
        {
            var g = new Grounding();
            // Read without creating the (lazily made) maps of members a model has none of.
            var messageMembers = message.HasAdditionalProperties ? message.AdditionalProperties : null;
            var choiceMembers = choice.HasAdditionalProperties ? choice.AdditionalProperties : null;
            foreach (var holder in new[]
            {
                Get(message.ExtraContent, ExtraContent.Google),
                messageMembers,
                Get(Get(choiceMembers, "extra_content"), ExtraContent.Google),
                choiceMembers,
            })
            {
                var metadata = (Get(holder, "grounding_metadata") ?? Get(holder, "groundingMetadata")) as IDictionary<string, object?>;
                if (metadata is not null) g.ReadMetadata(metadata);
                g.ReadAnnotations(Get(holder, "annotations"));
            }
            return g.Sources.Count == 0 && g.SearchQueries.Count == 0 && g.SearchEntryPoint is null && g.Metadata is null ? null : g;
        }

        private void ReadMetadata(IDictionary<string, object?> metadata)
        {
            Metadata ??= metadata;
            foreach (var q in Items(Get(metadata, "web_search_queries") ?? Get(metadata, "webSearchQueries")))
            {
                if (q is string query && !SearchQueries.Contains(query)) SearchQueries.Add(query);
            }
            foreach (var chunk in Items(Get(metadata, "grounding_chunks") ?? Get(metadata, "groundingChunks")))
            {
                // A chunk is web (Google Search), retrievedContext (Vertex AI Search, RAG) or maps; each has uri and title.
                var source = Get(chunk, "web") ?? Get(chunk, "retrieved_context") ?? Get(chunk, "retrievedContext") ?? Get(chunk, "maps");
                if (source is null) continue;
                Add(Get(source, "uri") as string, Get(source, "title") as string, Get(source, "domain") as string);
            }
            var entry = Get(metadata, "search_entry_point") ?? Get(metadata, "searchEntryPoint");
            SearchEntryPoint ??= (Get(entry, "rendered_content") ?? Get(entry, "renderedContent")) as string;
        }

        private void ReadAnnotations(object? annotations)
        {
            foreach (var a in Items(annotations))
            {
                var citation = Get(a, "url_citation");
                if (citation is null) continue;
                Add(Get(citation, "url") as string, Get(citation, "title") as string, null);
            }
        }

        private void Add(string? uri, string? title, string? domain)
        {
            if (string.IsNullOrEmpty(uri) && string.IsNullOrEmpty(title)) return;
            foreach (var s in Sources)
            {
                if (string.Equals(s.Uri, uri, StringComparison.Ordinal))
                {
                    s.Title ??= title;
                    s.Domain ??= domain;
                    return;
                }
            }
            Sources.Add(new GroundingSource { Uri = uri, Title = title, Domain = domain });
        }

        /// <summary>One line: <c>Sources: title (uri); title (uri)</c>, or the queries when there is no source.</summary>
        public override string ToString()
        {
            if (Sources.Count > 0) return "Sources: " + string.Join("; ", Sources.Select(s => s.ToString()));
            return SearchQueries.Count > 0 ? "Searched: " + string.Join("; ", SearchQueries) : "(grounding metadata without sources)";
        }

        /// <summary>One line per source (<c>[1] title (uri)</c>), for hosts that print the sources under an answer.</summary>
        public string ToDisplayText()
        {
            var sb = new StringBuilder();
            if (Sources.Count == 0) return ToString();
            sb.Append("Sources:");
            for (var i = 0; i < Sources.Count; i++) sb.Append(Environment.NewLine).Append("  [").Append(i + 1).Append("] ").Append(Sources[i]);
            return sb.ToString();
        }

        private static IEnumerable<object?> Items(object? value)
            => value is IEnumerable e && !(value is string) && !(value is IDictionary) ? e.Cast<object?>() : Enumerable.Empty<object?>();

        private static object? Get(object? map, string key)
            => map is IDictionary<string, object?> d && d.TryGetValue(key, out var v) ? v : null;
    }

    /// <summary>A web page a grounded answer used.</summary>
    public sealed class GroundingSource
    {
        /// <summary>The page's title (for Google Search, usually the site's domain).</summary>
        public string? Title { get; set; }

        /// <summary>The link (for Google Search, a vertexaisearch.cloud.google.com redirect to the page).</summary>
        public string? Uri { get; set; }

        /// <summary>The site's domain, when sent.</summary>
        public string? Domain { get; set; }

        /// <inheritdoc/>
        public override string ToString()
            => string.IsNullOrEmpty(Title) ? Uri ?? string.Empty : string.IsNullOrEmpty(Uri) ? Title! : $"{Title} ({Uri})";
    }
}
