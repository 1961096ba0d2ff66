using System.Text;

namespace VertexAI.Emulator;

/// <summary>Status, headers and a body, written in one go.</summary>
internal sealed class RespondScenario(int status, string body, IDictionary<string, string>? headers) : Scenario
{
    internal override async Task PlayAsync(PlaybackContext context)
    {
        var response = context.Http.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=UTF-8";
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            response.Headers[name] = value;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength ??= bytes.Length;
        await response.Body.WriteAsync(bytes, context.Cancellation);
    }
}

/// <summary>Resets the connection without answering.</summary>
internal sealed class DropScenario : Scenario
{
    internal override Task PlayAsync(PlaybackContext context)
    {
        context.Abort();
        return Task.CompletedTask;
    }
}

/// <summary>Waits, then plays another scenario; gives up (aborting) if the client leaves or the emulator stops.</summary>
internal sealed class DelayScenario(TimeSpan delay, Scenario then) : Scenario
{
    internal override async Task PlayAsync(PlaybackContext context)
    {
        try
        {
            await Task.Delay(delay, context.Cancellation);
        }
        catch (OperationCanceledException)
        {
            context.Abort();
            return;
        }

        await then.PlayAsync(context);
    }
}
