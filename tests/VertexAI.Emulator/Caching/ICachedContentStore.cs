namespace VertexAI.Emulator;

/// <summary>
/// The context caches a chat request may name (<c>extra_body.google.cached_content</c>). Chat completions only ask whether
/// a cache exists and how many tokens it holds; <see cref="CacheStore"/>, which the
/// cachedContents routes fill, answers both.
/// </summary>
internal interface ICachedContentStore
{
    /// <summary>Whether <paramref name="name"/> (projects/{p}/locations/{l}/cachedContents/{id}) exists, and its token count.</summary>
    bool TryGetTokenCount(string name, out int tokenCount);
}
