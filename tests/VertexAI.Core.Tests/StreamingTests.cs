using VertexAI;
using VertexAI.Auth;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Core.Tests;

public class StreamingTests : ScriptedEmulatorTests
{
    private readonly EmulatorFixture _f;

    public StreamingTests(EmulatorFixture f) : base(f) => _f = f;

    private static string ChunkJson(string text, string? finish = null)
        => "{\"id\":\"s1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"google/gemini-2.0-flash-001\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\""
           + text + "\"}" + (finish is null ? "" : ",\"finish_reason\":\"" + finish + "\"") + "}]}";

    [Fact]
    public async Task The_first_chunk_arrives_before_the_server_sends_the_second()
    {
        var firstSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(
            SseStep.Data(ChunkJson("first ")), SseStep.Signal(firstSent),
            SseStep.WaitFor(gate.Task),
            SseStep.Data(ChunkJson("second", "stop")), SseStep.Signal(secondSent), SseStep.Done()));

        var client = _f.Client();
        await using var e = client.StreamChunksAsync(EmulatorFixture.UserPrompt("go")).GetAsyncEnumerator();
        var move = e.MoveNextAsync().AsTask();
        // A client that buffered the body would wait here for the gate, which only this test opens.
        var winner = await Task.WhenAny(move, Task.Delay(TimeSpan.FromSeconds(15)));
        Assert.Same(move, winner);
        Assert.True(await move);
        Assert.Equal("first ", e.Current.Text);
        Assert.False(secondSent.Task.IsCompleted, "the second event must not have been sent yet");

