using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using VertexAI.Native;

namespace VertexAI
{
    /// <summary>
    /// Vertex AI context caches (projects.locations.cachedContents, cloud.google.com/vertex-ai/docs/reference/rest/v1/
    /// projects.locations.cachedContents): create (POST, a CachedContent), get, list (pageSize/pageToken →
    /// cachedContents + nextPageToken), patch (updateMask=ttl or expireTime) and delete (→ <c>{}</c>).
    /// </summary>
    public sealed class CacheCalls
    {
        private static readonly Regex s_fullName = new Regex(@"^projects/([^/\s]+)/locations/([a-z][a-z0-9-]*)/cachedContents/([A-Za-z0-9_-]{1,128})$", RegexOptions.CultureInvariant);
        private static readonly Regex s_id = new Regex(@"^(?:cachedContents/)?([A-Za-z0-9_-]{1,128})$", RegexOptions.CultureInvariant);
        private readonly VertexRestClient _client;
        private readonly VertexEndpoint _endpoint;

        /// <summary>Creates the calls on a client (its endpoint gives project, location and API version).</summary>
        public CacheCalls(VertexRestClient client)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _endpoint = client.Endpoint;
        }

        /// <summary>
        /// Vertex keeps context caches in regions: a cache cannot be made or listed on <c>global</c>. Refused before anything
        /// is sent.
        /// </summary>
        public static void EnsureRegional(string location)
        {
            if (string.Equals(location, "global", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException("Context caches live in a region, not in 'global': give -Location with a region such as 'us-central1' (the region of the requests that will use the cache).", "Location");
            }
        }

        /// <summary>
        /// The full name of a cache from a full name, <c>cachedContents/{id}</c> or a bare id (then in the endpoint's
        /// project and location). Throws <see cref="ArgumentException"/> for anything else.
        /// </summary>
        public string ResolveName(string nameOrId)
        {
            var value = (nameOrId ?? string.Empty).Trim();
            if (s_fullName.IsMatch(value)) return value;
            var m = s_id.Match(value);
            if (!m.Success)
            {
                throw new ArgumentException($"'{value}' is not a context cache name: give 'projects/{{project}}/locations/{{region}}/cachedContents/{{id}}' or the id alone (as Get-GeminiCache shows them).", "Name");
            }
            EnsureRegional(_endpoint.Location);
            return $"projects/{_endpoint.Project}/locations/{_endpoint.Location}/cachedContents/{m.Groups[1].Value}";
        }

        /// <summary>Creates a cache; Vertex refuses content under its minimum token count (2,048 tokens in 2025-12).</summary>
        public async Task<GeminiCache> CreateAsync(CacheDefinition definition, CancellationToken cancellationToken = default)
        {
            if (definition is null) throw new ArgumentNullException(nameof(definition));
            EnsureRegional(_endpoint.Location);
            if (definition.Ttl is not null && definition.ExpireTime is not null)
            {
                throw new ArgumentException("Give either a time to live or an expiry time, not both.", "Ttl");
            }
            if (definition.Ttl is { } ttl && ttl <= TimeSpan.Zero)
            {
                throw new ArgumentException($"The time to live must be positive; got {ttl}.", "Ttl");
            }
            if (definition.Messages.Count == 0)
            {
                throw new ArgumentException("A cache needs content: give messages, files or a system instruction.", "Message");
            }

            var model = NativeUris.BareModelId(definition.Model);
            var body = NativeJson.Object(w =>
            {
                w.WriteString("model", $"projects/{_endpoint.Project}/locations/{_endpoint.Location}/publishers/google/models/{model}");
                if (!string.IsNullOrEmpty(definition.DisplayName)) w.WriteString("displayName", definition.DisplayName);
                NativeContentWriter.WriteSystemInstruction(w, definition.Messages);
                NativeContentWriter.WriteContents(w, definition.Messages);
                NativeContentWriter.WriteTools(w, definition.Tools);
                if (definition.Ttl is { } t) w.WriteString("ttl", NativeJson.Duration(t));
                if (definition.ExpireTime is { } e) w.WriteString("expireTime", NativeJson.Timestamp(e));
            });
            var uri = NativeUris.InLocation(_endpoint, _endpoint.Project, _endpoint.Location, "cachedContents");
            using var doc = await _client.SendAsync(HttpMethod.Post, uri, body, $"create a context cache for {model}", cancellationToken).ConfigureAwait(false);
            return GeminiCache.FromJson(doc.RootElement);
        }

        /// <summary>Reads one cache (a 404 once it has expired or been deleted).</summary>
        public async Task<GeminiCache> GetAsync(string nameOrId, CancellationToken cancellationToken = default)
        {
            using var doc = await _client.SendAsync(HttpMethod.Get, UriOf(ResolveName(nameOrId)), null, "read a context cache", cancellationToken).ConfigureAwait(false);
            return GeminiCache.FromJson(doc.RootElement);
        }

        /// <summary>Reads one page of the caches in the endpoint's project and location.</summary>
        /// <param name="pageToken">The previous page's <see cref="GeminiCachePage.NextPageToken"/>, or null for the first.</param>
        /// <param name="pageSize">Caches per page (Vertex may return fewer), or null for the service's default.</param>
        /// <param name="cancellationToken">Cancels the call.</param>
        public async Task<GeminiCachePage> ListPageAsync(string? pageToken, int? pageSize = null, CancellationToken cancellationToken = default)
        {
            EnsureRegional(_endpoint.Location);
            var query = new List<string>();
            if (pageSize is { } size) query.Add("pageSize=" + size);
            if (!string.IsNullOrEmpty(pageToken)) query.Add("pageToken=" + Uri.EscapeDataString(pageToken));
            var uri = NativeUris.InLocation(_endpoint, _endpoint.Project, _endpoint.Location, "cachedContents" + (query.Count > 0 ? "?" + string.Join("&", query) : string.Empty));
            using var doc = await _client.SendAsync(HttpMethod.Get, uri, null, "list context caches", cancellationToken).ConfigureAwait(false);
            var caches = new List<GeminiCache>();
            if (doc.RootElement.TryGetProperty("cachedContents", out var list) && list.ValueKind == System.Text.Json.JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray()) caches.Add(GeminiCache.FromJson(item));
            }
            var next = NativeJson.String(doc.RootElement, "nextPageToken");
            return new GeminiCachePage(caches, string.IsNullOrEmpty(next) ? null : next);
        }

