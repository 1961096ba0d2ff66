using VertexAI;
using VertexAI.Batch;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Core.Tests.Batch;

/// <summary>Usage summed per model and overall, from live completions, failures and journal records.</summary>
public sealed class UsageMeterTests : ScriptedEmulatorTests, IDisposable
{
    private readonly EmulatorFixture _f;
    private readonly string _path = Path.Combine(Path.GetTempPath(), "usagemeter-" + Guid.NewGuid().ToString("N") + ".jsonl");

    public UsageMeterTests(EmulatorFixture f) : base(f) => _f = f;

    public void Dispose() => File.Delete(_path);

    private const string Cached =
        """{"id":"u1","object":"chat.completion","created":1,"model":"google/gemini-2.5-pro","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"ok"}}],"usage":{"prompt_tokens":100,"completion_tokens":20,"total_tokens":150,"completion_tokens_details":{"reasoning_tokens":30},"prompt_tokens_details":{"cached_tokens":64}}}""";

    private const string NoUsage =
        """{"id":"u2","object":"chat.completion","created":1,"model":"google/gemini-2.5-pro","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"ok"}}]}""";

    [Fact]
    public async Task Completions_and_failures_add_up_per_model_sorted_by_name_then_overall()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.Respond(200, Cached));
        _f.Emulator.Scenarios.Enqueue(Scenario.Respond(200, NoUsage));
        var client = _f.Client(retry: new RetryPolicy { MaxRetries = 0 });
        var meter = new UsageMeter();
        meter.Add(await client.CompleteAsync(EmulatorFixture.UserPrompt("a")));
        meter.Add(await client.CompleteAsync(EmulatorFixture.UserPrompt("b")));
        // The emulator's own answer: "one two" is 2 prompt tokens, "Echo: one two" 3 completion tokens, 5 in all.
        meter.Add(await client.CompleteAsync(EmulatorFixture.UserPrompt("one two")));
        _f.Emulator.Scenarios.Enqueue(Scenario.GoogleError(429, "RESOURCE_EXHAUSTED", "quota"));
        var failure = await Assert.ThrowsAsync<GeminiApiException>(() => client.CompleteAsync(EmulatorFixture.UserPrompt("c")));
        meter.AddFailure(failure);
        meter.AddFailure(null, "Gemini.ConnectionFailure");

        var s = meter.Summaries();
        Assert.Equal(new[] { "(unknown)", "google/gemini-2.0-flash-001", "google/gemini-2.5-pro", "(all)" }, s.Select(x => x.Model).ToArray());
        Assert.Equal(new[] { false, false, false, true }, s.Select(x => x.IsOverall).ToArray());

        var flash = s[1];
        Assert.Equal((2, 1, 1), (flash.Requests, flash.Succeeded, flash.Failed));
        Assert.Equal((2L, 3L, 0L, 0L, 5L), (flash.PromptTokens, flash.CompletionTokens, flash.ReasoningTokens, flash.CachedTokens, flash.TotalTokens));
        Assert.Equal(1, flash.Errors["Gemini.RESOURCE_EXHAUSTED"]);

        var pro = s[2];
        Assert.Equal((2, 2, 0, 1), (pro.Requests, pro.Succeeded, pro.Failed, pro.WithoutUsage));
        Assert.Equal((100L, 20L, 30L, 64L, 150L), (pro.PromptTokens, pro.CompletionTokens, pro.ReasoningTokens, pro.CachedTokens, pro.TotalTokens));

        var all = s[3];
        Assert.Equal((5, 3, 2), (all.Requests, all.Succeeded, all.Failed));
        Assert.Equal((102L, 23L, 30L, 64L, 155L), (all.PromptTokens, all.CompletionTokens, all.ReasoningTokens, all.CachedTokens, all.TotalTokens));
        Assert.Equal(new[] { "Gemini.ConnectionFailure", "Gemini.RESOURCE_EXHAUSTED" }, all.Errors.Keys.ToArray());
    }

    [Fact]
    public async Task A_failed_stream_names_its_model_so_it_is_counted_under_it()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.GoogleError(429, "RESOURCE_EXHAUSTED", "quota"));
        var client = _f.Client(model: "gemini-2.5-pro", retry: new RetryPolicy { MaxRetries = 0 });
        var failure = await Assert.ThrowsAsync<GeminiApiException>(async () =>
        {
            await foreach (var _ in client.StreamChunksAsync(EmulatorFixture.UserPrompt("s"))) { }
        });
        Assert.Equal("google/gemini-2.5-pro", failure.Model);
        var meter = new UsageMeter();
        meter.AddFailure(failure);
        Assert.Equal(new[] { "google/gemini-2.5-pro", "(all)" }, meter.Summaries().Select(x => x.Model).ToArray());
    }

    [Fact]
    public async Task Journal_records_count_like_the_live_outcomes_they_store()
    {
        var client = _f.Client(retry: new RetryPolicy { MaxRetries = 0 });
        var live = new UsageMeter();
        using (var journal = RunJournal.Open(_path))
        {
            foreach (var prompt in new[] { "alpha", "beta gamma", "fails" })
            {
                if (prompt == "fails") _f.Emulator.Scenarios.Enqueue(Scenario.GoogleError(503, "UNAVAILABLE", "overloaded"));
                var prepared = client.Prepare(EmulatorFixture.UserPrompt(prompt));
                var entry = journal.Claim(prepared.Key, prompt, prepared.Model);
                try
                {
                    live.Add(await ChatCalls.CompleteAsync(client, prepared, journal, entry));
                }
                catch (GeminiApiException ex)
                {
                    live.AddFailure(ex);
                }
            }
        }
        var fromJournal = new UsageMeter();
        foreach (var record in RunJournal.ReadRecords(_path)) fromJournal.Add(record);

        var a = live.Summaries()[^1];
        var b = fromJournal.Summaries()[^1];
        Assert.Equal((3, 2, 1), (b.Requests, b.Succeeded, b.Failed));
        Assert.Equal((a.Requests, a.Failed, a.PromptTokens, a.CompletionTokens, a.TotalTokens), (b.Requests, b.Failed, b.PromptTokens, b.CompletionTokens, b.TotalTokens));
        // alpha: 1 + 2 = 3; beta gamma: 2 + 3 = 5.
        Assert.Equal(8L, b.TotalTokens);
        Assert.Equal(1, b.Errors["Gemini.UNAVAILABLE"]);
        Assert.Equal(new[] { "google/gemini-2.0-flash-001", "(all)" }, fromJournal.Summaries().Select(x => x.Model).ToArray());
    }
}
