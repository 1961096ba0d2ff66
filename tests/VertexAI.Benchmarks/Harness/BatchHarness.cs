using VertexAI.Benchmarks.Server;
using static VertexAI.Benchmarks.Report;

namespace VertexAI.Benchmarks.Harness;

/// <summary>
/// Benchmark 4: 1,000 requests, 16 at a time, against a server that answers each after 50 ms; the ideal rate is
/// 16 / 0.05 s = 320/s. The core runs them through <see cref="Batch.OrderedBatch{T}"/> (the engine behind the cmdlets'
/// <c>-ThrottleLimit</c>: ordered outcomes, failures kept) with <c>CompleteAsync</c> as the work; the PowerShell pipeline
/// around it is not part of this process. For comparison: the core client driven by 16 plain tasks, and the baseline
/// driven the same way.
/// </summary>
internal static class BatchHarness
{
    public const int Total = 1000;
    public const int Concurrency = 16;
    public const double Ideal = Concurrency / 0.05;

    public static async Task RunAsync(RunOptions options, ServerProcess server, Report report)
    {
        Console.WriteLine("=== 4. batch ===");
        var core = Clients.Core(server.BaseUri, server.Token);
        var baseline = Clients.Baseline(server.BaseUri, server.Token);
        Task CoreCall() => core.CompleteAsync(Clients.Prompt(Payloads.DelayedPrompt));
        Task BaselineCall() => baseline.CompleteAsync(Payloads.DelayedPrompt);

        async Task<TimeSpan> EngineRun(int total)
        {
            var failed = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var batch = new Batch.OrderedBatch<ChatCompletion>(Concurrency, r => { if (!r.Succeeded) failed++; });
            for (var i = 0; i < total; i++)
            {
                await batch.SubmitAsync(i, ct => core.CompleteAsync(Clients.Prompt(Payloads.DelayedPrompt), ct), CancellationToken.None).ConfigureAwait(false);
            }

            await batch.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
            if (failed > 0) throw new InvalidOperationException($"{failed} batch item(s) failed");
            return clock.Elapsed;
        }

        // Warm-up: JIT and 16 open connections per side.
        await EngineRun(2 * Concurrency);
        await Clients.RunConcurrentAsync(2 * Concurrency, Concurrency, CoreCall);
        await Clients.RunConcurrentAsync(2 * Concurrency, Concurrency, BaselineCall);

        var runs = options.Quick ? 1 : 3;
        var engineRates = new List<double>();
        var taskRates = new List<double>();
        var baseRates = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            // Rotate the order so drift in the machine's load falls on every side.
            var steps = new Func<Task>[]
            {
                async () => engineRates.Add(Total / (await EngineRun(Total)).TotalSeconds),
                async () => baseRates.Add(Total / (await Clients.RunConcurrentAsync(Total, Concurrency, BaselineCall)).TotalSeconds),
                async () => taskRates.Add(Total / (await Clients.RunConcurrentAsync(Total, Concurrency, CoreCall)).TotalSeconds),
            };
            for (var k = 0; k < steps.Length; k++)
            {
                await steps[(run + k) % steps.Length]();
            }

            Console.WriteLine($"run {run + 1}: core batch engine {engineRates[^1]:0.0}/s, core with 16 tasks {taskRates[^1]:0.0}/s, baseline {baseRates[^1]:0.0}/s");
        }

        var engineRate = Stats.Median(engineRates);
        var taskRate = Stats.Median(taskRates);
        var baseRate = Stats.Median(baseRates);
        report.Add("4. batch", $"requests/s ({Total} requests, 16 in flight, 50 ms server; core = OrderedBatch)",
            F(engineRate, "0.0") + "/s", F(baseRate, "0.0") + "/s",
            F(engineRate / Ideal * 100, "0.0") + "% of ideal 320/s", "≥ 90% of ideal", engineRate >= 0.9 * Ideal);
        report.Detail("Batch",
            $"Core: `OrderedBatch<ChatCompletion>` with throttle limit {Concurrency} (the engine of `-ThrottleLimit`; the cmdlet's "
            + "PowerShell pipeline is not in this measurement), each item a `CompleteAsync`. "
            + $"Runs: {runs}; core batch engine {string.Join(", ", engineRates.Select(r => F(r, "0.0")))}/s; core client with 16 plain tasks "
            + $"{string.Join(", ", taskRates.Select(r => F(r, "0.0")))}/s; baseline with 16 tasks {string.Join(", ", baseRates.Select(r => F(r, "0.0")))}/s; "
            + $"core batch engine / baseline {F(engineRate / baseRate)}×. "
            + "The server's 50 ms is a timer, which on Linux fires a little late, so even a perfect client lands just under 320/s.");
    }
}
