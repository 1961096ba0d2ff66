namespace VertexAI.Emulator;

/// <summary>Start-up settings for a <see cref="VertexEmulator"/>.</summary>
public sealed class EmulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; } = 0;

    /// <summary>Lifetime (and <c>expires_in</c>) of tokens issued by the token and metadata routes.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>When false, chat requests are answered without checking the bearer token.</summary>
    public bool RequireAuth { get; set; } = true;

    /// <summary>
    /// Page size of the native lists (context caches, publisher models) when a request names none. Google documents
    /// that "the service may return fewer" items than asked; a small default makes clients prove their paging.
    /// </summary>
    public int DefaultPageSize { get; set; } = 5;
}
