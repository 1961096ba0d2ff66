using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>
/// A scripted answer to one chat request, replacing the deterministic reply.
/// Queue them in <see cref="VertexEmulator.Scenarios"/> or return them from <see cref="VertexEmulator.ScenarioSelector"/>.
/// </summary>
public abstract class Scenario
{
    // Only the emulator's own kinds exist, so playback stays under its control.
    private protected Scenario()
    {
    }

    /// <summary>A complete response; <c>Content-Type</c> is <c>application/json</c> unless <paramref name="headers"/> set it.</summary>
    public static Scenario Respond(int status, string body, IDictionary<string, string>? headers = null) =>
        new RespondScenario(status, body, headers);

    /// <summary>A JSON response: <paramref name="value"/> serialized with System.Text.Json.</summary>
    public static Scenario Json(object value, int status = 200) =>
        new RespondScenario(status, JsonReply.Serialize(value), null);

    /// <summary>
    /// A Google error <c>{"error":{"code","message","status","details"?}}</c>; <paramref name="asArray"/> wraps it in a
    /// one-element array as Vertex sometimes does; <paramref name="detailsJson"/> is a JSON array for <c>details</c>.
    /// </summary>
    public static Scenario GoogleError(
        int status,
        string googleStatus,
        string message,
        bool asArray = false,
        IDictionary<string, string>? headers = null,
        string? detailsJson = null)
    {
        JsonArray? details = null;
        if (detailsJson is not null)
        {
            details = JsonNode.Parse(detailsJson) switch
            {
                JsonArray array => array,
                JsonNode single => new JsonArray(single),
                null => null,
            };
        }

        var body = GoogleErrors.Body(status, googleStatus, message, details, asArray);
        return new RespondScenario(status, JsonReply.Serialize(body), headers);
    }

    /// <summary>429 <c>RESOURCE_EXHAUSTED</c> with <c>Retry-After</c> in whole seconds (rounded up).</summary>
    public static Scenario RateLimited(TimeSpan retryAfter) =>
        GoogleError(
            StatusCodes.Status429TooManyRequests,
            "RESOURCE_EXHAUSTED",
            "Resource exhausted, please try again later. Please refer to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.",
            headers: new Dictionary<string, string>
            {
                ["Retry-After"] = ((long)Math.Ceiling(Math.Max(0, retryAfter.TotalSeconds))).ToString(System.Globalization.CultureInfo.InvariantCulture),
            });

    /// <summary>Aborts the connection before any response byte is sent.</summary>
    public static Scenario DropConnection() => new DropScenario();

    /// <summary>200 <c>text/event-stream</c>: headers are sent at once, then each step in order, flushed immediately.</summary>
    public static Scenario Stream(params SseStep[] steps) => new StreamScenario(steps);

    /// <inheritdoc cref="Stream(SseStep[])"/>
    public static Scenario Stream(IEnumerable<SseStep> steps) => new StreamScenario(steps.ToArray());

    /// <summary>Waits <paramref name="delay"/>, then plays <paramref name="then"/>.</summary>
    public static Scenario Delay(TimeSpan delay, Scenario then) => new DelayScenario(delay, then);

    internal abstract Task PlayAsync(PlaybackContext context);
}
