using VertexAI;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Core.Tests;

public class TransportTests : ScriptedEmulatorTests
{
    private readonly EmulatorFixture _f;

    public TransportTests(EmulatorFixture f) : base(f) => _f = f;

    [Fact]
    public async Task Non_streaming_deterministic_reply_parses()
    {
        var completion = await _f.Client().CompleteAsync(EmulatorFixture.UserPrompt("hello there"));
        Assert.Equal("Echo: hello there", completion.Content);
        Assert.Equal("chat.completion", completion.Object);
        Assert.Equal("google/gemini-2.0-flash-001", completion.Model);
        Assert.Equal("stop", completion.FinishReason);
        Assert.True(completion.Usage!.TotalTokens > 0);
    }

    // Which statuses are retried is pinned here, not read from the code under test: PROTOCOL.md says to answer 429
    // with truncated exponential backoff and lists 500/503 (and 5xx capacity errors) as seen; Google's "Retry
    // strategy" page for Vertex generative AI retries 429 and 5xx. 4xx other than 429 are the caller's to fix.
    [Theory]
    [InlineData(400, "INVALID_ARGUMENT", false, false)]
    [InlineData(401, "UNAUTHENTICATED", false, false)]
    [InlineData(403, "PERMISSION_DENIED", false, false)]
    [InlineData(404, "NOT_FOUND", false, false)]
    [InlineData(429, "RESOURCE_EXHAUSTED", true, true)]
    [InlineData(500, "INTERNAL", true, true)]
    [InlineData(502, "UNAVAILABLE", false, true)]
    [InlineData(503, "UNAVAILABLE", true, true)]
    [InlineData(504, "DEADLINE_EXCEEDED", false, true)]
    public async Task Google_errors_become_the_exception_with_every_field(int status, string googleStatus, bool asArray, bool retried)
    {
        var headers = new Dictionary<string, string> { ["x-request-id"] = "req-" + status };
        var retries = 2;
        // Retried errors need one scripted answer per attempt.
        var answers = retried ? retries + 1 : 1;
        for (var i = 0; i < answers; i++)
        {
            _f.Emulator.Scenarios.Enqueue(Scenario.GoogleError(status, googleStatus, "message for " + status, asArray, headers,
                """[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"REASON_""" + status + "\"}]"));
        }
        _f.Emulator.ClearLog();
        var client = _f.Client(retry: new RetryPolicy { MaxRetries = retries, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) });
        var ex = await Assert.ThrowsAsync<GeminiApiException>(() => client.CompleteAsync(EmulatorFixture.UserPrompt("x")));
        Assert.Equal(status, ex.HttpStatus);
        Assert.Equal(googleStatus, ex.Status);
        Assert.Equal("message for " + status, ex.ErrorMessage);
        Assert.Equal("req-" + status, ex.RequestId);
        Assert.Equal("REASON_" + status, ex.Reason);
        Assert.Contains("message for " + status, ex.Message);
        Assert.Equal(answers, ex.Attempts);
        Assert.Equal(answers, _f.Emulator.ChatRequests.Count);
        Assert.Equal(0, _f.Emulator.Scenarios.Count);
    }

    [Fact]
    public async Task A_429_with_retry_after_is_retried_after_the_server_wait_and_then_succeeds()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.RateLimited(TimeSpan.FromSeconds(1)));
        _f.Emulator.ClearLog();
        var log = new ListLog();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var completion = await _f.Client(log: log).CompleteAsync(EmulatorFixture.UserPrompt("after wait"));
        Assert.Equal("Echo: after wait", completion.Content);
        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(950), $"waited only {sw.Elapsed}");
        var requests = _f.Emulator.ChatRequests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(950));
        Assert.Contains(log.Lines, l => l.Contains("Retry 1 of 3 in 1 s after HTTP 429 RESOURCE_EXHAUSTED"));
    }

    [Fact]
    public async Task A_server_wait_longer_than_the_cap_is_refused_and_said()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.RateLimited(TimeSpan.FromSeconds(600)));
        _f.Emulator.ClearLog();
        var ex = await Assert.ThrowsAsync<GeminiApiException>(() => _f.Client().CompleteAsync(EmulatorFixture.UserPrompt("x")));
        Assert.Equal(429, ex.HttpStatus);
        Assert.Equal(TimeSpan.FromSeconds(600), ex.RetryAfter);
        Assert.Contains("600 s", ex.Message);
        Assert.Single(_f.Emulator.ChatRequests);
    }

    [Fact]
    public async Task A_dropped_connection_is_retried()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.DropConnection());
        _f.Emulator.ClearLog();
        var completion = await _f.Client().CompleteAsync(EmulatorFixture.UserPrompt("again"));
        Assert.Equal("Echo: again", completion.Content);
        Assert.Equal(2, _f.Emulator.ChatRequests.Count);
    }

    [Fact]
    public async Task Dropped_connections_past_the_retry_budget_fail_as_connection_failures()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.DropConnection(), Scenario.DropConnection());
        var client = _f.Client(retry: new RetryPolicy { MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(1) });
        var ex = await Assert.ThrowsAsync<GeminiApiException>(() => client.CompleteAsync(EmulatorFixture.UserPrompt("x")));
        Assert.True(ex.IsConnectionFailure);
        Assert.Null(ex.HttpStatus);
        Assert.Equal(2, ex.Attempts);
        Assert.Contains("Could not reach Vertex AI", ex.Message);
    }

    [Fact]
    public async Task A_slow_answer_is_reported_as_a_timeout_not_as_an_unreachable_server()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.Delay(TimeSpan.FromSeconds(4), Scenario.Respond(200, "{}")));
        var client = _f.Client(retry: RetryPolicy.None, timeout: TimeSpan.FromSeconds(1));
        var ex = await Assert.ThrowsAsync<GeminiApiException>(() => client.CompleteAsync(EmulatorFixture.UserPrompt("slow")));
        Assert.True(ex.IsTimeout);
        Assert.True(ex.IsConnectionFailure);
        Assert.Contains("No answer from Vertex AI", ex.Message);
        Assert.Contains("within 1 s", ex.Message);
        Assert.DoesNotContain("Could not reach", ex.Message);
    }

    [Fact]
    public async Task Validation_errors_from_the_server_are_not_retried()
    {
        _f.Emulator.ClearLog();
        var request = new ChatRequest { Model = "google/gemini-2.0-flash-001", Messages = { new ChatMessage("tool", "result without id") } };
        var ex = await Assert.ThrowsAsync<GeminiApiException>(() => _f.Client().CompleteAsync(request));
        Assert.Equal(400, ex.HttpStatus);
        Assert.Equal("INVALID_ARGUMENT", ex.Status);
        Assert.Contains("tool_call_id", ex.ErrorMessage);
        Assert.Single(_f.Emulator.ChatRequests);
    }

    [Fact]
    public async Task An_empty_message_list_is_refused_before_any_request()
    {
        _f.Emulator.ClearLog();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => _f.Client().CompleteAsync(new ChatRequest()));
        Assert.Contains("no messages", ex.Message);
        Assert.Empty(_f.Emulator.ChatRequests);
    }

    [Fact]
    public async Task Verbose_log_tells_url_model_status_and_timing_but_never_the_token()
    {
        var log = new ListLog();
        await _f.Client(log: log).CompleteAsync(EmulatorFixture.UserPrompt("x"));
        var all = string.Join("\n", log.Lines);
        Assert.Contains("POST " + _f.Emulator.BaseUri + "v1/projects/test-project/locations/us-central1/endpoints/openapi/chat/completions", all);
        Assert.Contains("model google/gemini-2.0-flash-001", all);
        Assert.Contains("HTTP 200 after", all);
        Assert.Contains("Completed in", all);
        Assert.DoesNotContain(_f.Emulator.DefaultToken, all);
    }

    [Theory]
    [InlineData("gemini-2.5-flash", "google/gemini-2.5-flash")]
    [InlineData("google/gemini-2.5-pro", "google/gemini-2.5-pro")]
    public async Task A_request_model_gets_Googles_prefix_on_the_managed_endpoint_only(string given, string sent)
    {
        _f.Emulator.ClearLog();
        var request = EmulatorFixture.UserPrompt("x");
        request.Model = given;
        await _f.Client().CompleteAsync(request);
        Assert.Equal(sent, (string?)Assert.Single(_f.Emulator.ChatRequests).Json!["model"]);

        // A self-deployed endpoint gets the model exactly as given.
        _f.Emulator.ClearLog();
        await _f.Client(endpointId: "1234567890").CompleteAsync(request);
        Assert.Equal(given, (string?)Assert.Single(_f.Emulator.ChatRequests).Json!["model"]);
    }

    [Fact]
    public async Task A_caller_request_object_is_not_modified()
    {
        var request = EmulatorFixture.UserPrompt("x");
        await _f.Client().StreamAsync(request, _ => { });
        Assert.Null(request.Model);
        Assert.False(request.Stream);
    }

    [Fact]
    public void TLS_1_2_is_added_on_NET_Framework_without_removing_what_was_set()
    {
        // What Windows PowerShell 5.1 starts with on a machine without the strong-crypto registry values.
#pragma warning disable CS0618, SYSLIB0014 // Ssl3 is obsolete: it is what such a machine has, and it must be kept, not removed.
        var old = System.Net.SecurityProtocolType.Ssl3 | System.Net.SecurityProtocolType.Tls;
        Assert.Equal(old | System.Net.SecurityProtocolType.Tls12, SharedHttp.WithTls12(old));
#pragma warning restore CS0618, SYSLIB0014
        Assert.Equal(System.Net.SecurityProtocolType.Tls12 | System.Net.SecurityProtocolType.Tls13,
            SharedHttp.WithTls12(System.Net.SecurityProtocolType.Tls12 | System.Net.SecurityProtocolType.Tls13));
        // SystemDefault: the OS chooses, TLS 1.2 included; naming versions would narrow it.
        Assert.Equal((System.Net.SecurityProtocolType)0, SharedHttp.WithTls12((System.Net.SecurityProtocolType)0));

        // On .NET (Core) the process-wide setting does not govern HttpClient: it is left as it was.
#pragma warning disable SYSLIB0014
        var before = System.Net.ServicePointManager.SecurityProtocol;
        SharedHttp.EnsureTls12();
        Assert.Equal(before, System.Net.ServicePointManager.SecurityProtocol);
#pragma warning restore SYSLIB0014
    }

    private sealed class UnreachableTokenSource : VertexAI.Auth.IAccessTokenSource
    {
        public int Calls;
        public Task<string> GetTokenAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            throw new HttpRequestException("the token endpoint could not be reached");
        }
        public string Description => "unreachable credential";
        public bool Invalidate(string rejectedToken) => false;
    }

    [Fact]
    public async Task A_token_fetch_that_fails_is_reported_as_it_is_not_as_the_endpoint_failing_nor_retried()
    {
        _f.Emulator.ClearLog();
        var tokens = new UnreachableTokenSource();
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => _f.Client(tokens: tokens).CompleteAsync(EmulatorFixture.UserPrompt("x")));
        Assert.Contains("token endpoint", ex.Message);
        Assert.Equal(1, tokens.Calls);
        Assert.Empty(_f.Emulator.ChatRequests);
    }
}
