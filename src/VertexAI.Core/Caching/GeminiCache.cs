using System;
using System.Text.Json;
using VertexAI.Native;

namespace VertexAI
{
    /// <summary>
    /// A Vertex AI context cache (CachedContent): content stored once and read by later requests at a discount.
    /// Pipe it into <c>Invoke-GeminiChat -CachedContent</c>, <c>Set-GeminiCache</c> or <c>Remove-GeminiCache</c>.
    /// </summary>
    public sealed class GeminiCache : JsonModel
    {
        /// <summary>The full resource name, <c>projects/{project}/locations/{location}/cachedContents/{id}</c>.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The cache id, the last segment of <see cref="Name"/>.</summary>
        public string Id => Name.Substring(Name.LastIndexOf('/') + 1);

        /// <summary>The project of <see cref="Name"/> (Vertex writes the project number).</summary>
        public string? Project => Segment(1);

        /// <summary>The region of <see cref="Name"/>.</summary>
        public string? Location => Segment(3);

        /// <summary>The display name given at creation, if any.</summary>
        public string? DisplayName { get; set; }

        /// <summary>The model, <c>projects/{p}/locations/{l}/publishers/google/models/{model}</c>.</summary>
        public string? ModelName { get; set; }

        /// <summary>The model id alone, e.g. <c>gemini-2.5-flash</c>.</summary>
        public string? Model => ModelName is null ? null : NativeUris.BareModelId(ModelName);

        /// <summary>When the cache was created.</summary>
        public DateTimeOffset? CreateTime { get; set; }

        /// <summary>When the cache was last changed (its expiry).</summary>
        public DateTimeOffset? UpdateTime { get; set; }

        /// <summary>When the cache expires and is deleted.</summary>
        public DateTimeOffset? ExpireTime { get; set; }

        /// <summary>Tokens in the cache (<c>usageMetadata.totalTokenCount</c>): what each request that uses it reads from cache.</summary>
        public int TotalTokenCount { get; set; }

        /// <summary>Characters of text in the cache (<c>usageMetadata.textCount</c>).</summary>
        public int? TextCount { get; set; }

        /// <summary>Images in the cache (<c>usageMetadata.imageCount</c>).</summary>
        public int? ImageCount { get; set; }

        /// <summary>Seconds of video in the cache (<c>usageMetadata.videoDurationSeconds</c>).</summary>
        public int? VideoDurationSeconds { get; set; }

        /// <summary>Seconds of audio in the cache (<c>usageMetadata.audioDurationSeconds</c>).</summary>
        public int? AudioDurationSeconds { get; set; }

        /// <summary>The time left until <see cref="ExpireTime"/> when this object was read (zero once expired).</summary>
        public TimeSpan? Remaining { get; set; }

        /// <summary>Reads a CachedContent resource; members the module does not model are kept in <see cref="JsonModel.AdditionalProperties"/>.</summary>
        public static GeminiCache FromJson(JsonElement json)
        {
            var cache = new GeminiCache
            {
                Name = NativeJson.String(json, "name") ?? string.Empty,
                DisplayName = NativeJson.String(json, "displayName"),
                ModelName = NativeJson.String(json, "model"),
                CreateTime = NativeJson.Time(json, "createTime"),
                UpdateTime = NativeJson.Time(json, "updateTime"),
                ExpireTime = NativeJson.Time(json, "expireTime"),
            };
            if (cache.ExpireTime is { } expires)
            {
                var left = expires - DateTimeOffset.UtcNow;
                cache.Remaining = left < TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Round(left.TotalSeconds));
            }
            if (json.TryGetProperty("usageMetadata", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                cache.TotalTokenCount = (int)(NativeJson.Number(usage, "totalTokenCount") ?? 0);
                cache.TextCount = (int?)NativeJson.Number(usage, "textCount");
                cache.ImageCount = (int?)NativeJson.Number(usage, "imageCount");
                cache.VideoDurationSeconds = (int?)NativeJson.Number(usage, "videoDurationSeconds");
                cache.AudioDurationSeconds = (int?)NativeJson.Number(usage, "audioDurationSeconds");
                foreach (var p in usage.EnumerateObject())
                {
                    if (p.Name is not ("totalTokenCount" or "textCount" or "imageCount" or "videoDurationSeconds" or "audioDurationSeconds"))
                    {
                        cache.AdditionalProperties["usageMetadata." + p.Name] = Json.PlainJson.FromElement(p.Value);
                    }
                }
            }
            NativeJson.KeepUnknown(json, cache, "name", "displayName", "model", "createTime", "updateTime", "expireTime", "usageMetadata");
            return cache;
        }

        private string? Segment(int index)
        {
            var parts = Name.Split('/');
            return parts.Length == 6 ? parts[index] : null;
        }

        /// <inheritdoc/>
        public override string ToString() => Name;
    }
}
