using VertexAI;
using VertexAI.Batch;
using VertexAI.Emulator;
using Xunit;
using Xunit.Abstractions;

namespace VertexAI.Core.Tests.Batch;

public class OrderedBatchTests : ScriptedEmulatorTests
{
    private readonly EmulatorFixture _f;
    private readonly ITestOutputHelper _out;

    public OrderedBatchTests(EmulatorFixture f, ITestOutputHelper output) : base(f)
    {
        _f = f;
        _out = output;
    }

    /// <summary>30% of attempts fail: 429 with Retry-After (seconds or ms), 503, or a dropped connection.</summary>
    private static Func<RecordedRequest, Scenario?> Faults(int seed, Action onFault)
    {
        var rng = new Random(seed);
        var gate = new object();
        return _ =>
        {
            int roll;
            lock (gate) roll = rng.Next(100);
            if (roll >= 30) return null;
            onFault();
            return (roll % 4) switch
            {
                0 => Scenario.GoogleError(429, "RESOURCE_EXHAUSTED", "Resource exhausted, please try again later.", headers: new Dictionary<string, string> { ["Retry-After"] = "0" }),
                1 => Scenario.GoogleError(429, "RESOURCE_EXHAUSTED", "Quota exceeded; check quota.", headers: new Dictionary<string, string> { ["retry-after-ms"] = "15" }),
                2 => Scenario.GoogleError(503, "UNAVAILABLE", "The service is currently unavailable."),
                _ => Scenario.DropConnection(),
            };
        };
    }

    private async Task<(List<BatchItemResult<ChatCompletion>> Results, int Faults)> RunAsync(int inputs, int throttle, RetryPolicy retry, int seed)
    {
        var faults = 0;
        _f.Emulator.ScenarioSelector = Faults(seed, () => Interlocked.Increment(ref faults));
        try
        {
            var client = _f.Client(retry: retry);
            var results = new List<BatchItemResult<ChatCompletion>>();
            var batch = new OrderedBatch<ChatCompletion>(throttle, results.Add);
            for (var i = 0; i < inputs; i++)
            {
                var prompt = "input " + i;
                await batch.SubmitAsync(prompt, ct => client.CompleteAsync(EmulatorFixture.UserPrompt(prompt), ct), CancellationToken.None);
            }
            await batch.CompleteAsync(CancellationToken.None);
            return (results, faults);
        }
        finally
        {
            _f.Emulator.ScenarioSelector = null;
        }
    }

    [Fact]
    public async Task A_thousand_inputs_with_30_percent_faults_all_succeed_with_retries_once_each_in_order()
    {
        _f.Emulator.ClearLog();
        var retry = new RetryPolicy { MaxRetries = 10, BaseDelay = TimeSpan.FromMilliseconds(2), MaxDelay = TimeSpan.FromMilliseconds(20) };
        var (results, faults) = await RunAsync(1000, 16, retry, seed: 1);
        var attempts = _f.Emulator.ChatRequests.Count;
        _out.WriteLine($"1000 inputs, {attempts} attempts, {faults} faults injected ({100.0 * faults / attempts:0.#}%), {results.Count(r => r.Succeeded)} results, {results.Count(r => !r.Succeeded)} errors");

        Assert.Equal(Enumerable.Range(0, 1000), results.Select(r => r.Index));
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error?.Message));
        Assert.All(results, r => Assert.Equal("Echo: " + r.Input, r.Value!.Content));
        Assert.Equal(1000, results.Select(r => (string)r.Input!).Distinct().Count());
        Assert.InRange(faults, 300, 600);
        Assert.Equal(1000 + faults, attempts);
    }

    [Fact]
    public async Task Without_retries_every_input_ends_as_exactly_one_result_or_one_error_naming_it()
    {
        var (results, faults) = await RunAsync(1000, 8, RetryPolicy.None, seed: 2);
        var errors = results.Where(r => !r.Succeeded).ToList();
        _out.WriteLine($"1000 inputs, {faults} faults injected, {results.Count - errors.Count} results, {errors.Count} errors");

        Assert.Equal(Enumerable.Range(0, 1000), results.Select(r => r.Index));
        Assert.Equal(faults, errors.Count);
        Assert.InRange(errors.Count, 220, 380);
        Assert.All(errors, e => Assert.IsAssignableFrom<GeminiApiException>(e.Error));
        Assert.All(results.Where(r => r.Succeeded), r => Assert.Equal("Echo: " + r.Input, r.Value!.Content));
        Assert.Contains(errors, e => ((GeminiApiException)e.Error!).HttpStatus == 429);
        Assert.Contains(errors, e => ((GeminiApiException)e.Error!).HttpStatus == 503);
        Assert.Contains(errors, e => ((GeminiApiException)e.Error!).IsConnectionFailure);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task The_throttle_limit_bounds_work_in_flight(int throttle)
    {
        var inFlight = 0;
        var peak = 0;
        var results = new List<BatchItemResult<int>>();
        var batch = new OrderedBatch<int>(throttle, results.Add);
        for (var i = 0; i < 40; i++)
        {
            var n = i;
            await batch.SubmitAsync(n, async ct =>
            {
                var now = Interlocked.Increment(ref inFlight);
                int seen;
                while ((seen = Volatile.Read(ref peak)) < now && Interlocked.CompareExchange(ref peak, now, seen) != seen) { }
                await Task.Delay(5 * (n % 3 + 1), ct);
                Interlocked.Decrement(ref inFlight);
                return n * n;
            }, CancellationToken.None);
        }
        await batch.CompleteAsync(CancellationToken.None);
        Assert.Equal(throttle, peak);
        Assert.Equal(Enumerable.Range(0, 40).Select(n => n * n), results.Select(r => r.Value));
    }

    [Fact]
    public async Task Cancelling_ends_work_in_flight_as_cancelled_outcomes()
    {
        using var cts = new CancellationTokenSource();
        var results = new List<BatchItemResult<int>>();
        var batch = new OrderedBatch<int>(3, results.Add);
        for (var i = 0; i < 3; i++)
        {
            await batch.SubmitAsync(i, async ct => { await Task.Delay(Timeout.Infinite, ct); return 0; }, cts.Token);
        }
        cts.CancelAfter(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => batch.SubmitAsync(99, _ => Task.FromResult(1), cts.Token));
        await batch.CompleteAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.IsAssignableFrom<OperationCanceledException>(r.Error));
    }
}
