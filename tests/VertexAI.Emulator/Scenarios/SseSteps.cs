using System.Text;

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

/// <summary>Resets the connection mid-stream.</summary>
internal sealed class AbortStep : SseStep
{
    internal override Task<bool> RunAsync(PlaybackContext context)
    {
        context.Abort();
        return Task.FromResult(false);
    }
}
