namespace VertexAI.Emulator;

/// <summary>An SSE response played step by step; ends normally after the last step unless a step aborted.</summary>
internal sealed class StreamScenario(IReadOnlyList<SseStep> steps) : Scenario
{
    internal override async Task PlayAsync(PlaybackContext context)
    {
        var response = context.Http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";

        // Headers go out before the first step so a client blocked on a gate still sees the response start.
        await response.StartAsync(context.Cancellation);
        await response.Body.FlushAsync(context.Cancellation);

        foreach (var step in steps)
        {
            if (!await step.RunAsync(context))
            {
                return;
            }
        }
    }
}
