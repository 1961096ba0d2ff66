using System.Text.Json;
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>
/// HTTP control routes for tests in another process (Pester), which cannot reach the in-process log and queue.
/// Guarded by the emulator's default token; control requests are not recorded.
/// <list type="bullet">
/// <item><c>GET /_emulator/requests</c>: the request log as a JSON array.</item>
/// <item><c>DELETE /_emulator/requests</c>: clears the log.</item>
/// <item><c>POST /_emulator/scenarios</c>: enqueues a scripted answer:
/// <c>{"status":429,"body":"...","headers":{"Retry-After":"1"},"count":1}</c>, or
/// <c>{"googleError":{"status":429,"googleStatus":"RESOURCE_EXHAUSTED","message":"...","asArray":false},"count":4}</c>, or
/// <c>{"drop":true}</c>, or <c>{"events":["{chunk json}", {"pauseMs":N}, ...],"done":true}</c> for a stream (a
/// <c>pauseMs</c> element pauses it; <c>"eventDelayMs":N</c> waits N ms between all its events); any of them with
/// <c>"delayMs":N</c> to answer late (an empty 200 answers with a small completion whose content is "delayed").</item>
/// <item><c>DELETE /_emulator/scenarios</c>: clears the queue.</item>
/// <item><c>PUT /_emulator/settings</c> with <c>{"replyDelayMs":N}</c>: every chat request from now on waits N ms before it is
/// answered (0 answers at once again); see <see cref="VertexEmulator.ReplyDelay"/>.</item>
/// <item><c>POST /_emulator/batch-jobs</c> with <c>{"readsPerState":N}</c>: jobs created from now on stay N reads in each
/// state (default 1), so a waiting client sees PENDING and RUNNING for a while.</item>
/// <item><c>POST /_emulator/storage-faults</c> with <c>{"status":503,"count":1,"method":"PUT"}</c>: the next authenticated Cloud
/// Storage requests (of that method, when given) fail with that status (JSON API error shape); <c>DELETE</c> drops what is queued.</item>
/// <item><c>POST /_emulator/service-account-keys</c>: a new service-account key file (the JSON of
/// <see cref="VertexEmulator.CreateServiceAccountKeyJson"/>, <c>token_uri</c> this emulator), its public key registered;
/// optional body <c>{"clientEmail":"...","projectId":"..."}</c>. For credential tests in another process.</item>
/// <item><c>POST /_emulator/user-tokens</c>: <c>{"access_token":"..."}</c>, a token as a person's gcloud login gets it
/// (an authorized_user refresh grant), for the quota-project rule of the native routes.</item>
/// <item><c>POST /_emulator/clock</c> with <c>{"advanceSeconds":N}</c>: moves the context-cache clock forward (204).</item>
/// <item><c>POST /_emulator/quota</c>: a per-second quota on chat requests, a token bucket (<see cref="TokenBucketQuota"/>):
/// <c>{"ratePerSecond":50,"burst":50,"retryAfter":true,"latencyMs":10}</c> (burst defaults to one second's worth,
/// retryAfter to false, latencyMs to 0); replaces any quota before it, with a full bucket.</item>
/// <item><c>GET /_emulator/quota</c>: its settings and counts (<c>admitted</c>, <c>throttled</c>), or <c>null</c>.</item>
/// <item><c>DELETE /_emulator/quota</c>: no quota any more.</item>
/// <item><c>GET /_emulator/stats</c>: <c>{"chatInFlight":N,"maxChatInFlight":M}</c>, chat requests being answered now and
/// the most at once (counted from arrival until the response starts); <c>DELETE</c> starts the maximum again.</item>
/// </list>
/// </summary>
internal sealed class ControlEndpoint(
    RequestLog log,
    ScenarioQueue scenarios,
    string controlToken,
    Action<TimeSpan> setReplyDelay,
    Func<TokenBucketQuota?> getQuota,
    Action<TokenBucketQuota?> setQuota,
    ConcurrencyGauge inFlight,
    Func<string?, string?, string> createServiceAccountKey)
{
    public const string Prefix = "/_emulator/";

    /// <summary>Issues a user-credential token (<c>POST /_emulator/user-tokens</c>).</summary>
    public Func<string>? IssueUserToken { get; init; }

    /// <summary>Advances the cache clock (<c>POST /_emulator/clock</c>).</summary>
    public Action<TimeSpan>? AdvanceClock { get; init; }

    /// <summary>The batch jobs whose speed <c>POST /_emulator/batch-jobs</c> sets.</summary>
    public BatchJobStore? BatchJobs { get; init; }

    /// <summary>The object store <c>/_emulator/storage-faults</c> scripts failures for.</summary>
    public ObjectStore? Storage { get; init; }

    public async Task HandleAsync(HttpContext context, string path, string body)
    {
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + controlToken)
        {
            await GoogleErrors.WriteAsync(context, 401, "UNAUTHENTICATED", "The control routes need the emulator's default token.");
            return;
        }

        switch (path, context.Request.Method)
        {
            case ("/_emulator/requests", "GET"):
                await WriteJsonAsync(context, new JsonArray(log.Snapshot().Select(Describe).ToArray()));
                return;
            case ("/_emulator/requests", "DELETE"):
                log.Clear();
                context.Response.StatusCode = 204;
                return;
            case ("/_emulator/scenarios", "POST"):
                Enqueue(context, body);
                return;
            case ("/_emulator/scenarios", "DELETE"):
                scenarios.Clear();
                context.Response.StatusCode = 204;
                return;
            case ("/_emulator/user-tokens", "POST") when IssueUserToken is not null:
                await WriteJsonAsync(context, new JsonObject { ["access_token"] = IssueUserToken(), ["token_type"] = "Bearer" });
                return;
            case ("/_emulator/clock", "POST") when AdvanceClock is not null:
                Apply(context, body, spec => AdvanceClock(TimeSpan.FromSeconds((double?)spec["advanceSeconds"] ?? 0)));
                return;
            case ("/_emulator/settings", "PUT"):
                ApplySettings(context, body);
                return;
            case ("/_emulator/quota", "POST"):
                SetQuota(context, body);
                return;
            case ("/_emulator/quota", "GET"):
                if (getQuota() is { } quota)
                {
                    await WriteJsonAsync(context, quota.Describe());
                }
                else
                {
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync("null");
                }

                return;
            case ("/_emulator/quota", "DELETE"):
                setQuota(null);
                context.Response.StatusCode = 204;
                return;
            case ("/_emulator/stats", "GET"):
                await WriteJsonAsync(context, new JsonObject { ["chatInFlight"] = inFlight.Current, ["maxChatInFlight"] = inFlight.Max });
                return;
            case ("/_emulator/stats", "DELETE"):
                inFlight.ResetMax();
                context.Response.StatusCode = 204;
                return;
            case ("/_emulator/batch-jobs", "POST") when BatchJobs is not null:
                Apply(context, body, spec => BatchJobs.ReadsPerState = (int?)spec["readsPerState"] ?? 1);
                return;
            case ("/_emulator/storage-faults", "POST") when Storage is not null:
                Apply(context, body, spec => Storage.EnqueueFault((int)spec["status"]!, (int?)spec["count"] ?? 1, (string?)spec["method"]));
                return;
            case ("/_emulator/storage-faults", "DELETE") when Storage is not null:
                Storage.ClearFaults();
                context.Response.StatusCode = 204;
                return;
            case ("/_emulator/service-account-keys", "POST"):
                await CreateKeyAsync(context, body);
                return;
            default:
                await GoogleErrors.NotFoundAsync(context);
                return;
        }
    }

    // A control body is a small JSON object; one that is not, or whose members have the wrong type or value, is the
    // test's mistake: 400, and nothing is changed (204 once applied).
    private static void Apply(HttpContext context, string body, Action<JsonObject> apply)
    {
        try
        {
            apply(JsonNode.Parse(body)?.AsObject() ?? throw new JsonException("empty body"));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException or NullReferenceException)
        {
            context.Response.StatusCode = 400;
            return;
        }

        context.Response.StatusCode = 204;
    }

    private void Enqueue(HttpContext context, string body) => Apply(context, body, spec =>
    {
        var count = (int?)spec["count"] ?? 1;
        for (var i = 0; i < count; i++)
        {
            scenarios.Enqueue(Build(spec));
        }
    });

    private void ApplySettings(HttpContext context, string body) => Apply(context, body, spec =>
    {
        if (spec["replyDelayMs"] is { } delay)
        {
            var ms = (int)delay;
            if (ms < 0) throw new JsonException("replyDelayMs must not be negative");
            setReplyDelay(TimeSpan.FromMilliseconds(ms));
        }
    });

    private void SetQuota(HttpContext context, string body) => Apply(context, body, spec =>
        setQuota(new TokenBucketQuota((double)spec["ratePerSecond"]!, (double?)spec["burst"], (bool?)spec["retryAfter"] ?? false,
            TimeSpan.FromMilliseconds((double?)spec["latencyMs"] ?? 0))));

    private async Task CreateKeyAsync(HttpContext context, string body)
    {
        JsonObject? spec = null;
        try
        {
            spec = string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body)?.AsObject();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            context.Response.StatusCode = 400;
            return;
        }

        var key = createServiceAccountKey((string?)spec?["clientEmail"], (string?)spec?["projectId"]);
        context.Response.StatusCode = 201;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(key);
    }

    private const string DelayedCompletion =
        "{\"id\":\"delayed\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"google/delayed\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":\"delayed\"}}]}";

    private static Scenario Build(JsonObject spec)
    {
        var answer = BuildAnswer(spec);
        // "delayMs" holds the answer back (a slow model, for timeouts).
        return (int?)spec["delayMs"] is int ms && ms > 0 ? Scenario.Delay(TimeSpan.FromMilliseconds(ms), answer) : answer;
    }

    private static Scenario BuildAnswer(JsonObject spec)
    {
        if ((bool?)spec["drop"] == true)
        {
            return Scenario.DropConnection();
        }

        if (spec["googleError"] is JsonObject g)
        {
            return Scenario.GoogleError((int)g["status"]!, (string)g["googleStatus"]!, (string?)g["message"] ?? "scripted error",
                (bool?)g["asArray"] ?? false, Headers(spec));
        }

        if (spec["events"] is JsonArray events)
        {
            // An element {"pauseMs":N} holds the stream back (a model that goes silent mid-answer); others are chunks.
            // "eventDelayMs" paces the whole stream (a slow model that is still sending), e.g. for Ctrl+C during an answer.
            var pace = (int?)spec["eventDelayMs"] is int gap && gap > 0 ? TimeSpan.FromMilliseconds(gap) : (TimeSpan?)null;
            var steps = new List<SseStep>();
            foreach (var e in events)
            {
                if (e is JsonObject o && o.Count == 1 && (int?)o["pauseMs"] is int pause)
                {
                    steps.Add(SseStep.Delay(TimeSpan.FromMilliseconds(pause)));
                    continue;
                }
                if (pace is { } p && steps.Count > 0) steps.Add(SseStep.Delay(p));
                steps.Add(SseStep.Data(e is JsonValue v && v.TryGetValue<string>(out var s) ? s : e!.ToJsonString()));
            }
            if ((bool?)spec["done"] ?? true)
            {
                steps.Add(SseStep.Done());
            }

            return Scenario.Stream(steps);
        }

        var status = (int?)spec["status"] ?? 200;
        var body = (string?)spec["body"];
        return Scenario.Respond(status, string.IsNullOrEmpty(body) && status == 200 ? DelayedCompletion : body ?? string.Empty, Headers(spec));
    }

    private static Dictionary<string, string>? Headers(JsonObject spec) =>
        spec["headers"] is JsonObject h ? h.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? string.Empty) : null;

    private static JsonNode Describe(RecordedRequest r) => new JsonObject
    {
        ["method"] = r.Method,
        ["path"] = r.Path,
        ["query"] = r.QueryString,
        ["kind"] = r.Kind,
        ["apiVersion"] = r.ApiVersion,
        ["project"] = r.Project,
        ["location"] = r.Location,
        ["endpointId"] = r.EndpointId,
        ["isManaged"] = r.IsManaged,
        ["receivedAt"] = r.ReceivedAt.ToString("o"),
        ["responseStatus"] = r.ResponseStatus,
        ["viaProxy"] = r.ViaProxy,
        ["headers"] = new JsonObject(r.Headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value))),
        ["body"] = r.Body,
    };

    private static async Task WriteJsonAsync(HttpContext context, JsonNode node)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(node.ToJsonString());
    }
}
