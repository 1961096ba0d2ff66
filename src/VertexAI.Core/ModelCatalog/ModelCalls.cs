using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using VertexAI.Native;

namespace VertexAI
{
    /// <summary>
    /// The models of publisher <c>google</c> (publishers.models.list, cloud.google.com/vertex-ai/docs/reference/rest/
    /// v1beta1/publishers.models/list): GET <c>/v1beta1/publishers/google/models?pageSize&amp;pageToken&amp;listAllVersions</c>
    /// → <c>{publisherModels, nextPageToken}</c>. The method exists only in v1beta1 (v1's ModelGardenService has
    /// GetPublisherModel alone), so it is called on v1beta1 whatever the session's API version. Its path names no
    /// project: people signed in with gcloud need a quota project (<c>x-goog-user-project</c>) for it.
    /// </summary>
    public sealed class ModelCalls
    {
        /// <summary>The API version of the list.</summary>
        public const string ListVersion = "v1beta1";

        private readonly VertexRestClient _client;
        private readonly VertexEndpoint _endpoint;

        /// <summary>Creates the calls on a client (its location picks the host).</summary>
        public ModelCalls(VertexRestClient client)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _endpoint = client.Endpoint;
        }

        /// <summary>The list's URI for a page.</summary>
        public Uri ListUri(string? pageToken, int? pageSize, bool allVersions)
        {
            var query = new List<string>();
            if (pageSize is { } size) query.Add("pageSize=" + size);
            if (!string.IsNullOrEmpty(pageToken)) query.Add("pageToken=" + Uri.EscapeDataString(pageToken));
            if (allVersions) query.Add("listAllVersions=true");
            return new Uri(_endpoint.ServiceRoot, $"{ListVersion}/publishers/google/models" + (query.Count > 0 ? "?" + string.Join("&", query) : string.Empty));
        }

        /// <summary>Reads one page of Google's models.</summary>
        public async Task<GeminiModelPage> ListPageAsync(string? pageToken, int? pageSize = null, bool allVersions = false, CancellationToken cancellationToken = default)
        {
            using var doc = await _client.SendAsync(HttpMethod.Get, ListUri(pageToken, pageSize, allVersions), null, "list Google's models", cancellationToken).ConfigureAwait(false);
            var models = new List<GeminiModel>();
            if (doc.RootElement.TryGetProperty("publisherModels", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray()) models.Add(GeminiModel.FromJson(item));
            }
            var next = NativeJson.String(doc.RootElement, "nextPageToken");
            return new GeminiModelPage(models, string.IsNullOrEmpty(next) ? null : next);
        }

        /// <summary>Whether a model id is a Gemini model (what Get-GeminiModel lists).</summary>
        public static bool IsGemini(GeminiModel model) =>
            model is not null && model.Id.StartsWith("gemini-", StringComparison.OrdinalIgnoreCase);
    }
}