        /// <summary>Sets a new expiry: a time to live from now (<c>updateMask=ttl</c>) or a point in time (<c>updateMask=expireTime</c>).</summary>
        public async Task<GeminiCache> UpdateExpiryAsync(string nameOrId, TimeSpan? ttl, DateTimeOffset? expireTime, CancellationToken cancellationToken = default)
        {
            if ((ttl is null) == (expireTime is null)) throw new ArgumentException("Give either a time to live or an expiry time.", "Ttl");
            if (ttl is { } t && t <= TimeSpan.Zero) throw new ArgumentException($"The time to live must be positive; got {t}.", "Ttl");
            var name = ResolveName(nameOrId);
            var body = NativeJson.Object(w =>
            {
                if (ttl is { } tt) w.WriteString("ttl", NativeJson.Duration(tt));
                else w.WriteString("expireTime", NativeJson.Timestamp(expireTime!.Value));
            });
            var uri = new Uri(UriOf(name).AbsoluteUri + "?updateMask=" + (ttl is not null ? "ttl" : "expireTime"));
            using var doc = await _client.SendAsync(new HttpMethod("PATCH"), uri, body, "set a context cache's expiry", cancellationToken).ConfigureAwait(false);
            return GeminiCache.FromJson(doc.RootElement);
        }

        /// <summary>Deletes a cache.</summary>
        public async Task DeleteAsync(string nameOrId, CancellationToken cancellationToken = default)
        {
            using var doc = await _client.SendAsync(HttpMethod.Delete, UriOf(ResolveName(nameOrId)), null, "delete a context cache", cancellationToken).ConfigureAwait(false);
        }

        // A cache is served by its own region's host, whatever the session's location: a cache object from another
        // region still reaches the right place.
        private Uri UriOf(string fullName)
        {
            var m = s_fullName.Match(fullName);
            EnsureRegional(m.Groups[2].Value);
            return NativeUris.InLocation(_endpoint, m.Groups[1].Value, m.Groups[2].Value, "cachedContents/" + Uri.EscapeDataString(m.Groups[3].Value));
        }
    }
}
