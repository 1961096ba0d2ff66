using VertexAI;
using VertexAI.Batch;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Core.Tests.Batch;

/// <summary>
/// A batch whose workers share a <see cref="QuotaGovernor"/> (GeminiClient.ForBatch), against the emulator's token-bucket
/// quota over real HTTP, with the default retry policy (3 retries, backoff from 1 s). No timing is asserted: what must
/// hold is that nothing is lost, the order is kept, the quota did push back, and the limit was never exceeded.
/// </summary>
public class QuotaBatchTests : ScriptedEmulatorTests
{
    private readonly EmulatorFixture _f;

    public QuotaBatchTests(EmulatorFixture f) : base(f) => _f = f;

    private async Task<(List<BatchItemResult<ChatCompletion>> Results, GeminiClient Client)> RunAsync(int inputs, int limit, ListLog log)
    {
        var client = _f.Client(retry: new RetryPolicy(), log: log).ForBatch(limit);
        var results = new List<BatchItemResult<ChatCompletion>>();
        var batch = new OrderedBatch<ChatCompletion>(limit, results.Add);
        for (var i = 0; i < inputs; i++)
        {
            var prompt = "input " + i;
            await batch.SubmitAsync(prompt, ct => client.CompleteAsync(EmulatorFixture.UserPrompt(prompt), ct), CancellationToken.None);
        }
        await batch.CompleteAsync(CancellationToken.None);
        return (results, client);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_batch_against_a_token_bucket_loses_nothing_keeps_its_order_and_its_limit(bool retryAfter)
    {
        // 40 requests/s with a burst of 10, answered after 20 ms: 16 in flight would ask for 800/s.
        var quota = new TokenBucketQuota(40, burst: 10, sendRetryAfter: retryAfter, latency: TimeSpan.FromMilliseconds(20));
        _f.Emulator.Quota = quota;
        _f.Emulator.ResetMaxChatRequestsInFlight();
        var log = new ListLog();
        try
        {
            const int Inputs = 100;
            var (results, client) = await RunAsync(Inputs, 16, log);

            Assert.Equal(Inputs, results.Count);
            for (var i = 0; i < Inputs; i++)
            {
                Assert.True(results[i].Succeeded, $"input {i} failed: {results[i].Error?.Message}");
                Assert.Equal(i, results[i].Index);
                Assert.Equal("input " + i, results[i].Input);
                Assert.Equal("Echo: input " + i, results[i].Value!.Content);
            }

            // The quota pushed back, and every input was admitted exactly once.
            Assert.True(quota.Throttled > 0, "the quota never answered 429: the test proves nothing");
            Assert.Equal(Inputs, quota.Admitted);
            Assert.True(_f.Emulator.MaxChatRequestsInFlight <= 16, $"{_f.Emulator.MaxChatRequestsInFlight} in flight");
            var governor = client.Quota!;
            Assert.True(governor.MaxInFlight <= 16);
            Assert.Equal(quota.Throttled, governor.Throttled);

            // One verbose line per decrease, not one per 429.
            var decreases = log.Lines.Where(l => l.Contains("429 RESOURCE_EXHAUSTED: in flight")).ToList();
            Assert.Equal(governor.Decreases, decreases.Count);
            Assert.InRange(decreases.Count, 1, (int)quota.Throttled);
            Assert.All(decreases, l => Assert.Contains(retryAfter ? "(Retry-After)" : "(backoff)", l));
        }
        finally
        {
            _f.Emulator.Quota = null;
        }
    }

    [Fact]
    public async Task After_a_429_every_worker_waits_the_shared_wait_and_the_retry_counts_against_MaxRetries()
    {
        // The first request gets 429 with Retry-After 1 s. A second input is submitted only once the batch knows of the
        // 429, so whatever the machine's speed, its request can only be sent after the shared wait.
        _f.Emulator.Scenarios.Enqueue(Scenario.RateLimited(TimeSpan.FromSeconds(1)));
        _f.Emulator.ClearLog();
        var log = new ListLog();
        var client = _f.Client(retry: new RetryPolicy(), log: log).ForBatch(4);
        var results = new List<BatchItemResult<ChatCompletion>>();
        var batch = new OrderedBatch<ChatCompletion>(4, results.Add);
        await batch.SubmitAsync("first", ct => client.CompleteAsync(EmulatorFixture.UserPrompt("first"), ct), CancellationToken.None);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (client.Quota!.Throttled == 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(1, client.Quota.Throttled);
        await batch.SubmitAsync("second", ct => client.CompleteAsync(EmulatorFixture.UserPrompt("second"), ct), CancellationToken.None);
        await batch.CompleteAsync(CancellationToken.None);

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Contains(log.Lines, l => l.Contains("Retry 1 of 3 in") && l.Contains("(the batch's shared wait) after HTTP 429 RESOURCE_EXHAUSTED"));
        var requests = _f.Emulator.ChatRequests;
        Assert.Equal(3, requests.Count);
        Assert.Equal(429, requests[0].ResponseStatus);
        // The retry of "first" and the new input "second" both came after the server's 1 s (server clock, both sides).
        Assert.All(requests.Skip(1), r => Assert.True(r.ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(950),
            $"{(r.ReceivedAt - requests[0].ReceivedAt).TotalMilliseconds} ms"));
    }

    [Fact]
    public async Task A_429_beyond_MaxRetries_fails_only_its_own_input()
    {
        // Four 429s in a row for the one input: with MaxRetries 3 it fails; the governor does not retry beyond that.
        for (var i = 0; i < 4; i++) _f.Emulator.Scenarios.Enqueue(Scenario.RateLimited(TimeSpan.Zero));
        var client = _f.Client(retry: new RetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20) }).ForBatch(1);
        var ex = await Assert.ThrowsAsync<GeminiApiException>(() => client.CompleteAsync(EmulatorFixture.UserPrompt("x")));
        Assert.Equal(429, ex.HttpStatus);
        Assert.Equal(4, ex.Attempts);
        Assert.Equal(4, client.Quota!.Throttled);
        Assert.Equal(0, client.Quota.InFlight);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_client_honours_fails_its_call_and_holds_the_batch_only_that_long()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.RateLimited(TimeSpan.FromSeconds(600)));
        var policy = new RetryPolicy { MaxServerDelay = TimeSpan.FromSeconds(10) };
        var client = _f.Client(retry: policy).ForBatch(4);
        var ex = await Assert.ThrowsAsync<GeminiApiException>(() => client.CompleteAsync(EmulatorFixture.UserPrompt("x")));
        Assert.Equal(429, ex.HttpStatus);
        Assert.Contains("longer than the 10 s this client waits", ex.Message);
        // The batch's other workers wait at most 10 s (the cap), not 600.
        Assert.Equal(1, client.Quota!.Throttled);
        Assert.True(client.Quota.SharedWait <= TimeSpan.FromSeconds(10), $"shared wait {client.Quota.SharedWait}");
    }
}
