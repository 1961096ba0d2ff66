namespace VertexAI.Emulator;

/// <summary>What a scenario needs while it plays: the exchange and a token that fires when the client leaves or the emulator stops.</summary>
internal sealed class PlaybackContext(HttpContext http, CancellationToken cancellation)
{
    private static readonly object AbortedKey = new();

    public HttpContext Http { get; } = http;

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Cuts the TCP connection: the client sees a reset, not a response.</summary>
    public void Abort() => Abort(Http);

    /// <summary>Aborts and marks the exchange, because Kestrel still raises OnStarting for aborted responses.</summary>
    public static void Abort(HttpContext http)
    {
        http.Items[AbortedKey] = true;
        http.Abort();
    }

    public static bool WasAborted(HttpContext http) => http.Items.ContainsKey(AbortedKey);
}
