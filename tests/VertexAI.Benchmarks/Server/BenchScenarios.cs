using System.Text.Json.Nodes;
using VertexAI.Emulator;

namespace VertexAI.Benchmarks.Server;

/// <summary>
/// What the emulator plays for each benchmark prompt (<see cref="Payloads"/>); any other prompt gets the emulator's
/// normal deterministic reply. Scenarios are immutable, so one instance serves every request.
/// </summary>
internal static class BenchScenarios
{
    private static readonly Scenario OneWriteStream = Scenario.Stream(SseStep.Raw(Payloads.StreamSseBody));

    private static readonly Scenario FlushedStream =
        Scenario.Stream(Payloads.StreamEvents.Select(e => SseStep.Data(e)).Append(SseStep.Done()));

    private static readonly Scenario Delayed =
        Scenario.Delay(Payloads.BatchDelay, Scenario.Respond(200, Payloads.DelayedCompletion));

    /// <param name="latency">Builds the stamped latency stream (in-process emulators only); null refuses that prompt.</param>
    public static Func<RecordedRequest, Scenario?> Selector(Func<Scenario>? latency = null) => request => PromptOf(request) switch
    {
        Payloads.StreamPrompt => OneWriteStream,
        Payloads.StreamFlushedPrompt => FlushedStream,
        Payloads.DelayedPrompt => Delayed,
        Payloads.LatencyPrompt when latency is not null => latency(),
        _ => null,
    };

    private static string? PromptOf(RecordedRequest request) =>
        request.Json?["messages"] is JsonArray { Count: > 0 } messages
        && messages[0]?["content"] is JsonValue content && content.TryGetValue<string>(out var text)
            ? text
            : null;
}
