using System.Diagnostics;
using System.Text.Json.Nodes;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Emulator.Tests;

public sealed class ScenarioTests : EmulatorTestBase
{
    [Fact]
    public async Task RateLimited_is_a_429_RESOURCE_EXHAUSTED_with_Retry_After_seconds()
    {
        Emulator.Scenarios.Enqueue(Scenario.RateLimited(TimeSpan.FromSeconds(2.2)));
        using var response = await PostChatAsync(UserRequest("Hi"));
        await AssertGoogleErrorAsync(response, 429, "RESOURCE_EXHAUSTED");
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        Assert.Equal(429, Assert.Single(Emulator.ChatRequests).ResponseStatus);
    }

    [Fact]
    public async Task GoogleError_can_be_wrapped_in_an_array_with_details()
    {
        Emulator.Scenarios.Enqueue(Scenario.GoogleError(503, "UNAVAILABLE", "The service is currently unavailable.", asArray: true,
            detailsJson: """[{"@type":"type.googleapis.com/google.rpc.DebugInfo","detail":"x"}]"""));
        using var response = await PostChatAsync(UserRequest("Hi"));
        Assert.Equal(503, (int)response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        var error = Assert.Single(body)!["error"]!;
        Assert.Equal(503, error["code"]!.GetValue<int>());
        Assert.Equal("UNAVAILABLE", error["status"]!.GetValue<string>());
        Assert.Equal("The service is currently unavailable.", error["message"]!.GetValue<string>());
        Assert.Equal("x", error["details"]![0]!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Respond_and_Json_send_what_they_are_given()
    {
        Emulator.Scenarios.Enqueue(
            Scenario.Respond(502, "<html>Bad Gateway</html>", new Dictionary<string, string> { ["Content-Type"] = "text/html", ["X-Test"] = "1" }),
            Scenario.Json(new { hello = "world" }, 201));
        Assert.Equal(2, Emulator.Scenarios.Count);

        using (var html = await PostChatAsync(UserRequest("Hi")))
        {
            Assert.Equal(502, (int)html.StatusCode);
            Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
            Assert.Equal("1", html.Headers.GetValues("X-Test").Single());
            Assert.Equal("<html>Bad Gateway</html>", await html.Content.ReadAsStringAsync());
        }

        using (var json = await PostChatAsync(UserRequest("Hi")))
        {
            Assert.Equal(201, (int)json.StatusCode);
            Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
            Assert.Equal("""{"hello":"world"}""", await json.Content.ReadAsStringAsync());
        }

        // Queue drained: back to the deterministic reply.
        using var normal = await PostChatAsync(UserRequest("Hi"));
        Assert.Equal(200, (int)normal.StatusCode);
    }

    [Fact]
    public async Task Scenarios_never_skip_validation_and_Clear_empties_the_queue()
    {
        Emulator.Scenarios.Enqueue(Scenario.Json(new { ok = true }));
        using (var refused = await PostChatAsync("not even json"))
        {
            await AssertGoogleErrorAsync(refused, 400, "INVALID_ARGUMENT");
        }

        // The refused body did not consume the scenario: the next valid request gets it.
        Assert.Equal(1, Emulator.Scenarios.Count);
        using (var scripted = await PostChatAsync(UserRequest("Hi")))
        {
            Assert.Equal(200, (int)scripted.StatusCode);
            Assert.Equal("""{"ok":true}""", await scripted.Content.ReadAsStringAsync());
        }

        Emulator.Scenarios.Enqueue(Scenario.DropConnection(), Scenario.DropConnection());
        Emulator.Scenarios.Clear();
        Assert.Equal(0, Emulator.Scenarios.Count);
        using var normal = await PostChatAsync(UserRequest("Hi"));
        Assert.Equal(200, (int)normal.StatusCode);
    }

    [Fact]
    public async Task DropConnection_fails_the_request_without_a_response()
    {
        Emulator.Scenarios.Enqueue(Scenario.DropConnection());
        await Assert.ThrowsAsync<HttpRequestException>(() => PostChatAsync(UserRequest("Hi")));
        Assert.Equal(0, Assert.Single(Emulator.ChatRequests).ResponseStatus);

        using var next = await PostChatAsync(UserRequest("Hi"));
        Assert.Equal(200, (int)next.StatusCode);
    }

    [Fact]
    public async Task DropConnection_on_a_pooled_connection_is_not_retried_by_HttpClient()
    {
        using (var warm = await PostChatAsync(UserRequest("warm")))
        {
            await warm.Content.ReadAsStringAsync();
        }

        Emulator.Scenarios.Enqueue(Scenario.DropConnection());
        await Assert.ThrowsAsync<HttpRequestException>(() => PostChatAsync(UserRequest("Hi")));
        Assert.Equal(2, Emulator.ChatRequests.Count);
    }

    [Fact]
    public async Task Delay_waits_before_answering()
    {
        Emulator.Scenarios.Enqueue(Scenario.Delay(TimeSpan.FromMilliseconds(300), Scenario.Json(new { late = true })));
        var watch = Stopwatch.StartNew();
        using var response = await PostChatAsync(UserRequest("Hi"));
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(250), watch.Elapsed.ToString());
        Assert.Equal("""{"late":true}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_stream_waiting_on_a_gate_has_already_delivered_earlier_events()
    {
        var gate = new TaskCompletionSource();
        var sent = new TaskCompletionSource();
        Emulator.Scenarios.Enqueue(Scenario.Stream(
            SseStep.Data("""{"n":1}"""),
            SseStep.Signal(sent),
            SseStep.WaitFor(gate.Task),
            SseStep.Data(new { n = 2 }),
            SseStep.Done()));

        using var response = await Http.SendAsync(ChatMessage(UserRequest("Hi", stream: true).ToJsonString()), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        Assert.Equal("data: {\"n\":1}", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("", await reader.ReadLineAsync());
        await sent.Task.WaitAsync(TimeSpan.FromSeconds(5));

        var next = reader.ReadLineAsync();
        await Task.Delay(150);
        Assert.False(next.IsCompleted, "the server sent past the gate before it was released");

        gate.SetResult();
        Assert.Equal("data: {\"n\":2}", await next.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("", await reader.ReadLineAsync());
        Assert.Equal("data: [DONE]", await reader.ReadLineAsync());
        Assert.Equal("", await reader.ReadLineAsync());
        Assert.Null(await reader.ReadLineAsync());
    }

    [Fact]
    public async Task Raw_steps_are_written_verbatim()
    {
        Emulator.Scenarios.Enqueue(Scenario.Stream(
            SseStep.Raw(": ping\r\n\r\n"),
            SseStep.Raw("event: error\ndata: {\"error\":{\"code\":500}}\n\n"),
            SseStep.Raw("data: {broken\n\n")));
        using var response = await PostChatAsync(UserRequest("Hi", stream: true));
        Assert.Equal(
            ": ping\r\n\r\nevent: error\ndata: {\"error\":{\"code\":500}}\n\ndata: {broken\n\n",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Abort_cuts_the_stream_so_reading_fails()
    {
        Emulator.Scenarios.Enqueue(Scenario.Stream(SseStep.Data("""{"n":1}"""), SseStep.Abort()));
        using var response = await Http.SendAsync(ChatMessage(UserRequest("Hi", stream: true).ToJsonString()), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("data: {\"n\":1}", await reader.ReadLineAsync());
        await Assert.ThrowsAnyAsync<IOException>(async () => await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task A_stream_that_just_ends_has_no_DONE_but_completes_cleanly()
    {
        Emulator.Scenarios.Enqueue(Scenario.Stream(SseStep.Data("""{"n":1}"""), SseStep.Delay(TimeSpan.FromMilliseconds(50))));
        using var response = await PostChatAsync(UserRequest("Hi", stream: true));
        Assert.Equal("data: {\"n\":1}\n\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_selector_is_used_when_the_queue_is_empty()
    {
        RecordedRequest? seen = null;
        Emulator.ScenarioSelector = request =>
        {
            seen = request;
            return request.Json?["messages"]?[0]?["content"]?.GetValue<string>() == "fail" ? Scenario.RateLimited(TimeSpan.FromSeconds(1)) : null;
        };
        Emulator.Scenarios.Enqueue(Scenario.Json(new { queued = true }));

        using (var queued = await PostChatAsync(UserRequest("fail")))
        {
            Assert.Equal("""{"queued":true}""", await queued.Content.ReadAsStringAsync());
        }

        Assert.Null(seen); // the queue wins without asking the selector
        using (var failed = await PostChatAsync(UserRequest("fail")))
        {
            Assert.Equal(429, (int)failed.StatusCode);
        }

        Assert.Equal("chat", seen!.Kind);
        using var normal = await PostChatAsync(UserRequest("fine"));
        Assert.Equal(200, (int)normal.StatusCode);
    }

    [Fact]
    public async Task Dispose_returns_promptly_while_a_stream_waits_on_a_gate()
    {
        var emulator = await VertexEmulator.StartAsync();
        using var http = new HttpClient { BaseAddress = emulator.BaseUri };
        var sent = new TaskCompletionSource();
        emulator.Scenarios.Enqueue(Scenario.Stream(
            SseStep.Data("{}"), SseStep.Signal(sent), SseStep.WaitFor(new TaskCompletionSource().Task), SseStep.Done()));
        var request = new HttpRequestMessage(HttpMethod.Post, ManagedPath) { Content = new StringContent(UserRequest("Hi").ToJsonString()) };
        request.Headers.Authorization = new("Bearer", emulator.DefaultToken);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await sent.Task.WaitAsync(TimeSpan.FromSeconds(5));

        var watch = Stopwatch.StartNew();
        await emulator.DisposeAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"dispose took {watch.Elapsed}");
        await Assert.ThrowsAnyAsync<Exception>(async () => await response.Content.ReadAsStringAsync());
    }
}
