namespace VertexAI.Emulator;

/// <summary>One step of a scripted event stream (<see cref="Scenario.Stream(SseStep[])"/>).</summary>
public abstract class SseStep
{
    // Only the emulator's own kinds exist, so playback stays under its control.
    private protected SseStep()
    {
    }

    /// <summary>Writes <c>data: {json}\n\n</c> and flushes; <paramref name="json"/> is sent as given.</summary>
    public static SseStep Data(string json) => new WriteStep("data: " + json + "\n\n");

    /// <summary>Serializes <paramref name="chunk"/> with System.Text.Json and writes it as a <c>data:</c> event.</summary>
    public static SseStep Data(object chunk) => new WriteStep("data: " + JsonReply.Serialize(chunk) + "\n\n");

    /// <summary>Writes <c>data: [DONE]\n\n</c>.</summary>
    public static SseStep Done() => new WriteStep("data: [DONE]\n\n");

    /// <summary>Writes <paramref name="text"/> verbatim (comments, <c>event:</c> lines, CRLF framing, malformed events).</summary>
    public static SseStep Raw(string text) => new WriteStep(text);

    /// <summary>Pauses the stream.</summary>
    public static SseStep Delay(TimeSpan delay) => new DelayStep(delay);

    /// <summary>Pauses until <paramref name="gate"/> completes; aborts if the client disconnects or the emulator stops.</summary>
    public static SseStep WaitFor(Task gate) => new WaitForStep(gate);

    /// <summary>Completes <paramref name="sent"/> once everything before this step has been flushed.</summary>
    public static SseStep Signal(TaskCompletionSource sent) => new SignalStep(sent);

    /// <summary>Cuts the connection mid-stream (no <c>[DONE]</c>, no clean end of the chunked body).</summary>
    public static SseStep Abort() => new AbortStep();

    /// <returns>false when the stream must stop (the connection is gone).</returns>
    internal abstract Task<bool> RunAsync(PlaybackContext context);
}
