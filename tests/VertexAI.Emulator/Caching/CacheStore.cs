using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>One context cache as the emulator keeps it.</summary>
internal sealed record CacheEntry(
    string Name,
    string Parent,
    string Model,
    string? DisplayName,
    DateTimeOffset CreateTime,
    DateTimeOffset UpdateTime,
    DateTimeOffset ExpireTime,
    TokenTally Usage,
    long Sequence)
{
    /// <summary>
    /// The resource as Vertex returns it. Contents, systemInstruction, tools and toolConfig are "Input only" in the
    /// CachedContent reference, so they are never returned; usageMetadata is output only.
    /// </summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["name"] = Name };
        if (DisplayName is not null) json["displayName"] = DisplayName;
        json["model"] = Model;
        json["createTime"] = CacheStore.Timestamp(CreateTime);
        json["updateTime"] = CacheStore.Timestamp(UpdateTime);
        json["expireTime"] = CacheStore.Timestamp(ExpireTime);
        var usage = new JsonObject { ["totalTokenCount"] = Usage.Total };
        // CachedContent.UsageMetadata: totalTokenCount, textCount, imageCount, videoDurationSeconds, audioDurationSeconds;
        // zero counts are omitted, as proto3 JSON omits default values.
        if (Usage.TextCharacters > 0) usage["textCount"] = Usage.TextCharacters;
        if (Usage.Images > 0) usage["imageCount"] = Usage.Images;
        if (Usage.VideoSeconds > 0) usage["videoDurationSeconds"] = Usage.VideoSeconds;
        if (Usage.AudioSeconds > 0) usage["audioDurationSeconds"] = Usage.AudioSeconds;
        json["usageMetadata"] = usage;
        return json;
    }
}

/// <summary>
/// The emulator's context caches (<c>projects/{p}/locations/{l}/cachedContents/{id}</c>), expiring on the emulator's
/// clock. The chat route asks it for the cached token count of <c>extra_body.google.cached_content</c>.
/// </summary>
internal sealed class CacheStore(Func<DateTimeOffset> now) : ICachedContentStore
{
    /// <summary>
    /// Vertex's context-cache overview: "Caching requests must contain a minimum of 2,048 tokens" (2025-12; the figure
    /// was 32,769 and then 4,096 in earlier versions of the page).
    /// </summary>
    public const int MinimumTokens = 2048;

    private readonly ConcurrentDictionary<string, CacheEntry> _caches = new(StringComparer.Ordinal);

    // Vertex cache ids are decimal numbers of 18-19 digits.
    private long _nextId = 4_101_407_070_023_057_400;

    public DateTimeOffset Now => now();

    public CacheEntry Add(string parent, string model, string? displayName, DateTimeOffset expireTime, TokenTally usage, DateTimeOffset? createdAt = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var created = createdAt ?? now();
        var entry = new CacheEntry($"{parent}/cachedContents/{id}", parent, model, displayName, created, created, expireTime, usage, id);
        _caches[entry.Name] = entry;
        return entry;
    }

    /// <summary>An unexpired cache; an expired one is gone, as on Vertex.</summary>
    public bool TryGet(string name, out CacheEntry entry)
    {
        if (_caches.TryGetValue(name, out entry!) && entry.ExpireTime > now())
        {
            return true;
        }

        if (entry is not null) _caches.TryRemove(name, out _);
        entry = null!;
        return false;
    }

    /// <summary>Unexpired caches under a parent, oldest first (a stable order for paging).</summary>
    public IReadOnlyList<CacheEntry> List(string parent)
    {
        var at = now();
        return _caches.Values.Where(c => c.Parent == parent && c.ExpireTime > at).OrderBy(c => c.Sequence).ToList();
    }

    public CacheEntry? SetExpiry(string name, DateTimeOffset expireTime)
    {
        if (!TryGet(name, out var entry)) return null;
        var updated = entry with { ExpireTime = expireTime, UpdateTime = now() };
        _caches[name] = updated;
        return updated;
    }

    public bool Remove(string name) => TryGet(name, out _) && _caches.TryRemove(name, out _);

    /// <summary>The token count of an unexpired cache, or null: what a generate call that names it reads from cache.</summary>
    public int? CachedTokens(string name) => TryGet(name, out var entry) ? entry.Usage.Total : null;

    /// <inheritdoc />
    public bool TryGetTokenCount(string name, out int tokenCount)
    {
        tokenCount = CachedTokens(name) ?? 0;
        return tokenCount > 0;
    }

    /// <summary>RFC 3339 in UTC with microseconds, as Vertex writes timestamps (e.g. <c>2024-05-31T19:04:35.380412Z</c>).</summary>
    public static string Timestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

}
