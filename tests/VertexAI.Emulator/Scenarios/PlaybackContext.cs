namespace VertexAI.Emulator;

/// <summary>What a scenario needs while it plays: the exchange and a token that fires when the client leaves or the emulator stops.</summary>
internal sealed class PlaybackContext(HttpContext http, CancellationToken cancellation)
{
    public HttpContext Http { get; } = http;

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Cuts the TCP connection: the client sees a reset, not a response.</summary>
    public void Abort() => Http.Abort();
}
