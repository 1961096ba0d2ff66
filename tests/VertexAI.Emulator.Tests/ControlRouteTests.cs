using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Emulator.Tests;

/// <summary>The HTTP control routes the Pester suite uses to read the log and script answers.</summary>
public class ControlRouteTests : IAsyncLifetime
{
    private VertexEmulator _emu = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _emu = await VertexEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emu.DisposeAsync();
    }

    private HttpRequestMessage Control(HttpMethod method, string path, string? json = null, string? token = null)
    {
        var m = new HttpRequestMessage(method, new Uri(_emu.BaseUri, path));
        m.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? _emu.DefaultToken);
        if (json is not null) m.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return m;
    }

    private async Task<HttpResponseMessage> ChatAsync(string? token = null)
    {
        var m = new HttpRequestMessage(HttpMethod.Post, new Uri(_emu.BaseUri, "v1/projects/p/locations/global/endpoints/openapi/chat/completions"))
        {
            Content = new StringContent("""{"model":"google/m","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        m.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? _emu.DefaultToken);
        return await _http.SendAsync(m);
    }

    [Fact]
    public async Task A_service_account_key_can_be_created_over_http_and_its_tokens_are_accepted()
    {
        var r = await _http.SendAsync(Control(HttpMethod.Post, "_emulator/service-account-keys", """{"clientEmail":"remote@emulator-project.iam.gserviceaccount.com"}"""));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.Equal("application/json", r.Content.Headers.ContentType!.MediaType);
        var json = await r.Content.ReadAsStringAsync();
        var key = JsonNode.Parse(json)!;
        Assert.Equal("service_account", (string)key["type"]!);
        Assert.Equal("remote@emulator-project.iam.gserviceaccount.com", (string)key["client_email"]!);
        Assert.Equal(_emu.TokenUri.ToString(), (string)key["token_uri"]!);

        var token = await VertexAI.Auth.GoogleCredentialTokenSource.FromJson(json).GetTokenAsync(default);
        Assert.NotEqual(_emu.DefaultToken, token);
        Assert.Equal(200, (int)(await ChatAsync(token)).StatusCode);

        // No body: the default account; the route is guarded like the others.
        var plain = await _http.SendAsync(Control(HttpMethod.Post, "_emulator/service-account-keys"));
        Assert.Equal("tester@emulator-project.iam.gserviceaccount.com", (string)JsonNode.Parse(await plain.Content.ReadAsStringAsync())!["client_email"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.SendAsync(Control(HttpMethod.Post, "_emulator/service-account-keys", token: "wrong"))).StatusCode);
    }

    [Fact]
    public async Task A_reply_delay_set_over_http_holds_every_chat_answer_back_until_it_is_set_to_zero()
    {
        Assert.Equal(HttpStatusCode.NoContent, (await _http.SendAsync(Control(HttpMethod.Put, "_emulator/settings", """{"replyDelayMs":700}"""))).StatusCode);
        Assert.Equal(TimeSpan.FromMilliseconds(700), _emu.ReplyDelay);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var r = await ChatAsync();
        watch.Stop();
        Assert.Equal(200, (int)r.StatusCode);
        // A lower bound only: the answer cannot come before the delay (however loaded the machine is).
        Assert.True(watch.ElapsedMilliseconds >= 690, $"answered after {watch.ElapsedMilliseconds} ms");
        Assert.Equal("Echo: hi", (string)JsonNode.Parse(await r.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"]!);

        // Bad values are refused and change nothing; the route is guarded like the others.
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.SendAsync(Control(HttpMethod.Put, "_emulator/settings", """{"replyDelayMs":-1}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.SendAsync(Control(HttpMethod.Put, "_emulator/settings", "not json"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.SendAsync(Control(HttpMethod.Put, "_emulator/settings", """{"replyDelayMs":0}""", token: "wrong"))).StatusCode);
        Assert.Equal(TimeSpan.FromMilliseconds(700), _emu.ReplyDelay);

        Assert.Equal(HttpStatusCode.NoContent, (await _http.SendAsync(Control(HttpMethod.Put, "_emulator/settings", """{"replyDelayMs":0}"""))).StatusCode);
        Assert.Equal(TimeSpan.Zero, _emu.ReplyDelay);
    }

    [Fact]
    public async Task The_log_is_readable_and_clearable_over_http_and_control_calls_are_not_logged()
    {
        (await ChatAsync()).EnsureSuccessStatusCode();
        var log = JsonNode.Parse(await (await _http.SendAsync(Control(HttpMethod.Get, "_emulator/requests"))).Content.ReadAsStringAsync())!.AsArray();
        var entry = Assert.Single(log)!;
        Assert.Equal("chat", (string)entry["kind"]!);
        Assert.Equal("/v1/projects/p/locations/global/endpoints/openapi/chat/completions", (string)entry["path"]!);
        Assert.Equal("global", (string)entry["location"]!);
        Assert.Contains("\"content\":\"hi\"", (string)entry["body"]!);
        Assert.Equal("Bearer " + _emu.DefaultToken, (string)entry["headers"]!["Authorization"]!);

        Assert.Equal(HttpStatusCode.NoContent, (await _http.SendAsync(Control(HttpMethod.Delete, "_emulator/requests"))).StatusCode);
        Assert.Empty(_emu.Requests);
    }

    [Fact]
    public async Task Scenarios_can_be_enqueued_over_http()
    {
        var r = await _http.SendAsync(Control(HttpMethod.Post, "_emulator/scenarios",
            """{"googleError":{"status":429,"googleStatus":"RESOURCE_EXHAUSTED","message":"slow down"},"headers":{"Retry-After":"1"},"count":2}"""));
        Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        Assert.Equal(2, _emu.Scenarios.Count);
        var first = await ChatAsync();
        Assert.Equal(429, (int)first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), first.Headers.RetryAfter!.Delta);
        Assert.Contains("slow down", await first.Content.ReadAsStringAsync());
        Assert.Equal(429, (int)(await ChatAsync()).StatusCode);
        Assert.Equal(200, (int)(await ChatAsync()).StatusCode);

        await _http.SendAsync(Control(HttpMethod.Post, "_emulator/scenarios", """{"status":503,"body":"{\"error\":{\"code\":503}}"}"""));
        Assert.Equal(503, (int)(await ChatAsync()).StatusCode);
    }

    [Fact]
    public async Task A_scenario_can_be_delayed_and_dropped_over_http()
    {
        await _http.SendAsync(Control(HttpMethod.Post, "_emulator/scenarios", "{\"delayMs\":400}"));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var delayed = await ChatAsync();
        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(380), $"answered after {sw.Elapsed}");
        Assert.Contains("\"content\":\"delayed\"", await delayed.Content.ReadAsStringAsync());

        await _http.SendAsync(Control(HttpMethod.Post, "_emulator/scenarios", "{\"drop\":true}"));
        await Assert.ThrowsAsync<HttpRequestException>(() => ChatAsync());
    }

    [Fact]
    public async Task Control_routes_need_the_default_token()
    {
        var r = await _http.SendAsync(Control(HttpMethod.Get, "_emulator/requests", token: "wrong"));
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
    }
}
