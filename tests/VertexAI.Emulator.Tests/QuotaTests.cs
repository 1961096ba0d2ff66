using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Emulator.Tests;

/// <summary>The token-bucket quota (429 RESOURCE_EXHAUSTED above R requests/s) and the in-flight gauge.</summary>
public sealed class QuotaTests : EmulatorTestBase
{
    private HttpRequestMessage Control(HttpMethod method, string path, string? json = null)
    {
        var m = new HttpRequestMessage(method, path);
        m.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Emulator.DefaultToken);
        if (json is not null) m.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return m;
    }

    // The 429 Vertex sends: a one-element array holding Google's error object.
    private static async Task AssertArrayShaped429Async(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(429 == (int)response.StatusCode, text);
        var array = Assert.IsType<JsonArray>(JsonNode.Parse(text));
        var error = Assert.Single(array)!["error"]!;
        Assert.Equal(429, (int)error["code"]!);
        Assert.Equal("RESOURCE_EXHAUSTED", (string)error["status"]!);
        Assert.StartsWith("Resource exhausted, please try again later.", (string)error["message"]!);
    }

    [Fact]
    public async Task A_full_bucket_admits_its_burst_then_answers_429_in_Googles_array_shape_without_Retry_After()
    {
        // 0.01 tokens/s: nothing refills during the test, so exactly the burst is admitted.
        Emulator.Quota = new TokenBucketQuota(0.01, burst: 3);
        for (var i = 0; i < 3; i++)
        {
            using var ok = await PostChatAsync(UserRequest("hi " + i));
            Assert.Equal(200, (int)ok.StatusCode);
        }

        using var throttled = await PostChatAsync(UserRequest("one too many"));
        await AssertArrayShaped429Async(throttled);
        Assert.False(throttled.Headers.Contains("Retry-After"));
        Assert.Equal(3, Emulator.Quota.Admitted);
        Assert.Equal(1, Emulator.Quota.Throttled);
        Assert.Equal([200, 200, 200, 429], Emulator.ChatRequests.Select(r => r.ResponseStatus));
    }

    [Fact]
    public async Task With_Retry_After_the_429_says_in_whole_seconds_when_the_next_token_comes()
    {
        // 0.1 tokens/s and an empty bucket after one request: the next token is ~10 s away (9 if a second passed).
        Emulator.Quota = new TokenBucketQuota(0.1, burst: 1, sendRetryAfter: true);
        using (var ok = await PostChatAsync(UserRequest("first")))
        {
            Assert.Equal(200, (int)ok.StatusCode);
        }

        using var throttled = await PostChatAsync(UserRequest("second"));
        await AssertArrayShaped429Async(throttled);
        var seconds = throttled.Headers.RetryAfter?.Delta?.TotalSeconds;
        Assert.NotNull(seconds);
        Assert.InRange(seconds!.Value, 8, 10);
        Assert.Equal(Math.Floor(seconds.Value), seconds.Value);
    }

    [Fact]
    public async Task The_bucket_refills_at_its_rate()
    {
        // 5/s, burst 1: the first request empties it; after 0.5 s (2.5 tokens' time) one more is admitted.
        Emulator.Quota = new TokenBucketQuota(5, burst: 1);
        using (var first = await PostChatAsync(UserRequest("a"))) Assert.Equal(200, (int)first.StatusCode);
        await Task.Delay(500);
        using (var later = await PostChatAsync(UserRequest("b"))) Assert.Equal(200, (int)later.StatusCode);
        Assert.Equal(2, Emulator.Quota.Admitted);
    }

    [Fact]
    public async Task The_quota_is_set_read_and_removed_over_the_control_routes()
    {
        using (var set = await Http.SendAsync(Control(HttpMethod.Post, "_emulator/quota", """{"ratePerSecond":0.01,"burst":1,"retryAfter":true,"latencyMs":5}""")))
        {
            Assert.Equal(204, (int)set.StatusCode);
        }

        using (var ok = await PostChatAsync(UserRequest("a"))) Assert.Equal(200, (int)ok.StatusCode);
        using (var no = await PostChatAsync(UserRequest("b")))
        {
            await AssertArrayShaped429Async(no);
            Assert.True(no.Headers.Contains("Retry-After"));
        }

        var described = JsonNode.Parse(await (await Http.SendAsync(Control(HttpMethod.Get, "_emulator/quota"))).Content.ReadAsStringAsync())!;
        Assert.Equal(0.01, (double)described["ratePerSecond"]!);
        Assert.Equal(1, (double)described["burst"]!);
        Assert.True((bool)described["retryAfter"]!);
        Assert.Equal(5, (double)described["latencyMs"]!);
        Assert.Equal(1, (long)described["admitted"]!);
        Assert.Equal(1, (long)described["throttled"]!);

        using (var bad = await Http.SendAsync(Control(HttpMethod.Post, "_emulator/quota", """{"ratePerSecond":0}""")))
        {
            Assert.Equal(400, (int)bad.StatusCode);
        }

        using (var off = await Http.SendAsync(Control(HttpMethod.Delete, "_emulator/quota"))) Assert.Equal(204, (int)off.StatusCode);
        Assert.Null(Emulator.Quota);
        Assert.Equal("null", await (await Http.SendAsync(Control(HttpMethod.Get, "_emulator/quota"))).Content.ReadAsStringAsync());
        using (var free = await PostChatAsync(UserRequest("c"))) Assert.Equal(200, (int)free.StatusCode);
    }

    [Fact]
    public async Task The_stats_route_reports_the_most_chat_requests_answered_at_once()
    {
        // Each admitted request takes 400 ms, so three sent together overlap.
        Emulator.Quota = new TokenBucketQuota(1000, latency: TimeSpan.FromMilliseconds(400));
        var three = Enumerable.Range(0, 3).Select(i => PostChatAsync(UserRequest("x" + i))).ToArray();
        foreach (var r in await Task.WhenAll(three)) Assert.Equal(200, (int)r.StatusCode);
        using (var one = await PostChatAsync(UserRequest("alone"))) Assert.Equal(200, (int)one.StatusCode);

        var stats = JsonNode.Parse(await (await Http.SendAsync(Control(HttpMethod.Get, "_emulator/stats"))).Content.ReadAsStringAsync())!;
        Assert.Equal(3, (int)stats["maxChatInFlight"]!);
        Assert.Equal(0, (int)stats["chatInFlight"]!);

        using (var reset = await Http.SendAsync(Control(HttpMethod.Delete, "_emulator/stats"))) Assert.Equal(204, (int)reset.StatusCode);
        Assert.Equal(0, Emulator.MaxChatRequestsInFlight);
        using (var again = await PostChatAsync(UserRequest("again"))) Assert.Equal(200, (int)again.StatusCode);
        Assert.Equal(1, Emulator.MaxChatRequestsInFlight);
    }

    [Fact]
    public async Task The_command_line_sets_a_quota_from_the_start()
    {
        var dll = typeof(VertexEmulator).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--quota-rate", "0.01", "--quota-burst", "1", "--quota-retry-after", "--quota-latency-ms", "1" },
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        try
        {
            var urlLine = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var tokenLine = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5));
            using var http = new HttpClient { BaseAddress = new Uri(urlLine!["VERTEX_EMULATOR_URL=".Length..]) };
            HttpRequestMessage Chat()
            {
                var m = ChatMessage(UserRequest("hi").ToJsonString());
                m.Headers.Authorization = new("Bearer", tokenLine!["VERTEX_EMULATOR_TOKEN=".Length..]);
                return m;
            }

            using (var ok = await http.SendAsync(Chat())) Assert.Equal(200, (int)ok.StatusCode);
            using var throttled = await http.SendAsync(Chat());
            await AssertArrayShaped429Async(throttled);
            Assert.True(throttled.Headers.Contains("Retry-After"));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task The_command_line_refuses_quota_settings_without_a_rate()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { typeof(VertexEmulator).Assembly.Location, "--quota-burst", "5" },
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("need --quota-rate", error);
    }
}
