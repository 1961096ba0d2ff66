namespace VertexAI.Emulator;

/// <summary>
/// The context caches a chat request may name (<c>extra_body.google.cached_content</c>). Chat completions only ask whether
/// a cache exists and how many tokens it holds; a store with real cachedContents routes can stand in for
/// <see cref="AnyWellFormedCache"/> through this interface.
/// </summary>
internal interface ICachedContentStore
{
    /// <summary>Whether <paramref name="name"/> (projects/{p}/locations/{l}/cachedContents/{id}) exists, and its token count.</summary>
    bool TryGetTokenCount(string name, out int tokenCount);
}

/// <summary>Until the emulator has cachedContents routes: every well-formed name (validated beforehand) is a cache of
/// <see cref="TokenCount"/> tokens, except ids starting with <c>missing</c>, which exist nowhere (a 404 to test).</summary>
internal sealed class AnyWellFormedCache : ICachedContentStore
{
    /// <summary>The size of every cache: above Vertex's minimum of 2,048 tokens for a context cache.</summary>
    public const int TokenCount = 4096;

    public bool TryGetTokenCount(string name, out int tokenCount)
    {
        var id = name[(name.LastIndexOf('/') + 1)..];
        tokenCount = id.StartsWith("missing", StringComparison.Ordinal) ? 0 : TokenCount;
        return tokenCount > 0;
    }
}
