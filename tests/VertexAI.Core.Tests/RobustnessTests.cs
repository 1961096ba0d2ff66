using System.Text;
using VertexAI;
using VertexAI.Emulator;
using VertexAI.Streaming;
using Xunit;

namespace VertexAI.Core.Tests;

/// <summary>Hostile and broken answers end in clear errors, over real HTTP where the emulator can produce them.</summary>
public class RobustnessTests : ScriptedEmulatorTests
{
    private readonly EmulatorFixture _f;

    public RobustnessTests(EmulatorFixture f) : base(f) => _f = f;

    [Fact]
    public async Task An_event_over_the_size_limit_is_refused_while_it_arrives()
    {
        var huge = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + new string('x', ChunkStreamReader.MaxEventBytes + 1024);
        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(SseStep.Raw(huge)));
        var ex = await Assert.ThrowsAsync<GeminiStreamException>(() => _f.Client().StreamAsync(EmulatorFixture.UserPrompt("x"), _ => { }));
        Assert.Contains("16 MiB limit", ex.Message);
        Assert.Equal(0, ex.ChunksReceived);
    }

    [Fact]
    public async Task Invalid_utf8_in_an_event_is_reported_as_invalid_json()
    {
        var bytes = Encoding.ASCII.GetBytes("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
            .Concat(new byte[] { 0xFF, 0xFE, 0xC3 })
            .Concat(Encoding.ASCII.GetBytes("\"}}]}\n\ndata: [DONE]\n\n")).ToArray();
        var ex = await Assert.ThrowsAsync<GeminiStreamException>(async () =>
        {
            await foreach (var _ in ChunkStreamReader.ReadAsync(new MemoryStream(bytes), null, TimeSpan.FromSeconds(5))) { }
        });
        Assert.Contains("not valid JSON", ex.Message);
    }

    [Fact]
    public async Task The_stream_reader_alone_only_parses_and_counts_what_it_yielded()
    {
        // No accumulator behind the reader: its failure says how many chunks came, and the partial message stays with
        // whoever folds them (the client's stream path adds it; see StreamingTests).
        var bytes = Encoding.UTF8.GetBytes("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n"
            + "data: {\"choices\":[{\"index\":1,\"delta\":{\"content\":\"b\"},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        var texts = new List<string?>();
        await foreach (var chunk in ChunkStreamReader.ReadAsync(new MemoryStream(bytes), null, TimeSpan.FromSeconds(5))) texts.Add(chunk.Text);
        // Both choices finished, so the missing [DONE] is no error.
        Assert.Equal(new[] { "a", "b", null }, texts);

        var unfinished = bytes.Take(bytes.Length - "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n".Length).ToArray();
        var ex = await Assert.ThrowsAsync<GeminiStreamException>(async () =>
        {
            await foreach (var _ in ChunkStreamReader.ReadAsync(new MemoryStream(unfinished), "req-1", TimeSpan.FromSeconds(5))) { }
        });
        Assert.Equal("The stream ended before [DONE] after 2 chunk(s). (request id req-1)", ex.Message);
        Assert.Equal(2, ex.ChunksReceived);
        Assert.Null(ex.PartialCompletion);
        Assert.True(ex.IsConnectionFailure);
    }

    [Fact]
    public async Task The_size_limit_counts_each_event_not_the_whole_stream()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < 50; i++) sb.Append("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"").Append(new string('y', 900)).Append("\"}}]}\n\n");
        sb.Append("data: [DONE]\n\n");
        var chunks = 0;
        await foreach (var _ in ChunkStreamReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(sb.ToString())), null, TimeSpan.FromSeconds(5), default, maxEventBytes: 1000))
        {
            chunks++;
        }
        Assert.Equal(50, chunks);

        var ex = await Assert.ThrowsAsync<GeminiStreamException>(async () =>
        {
            await foreach (var _ in ChunkStreamReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(sb.ToString())), null, TimeSpan.FromSeconds(5), default, maxEventBytes: 500)) { }
        });
        Assert.Contains("500-byte limit", ex.Message);
    }

    [Fact]
    public async Task An_html_page_instead_of_json_is_described()
    {
        var html = "<!DOCTYPE html><html><head><title>Error 502 (Server Error)!!1</title></head><body>" + new string('z', 3000) + "</body></html>";
        _f.Emulator.Scenarios.Enqueue(Scenario.Respond(200, html, new Dictionary<string, string> { ["Content-Type"] = "text/html; charset=UTF-8" }));
        var ok = await Assert.ThrowsAsync<GeminiApiException>(() => _f.Client().CompleteAsync(EmulatorFixture.UserPrompt("x")));
        Assert.Contains("HTML page", ok.Message);
        Assert.Contains("Error 502 (Server Error)!!1", ok.Message);

        _f.Emulator.Scenarios.Enqueue(Scenario.Respond(502, html, new Dictionary<string, string> { ["Content-Type"] = "text/html" }));
        var bad = await Assert.ThrowsAsync<GeminiApiException>(() => _f.Client(retry: RetryPolicy.None).CompleteAsync(EmulatorFixture.UserPrompt("x")));
        Assert.Equal(502, bad.HttpStatus);
        Assert.Contains("HTML page", bad.Message);
        Assert.True(bad.Message.Length < 400);

        _f.Emulator.Scenarios.Enqueue(Scenario.Respond(200, html, new Dictionary<string, string> { ["Content-Type"] = "text/html" }));
        var stream = await Assert.ThrowsAsync<GeminiApiException>(() => _f.Client().StreamAsync(EmulatorFixture.UserPrompt("x"), _ => { }));
        Assert.Contains("expected an event stream", stream.Message);
    }

    [Fact]
    public async Task Retry_after_as_an_http_date_is_honoured()
    {
        var at = DateTimeOffset.UtcNow.AddSeconds(2).ToString("r");
        _f.Emulator.Scenarios.Enqueue(Scenario.GoogleError(429, "RESOURCE_EXHAUSTED", "wait", headers: new Dictionary<string, string> { ["Retry-After"] = at }));
        _f.Emulator.ClearLog();
        var c = await _f.Client().CompleteAsync(EmulatorFixture.UserPrompt("dated"));
        Assert.Equal("Echo: dated", c.Content);
        var r = _f.Emulator.ChatRequests;
        Assert.Equal(2, r.Count);
        // An HTTP date has one-second resolution: the wait is between 1 and 2 s.
        Assert.True(r[1].ReceivedAt - r[0].ReceivedAt >= TimeSpan.FromMilliseconds(900), $"gap {r[1].ReceivedAt - r[0].ReceivedAt}");
    }

    [Fact]
    public async Task Retry_after_ms_is_honoured()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.GoogleError(503, "UNAVAILABLE", "busy", headers: new Dictionary<string, string> { ["retry-after-ms"] = "400" }));
        _f.Emulator.ClearLog();
        await _f.Client().CompleteAsync(EmulatorFixture.UserPrompt("ms"));
        var r = _f.Emulator.ChatRequests;
        Assert.Equal(2, r.Count);
        Assert.True(r[1].ReceivedAt - r[0].ReceivedAt >= TimeSpan.FromMilliseconds(380), $"gap {r[1].ReceivedAt - r[0].ReceivedAt}");
    }

    [Fact]
    public async Task A_stream_is_retried_when_it_fails_before_it_starts()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.GoogleError(503, "UNAVAILABLE", "warming up"), Scenario.DropConnection());
        _f.Emulator.ClearLog();
        var completion = await _f.Client().StreamAsync(EmulatorFixture.UserPrompt("eventually"), _ => { });
        Assert.Equal("Echo: eventually", completion.Content);
        Assert.Equal(3, _f.Emulator.ChatRequests.Count);
    }
}
