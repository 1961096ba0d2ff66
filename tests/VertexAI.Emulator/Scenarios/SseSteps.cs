using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Connections.Features;

namespace VertexAI.Emulator;

/// <summary>Writes text and flushes, so the client sees each event as soon as the step runs.</summary>
internal sealed class WriteStep(string text) : SseStep
{
    internal override async Task<bool> RunAsync(PlaybackContext context)
    {
        try
        {
            var body = context.Http.Response.Body;
            await body.WriteAsync(Encoding.UTF8.GetBytes(text), context.Cancellation);
            await body.FlushAsync(context.Cancellation);
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            context.Abort();
            return false;
        }
    }
}

/// <summary>A pause; cancelled pauses abort the connection so disposal never waits on them.</summary>
internal sealed class DelayStep(TimeSpan delay) : SseStep
{
    internal override async Task<bool> RunAsync(PlaybackContext context)
    {
        try
        {
            await Task.Delay(delay, context.Cancellation);
            return true;
        }
        catch (OperationCanceledException)
        {
            context.Abort();
            return false;
        }
    }
}

/// <summary>Holds the stream until a test releases it; a faulted or cancelled gate also releases it.</summary>
internal sealed class WaitForStep(Task gate) : SseStep
{
    internal override async Task<bool> RunAsync(PlaybackContext context)
    {
        try
        {
            await gate.WaitAsync(context.Cancellation).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            context.Cancellation.ThrowIfCancellationRequested();
            return true;
        }
        catch (OperationCanceledException)
        {
            context.Abort();
            return false;
        }
    }
}

/// <summary>Tells the test how far the stream has got.</summary>
internal sealed class SignalStep(TaskCompletionSource sent) : SseStep
{
    internal override Task<bool> RunAsync(PlaybackContext context)
    {
        sent.TrySetResult();
        return Task.FromResult(true);
    }
}

/// <summary>
/// Cuts the connection mid-stream. A plain reset could destroy events the client has not read yet, so the send
/// side is shut first (a FIN behind the data already written): the client reads everything sent, then hits the
/// end of the connection inside the chunked body. The socket is torn down once the client lets go.
/// </summary>
internal sealed class AbortStep : SseStep
{
    /// <summary>How long a half-closed connection may wait for the client before it is reset anyway.</summary>
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Kestrel's flush only hands bytes to its transport pipe; the socket sender writes them a moment later and
    /// there is no signal for that. Shutting the socket before then would lose them, so give it this long.
    /// </summary>
    private static readonly TimeSpan Drain = TimeSpan.FromMilliseconds(100);

    internal override async Task<bool> RunAsync(PlaybackContext context)
    {
        if (context.Http.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
        {
            try
            {
                await Task.Delay(Drain, context.Cancellation);
                socket.Shutdown(SocketShutdown.Send);
                await Task.Delay(Linger, context.Cancellation);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The client closed its end, or the emulator is stopping: either way, reset below.
            }
        }

        context.Abort();
        return false;
    }
}
