using System;
using System.Collections.Generic;

namespace VertexAI
{
    /// <summary>What a new context cache holds and how long it lives.</summary>
    public sealed class CacheDefinition
    {
        /// <summary>The model the cache is for (e.g. <c>gemini-2.5-flash</c>); a cache serves only that model.</summary>
        public string Model { get; set; } = VertexEndpoint.DefaultModel;

        /// <summary>The messages to cache; system and developer messages become the system instruction.</summary>
        public List<ChatMessage> Messages { get; } = new List<ChatMessage>();

        /// <summary>Function tools to cache with the content.</summary>
        public List<ToolDefinition> Tools { get; } = new List<ToolDefinition>();

        /// <summary>How long the cache lives (<c>ttl</c>); null with no <see cref="ExpireTime"/> means Vertex's default of 60 minutes.</summary>
        public TimeSpan? Ttl { get; set; }

        /// <summary>When the cache expires (<c>expireTime</c>); never together with <see cref="Ttl"/>.</summary>
        public DateTimeOffset? ExpireTime { get; set; }

        /// <summary>A name for people (<c>displayName</c>).</summary>
        public string? DisplayName { get; set; }
    }

    /// <summary>One page of <c>cachedContents.list</c>.</summary>
    public sealed class GeminiCachePage
    {
        /// <summary>Creates a page.</summary>
        public GeminiCachePage(IReadOnlyList<GeminiCache> caches, string? nextPageToken)
        {
            Caches = caches;
            NextPageToken = nextPageToken;
        }

        /// <summary>The caches on this page.</summary>
        public IReadOnlyList<GeminiCache> Caches { get; }

        /// <summary>The token of the next page, or null on the last.</summary>
        public string? NextPageToken { get; }
    }
}