        gate.SetResult();
        Assert.True(await e.MoveNextAsync());
        Assert.Equal("second", e.Current.Text);
        Assert.False(await e.MoveNextAsync());
        Assert.True(secondSent.Task.IsCompleted);
    }

    [Fact]
    public async Task Deterministic_echo_streams_word_by_word_and_assembles()
    {
        var chunks = new List<ChatCompletionChunk>();
        var completion = await _f.Client().StreamAsync(EmulatorFixture.UserPrompt("tell me three words"), chunks.Add);
        Assert.True(chunks.Count >= 3);
        Assert.Equal("Echo: tell me three words", string.Concat(chunks.Select(c => c.Text)));
        Assert.Equal("Echo: tell me three words", completion.Content);
        Assert.Equal("stop", completion.FinishReason);
        Assert.NotNull(completion.Usage);
        Assert.Equal("assistant", completion.Message!.Role);
    }

    [Fact]
    public async Task An_error_object_mid_stream_becomes_a_stream_exception_with_the_partial_text()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(
            SseStep.Data(ChunkJson("partial ")),
            SseStep.Data("""{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}""")));
        var chunks = new List<ChatCompletionChunk>();
        var ex = await Assert.ThrowsAsync<GeminiStreamException>(() => _f.Client().StreamAsync(EmulatorFixture.UserPrompt("x"), chunks.Add));
        Assert.Single(chunks);
        Assert.Equal(503, ex.HttpStatus);
        Assert.Equal("UNAVAILABLE", ex.Status);
        Assert.Equal("The model is overloaded.", ex.ErrorMessage);
        Assert.Equal(1, ex.ChunksReceived);
        Assert.Equal("partial ", ex.PartialCompletion!.Content);
    }

    [Fact]
    public async Task An_error_array_mid_stream_is_read_too()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(
            SseStep.Data("""[{"error":{"code":429,"message":"Resource exhausted, please try again later.","status":"RESOURCE_EXHAUSTED"}}]""")));
        var ex = await Assert.ThrowsAsync<GeminiStreamException>(() => _f.Client(retry: RetryPolicy.None).StreamAsync(EmulatorFixture.UserPrompt("x"), _ => { }));
        Assert.Equal(429, ex.HttpStatus);
        Assert.Equal("RESOURCE_EXHAUSTED", ex.Status);
        Assert.Equal(0, ex.ChunksReceived);
        Assert.Null(ex.PartialCompletion);
    }

    [Fact]
    public async Task A_stream_cut_before_done_is_reported_with_what_arrived()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(SseStep.Data(ChunkJson("one ")), SseStep.Data(ChunkJson("two ")), SseStep.Abort()));
        var ex = await Assert.ThrowsAsync<GeminiStreamException>(() => _f.Client().StreamAsync(EmulatorFixture.UserPrompt("x"), _ => { }));
        Assert.Equal(2, ex.ChunksReceived);
        Assert.Equal("one two ", ex.PartialCompletion!.Content);
        Assert.Contains("2 chunk", ex.Message);
    }

    [Fact]
    public async Task A_broken_stream_says_where_it_broke_in_its_message()
    {
        // Pins the wording: how many chunks and how much text arrived, and that the partial message is kept.
        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(SseStep.Data(ChunkJson("one ")), SseStep.Data(ChunkJson("two"))));
        var cut = await Assert.ThrowsAsync<GeminiStreamException>(() => _f.Client().StreamAsync(EmulatorFixture.UserPrompt("x"), _ => { }));
        Assert.StartsWith("The stream ended before [DONE] after 2 chunk(s) (7 characters of text); the partial message is kept on the error.", cut.Message);

        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(
            SseStep.Data(ChunkJson("partial ")),
            SseStep.Data("""{"error":{"code":400,"message":"Bad turn.","status":"INVALID_ARGUMENT"}}""")));
        var error = await Assert.ThrowsAsync<GeminiStreamException>(() => _f.Client().StreamAsync(EmulatorFixture.UserPrompt("x"), _ => { }));
        Assert.StartsWith("Vertex AI returned 400 INVALID_ARGUMENT: Bad turn.", error.Message);
        Assert.EndsWith(" after 1 chunk(s) (8 characters of text); the partial message is kept on the error.", error.Message);

        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(SseStep.Raw("data: {\"choices\": [tru\n\n")));
        var early = await Assert.ThrowsAsync<GeminiStreamException>(() => _f.Client().StreamAsync(EmulatorFixture.UserPrompt("x"), _ => { }));
        Assert.Contains("{\"choices\": [tru before any chunk arrived.", early.Message);
        Assert.Null(early.PartialCompletion);
    }

    [Fact]
    public async Task A_clean_end_without_done_is_an_error_unless_every_choice_finished()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(SseStep.Data(ChunkJson("one "))));
        var ex = await Assert.ThrowsAsync<GeminiStreamException>(() => _f.Client().StreamAsync(EmulatorFixture.UserPrompt("x"), _ => { }));
        Assert.Contains("[DONE]", ex.Message);

        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(SseStep.Data(ChunkJson("all", "stop"))));
        var done = await _f.Client().StreamAsync(EmulatorFixture.UserPrompt("x"), _ => { });
        Assert.Equal("all", done.Content);
    }

    [Fact]
    public async Task A_malformed_event_names_the_problem_and_keeps_the_partial()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(SseStep.Data(ChunkJson("ok ")), SseStep.Raw("data: {\"choices\": [tru\n\n"), SseStep.Done()));
        var ex = await Assert.ThrowsAsync<GeminiStreamException>(() => _f.Client().StreamAsync(EmulatorFixture.UserPrompt("x"), _ => { }));
        Assert.Contains("not valid JSON", ex.Message);
        Assert.Contains("{\"choices\": [tru", ex.Message);
        Assert.Equal("ok ", ex.PartialCompletion!.Content);
    }

    [Fact]
    public async Task Comments_crlf_framing_and_multi_line_data_are_handled_by_the_sse_parser()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(
            SseStep.Raw(": keep-alive\r\n\r\n"),
            SseStep.Raw("data: " + ChunkJson("a") + "\r\n\r\n"),
            SseStep.Raw("data: {\"choices\":[{\"index\":0,\n" + "data: \"delta\":{\"content\":\"b\"},\"finish_reason\":\"stop\"}]}\n\n"),
            SseStep.Done()));
        var completion = await _f.Client().StreamAsync(EmulatorFixture.UserPrompt("x"), _ => { });
        Assert.Equal("ab", completion.Content);
    }

    [Fact]
    public async Task A_stalled_stream_ends_with_a_clear_error_after_the_idle_timeout()
    {
        var never = new TaskCompletionSource();
        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(SseStep.Data(ChunkJson("a")), SseStep.WaitFor(never.Task)));
        var client = _f.Client(idleTimeout: TimeSpan.FromMilliseconds(300));
        var ex = await Assert.ThrowsAsync<GeminiStreamException>(() => client.StreamAsync(EmulatorFixture.UserPrompt("x"), _ => { }));
        Assert.Contains("went silent", ex.Message);
        Assert.True(ex.IsTimeout);
        Assert.Equal(1, ex.ChunksReceived);
    }

    [Fact]
    public async Task Without_an_idle_limit_the_timeout_bounds_the_silence_after_the_first_chunk()
    {
        var never = new TaskCompletionSource();
        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(SseStep.Data(ChunkJson("a")), SseStep.WaitFor(never.Task)));
        var client = _f.Client(retry: RetryPolicy.None, timeout: TimeSpan.FromSeconds(1));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<GeminiStreamException>(() => client.StreamAsync(EmulatorFixture.UserPrompt("x"), _ => { }));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"the silent stream was given up after {sw.Elapsed}");
        Assert.True(ex.IsTimeout);
        Assert.Contains("no event for 1 s", ex.Message);
        Assert.Equal("a", ex.PartialCompletion?.Content);
    }

    [Fact]
    public async Task A_stream_that_keeps_sending_may_run_longer_than_the_timeout()
    {
        // 8 gaps of 300 ms: the stream outlasts the 2 s limit, while each silence stays far inside it (a loaded CI machine
        // must not turn a gap into a timeout).
        var steps = new List<SseStep>();
        for (var i = 0; i < 8; i++)
        {
            steps.Add(SseStep.Data(ChunkJson(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            steps.Add(SseStep.Delay(TimeSpan.FromMilliseconds(300)));
        }
        steps.Add(SseStep.Data("""{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"""));
        steps.Add(SseStep.Done());
        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(steps));
        var client = _f.Client(retry: RetryPolicy.None, timeout: TimeSpan.FromSeconds(2));
        var completion = await client.StreamAsync(EmulatorFixture.UserPrompt("x"), _ => { });
        Assert.Equal("01234567", completion.Content);
    }

    [Fact]
    public async Task Cancelling_stops_a_waiting_stream_at_once()
    {
        var never = new TaskCompletionSource();
        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(SseStep.Data(ChunkJson("a")), SseStep.WaitFor(never.Task)));
        using var cts = new CancellationTokenSource();
        var got = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = _f.Client().StreamAsync(EmulatorFixture.UserPrompt("x"), _ => got.TrySetResult(), cts.Token);
        await got.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"cancellation took {sw.Elapsed}");
    }

    [Fact]
    public async Task A_stream_that_fails_before_its_first_chunk_is_retried_and_nothing_is_duplicated()
    {
        _f.Emulator.Scenarios.Enqueue(
            Scenario.Stream(SseStep.Data("""{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}""")),
            Scenario.Stream(SseStep.Abort()),
            Scenario.Stream(SseStep.Data(ChunkJson("only ")), SseStep.Data(ChunkJson("once", "stop")), SseStep.Done()));
        _f.Emulator.ClearLog();
        var log = new ListLog();
        var chunks = new List<ChatCompletionChunk>();
        var completion = await _f.Client(log: log).StreamAsync(EmulatorFixture.UserPrompt("x"), chunks.Add);
        Assert.Equal("only once", completion.Content);
        Assert.Equal(2, chunks.Count);
        Assert.Equal(3, _f.Emulator.ChatRequests.Count);
        Assert.Contains(log.Lines, l => l.Contains("Retry 1 of 3") && l.Contains("before its first chunk") && l.Contains("overloaded"));
        Assert.Contains(log.Lines, l => l.Contains("Retry 2 of 3") && l.Contains("before its first chunk"));
    }

    [Fact]
    public async Task A_stream_that_fails_after_a_chunk_reached_the_caller_is_not_retried()
    {
        _f.Emulator.Scenarios.Enqueue(
            Scenario.Stream(SseStep.Data(ChunkJson("seen ")), SseStep.Data("""{"error":{"code":503,"message":"overloaded","status":"UNAVAILABLE"}}""")));
        _f.Emulator.ClearLog();
        var chunks = new List<ChatCompletionChunk>();
        var ex = await Assert.ThrowsAsync<GeminiStreamException>(() => _f.Client().StreamAsync(EmulatorFixture.UserPrompt("x"), chunks.Add));
        Assert.Single(chunks);
        Assert.Single(_f.Emulator.ChatRequests);
        Assert.True(ex.IsTransient);
        Assert.Equal("seen ", ex.PartialCompletion!.Content);
        Assert.Contains("after 1 chunk", ex.Message);
    }

    [Fact]
    public async Task A_malformed_first_event_is_not_retried()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(SseStep.Raw("data: {not json\n\n")));
        _f.Emulator.ClearLog();
        var ex = await Assert.ThrowsAsync<GeminiStreamException>(() => _f.Client().StreamAsync(EmulatorFixture.UserPrompt("x"), _ => { }));
        Assert.False(ex.IsTransient);
        Assert.Single(_f.Emulator.ChatRequests);
    }

    // A body like .NET Framework's: a pending read ignores its cancellation token and ends only when the stream is disposed.
    private sealed class TokenIgnoringStream : Stream
    {
        private readonly byte[] _first;
        private readonly TaskCompletionSource<int> _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;

        public TokenIgnoringStream(string firstEvents) => _first = System.Text.Encoding.UTF8.GetBytes(firstEvents);

        public bool WasDisposed => _disposed.Task.IsCompleted;

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position < _first.Length)
            {
                var n = Math.Min(buffer.Length, _first.Length - _position);
                _first.AsMemory(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }
            await _disposed.Task.ConfigureAwait(false);
            throw new ObjectDisposedException(nameof(TokenIgnoringStream));
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        protected override void Dispose(bool disposing)
        {
            _disposed.TrySetResult(0);
            base.Dispose(disposing);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class OneBodyHandler(Stream body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new StreamContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/event-stream");
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = content });
        }
    }

    private static GeminiClient ClientOver(Stream body, TimeSpan idle) => new(new GeminiClientOptions
    {
        Endpoint = VertexEndpoint.Resolve(new EndpointSettings { Project = "p", Location = "us-central1", Model = "gemini-2.0-flash-001", BaseUri = new Uri("http://127.0.0.1:9/") }, _ => null),
        TokenSource = new StaticTokenSource("ya29.token-of-the-idle-tests"),
        HttpClient = new HttpClient(new OneBodyHandler(body)),
        Retry = RetryPolicy.None,
        StreamIdleTimeout = idle,
    });

    [Fact]
    public async Task The_idle_limit_fires_even_when_a_pending_read_ignores_its_token()
    {
        var body = new TokenIgnoringStream("data: " + ChunkJson("a") + "\n\n");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var run = ClientOver(body, TimeSpan.FromMilliseconds(300)).StreamAsync(EmulatorFixture.UserPrompt("x"), _ => { });
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(5)));
        Assert.True(finished == run, $"still reading after {sw.Elapsed} with a 300 ms idle limit");
        var ex = await Assert.ThrowsAsync<GeminiStreamException>(() => run);
        Assert.True(ex.IsTimeout);
        Assert.Contains("went silent", ex.Message);
        Assert.Equal("a", ex.PartialCompletion?.Content);
        Assert.True(body.WasDisposed);
    }

    [Fact]
    public async Task Ctrl_C_ends_a_stream_even_when_a_pending_read_ignores_its_token()
    {
        var body = new TokenIgnoringStream("data: " + ChunkJson("a") + "\n\n");
        using var cts = new CancellationTokenSource();
        var run = ClientOver(body, TimeSpan.FromMinutes(5)).StreamAsync(EmulatorFixture.UserPrompt("x"), _ => cts.CancelAfter(200), cts.Token);
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(5)));
        Assert.True(finished == run, "still reading 5 s after Ctrl+C");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(body.WasDisposed);
    }
}
