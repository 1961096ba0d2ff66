using VertexAI.Benchmarks.Server;
using static VertexAI.Benchmarks.Report;

namespace VertexAI.Benchmarks.Harness;

/// <summary>
/// Benchmark 4: 1,000 requests, 16 at a time, against a server that answers each after 50 ms; the ideal rate is
/// 16 / 0.05 s = 320/s. The module has no batch cmdlet yet, so this measures the core client driven by 16 concurrent
/// tasks (what such a cmdlet would do), next to the baseline driven the same way.
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

        // Warm-up: JIT and 16 open connections per side.
        await Clients.RunConcurrentAsync(2 * Concurrency, Concurrency, CoreCall);
        await Clients.RunConcurrentAsync(2 * Concurrency, Concurrency, BaselineCall);

        var runs = options.Quick ? 1 : 3;
        var coreRates = new List<double>();
        var baseRates = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var first = run % 2 == 0;
            if (first) coreRates.Add(Total / (await Clients.RunConcurrentAsync(Total, Concurrency, CoreCall)).TotalSeconds);
            baseRates.Add(Total / (await Clients.RunConcurrentAsync(Total, Concurrency, BaselineCall)).TotalSeconds);
            if (!first) coreRates.Add(Total / (await Clients.RunConcurrentAsync(Total, Concurrency, CoreCall)).TotalSeconds);
            Console.WriteLine($"run {run + 1}: core {coreRates[^1]:0.0}/s, baseline {baseRates[^1]:0.0}/s");
        }

        var coreRate = Stats.Median(coreRates);
        var baseRate = Stats.Median(baseRates);
        report.Add("4. batch", $"requests/s ({Total} requests, concurrency {Concurrency}, 50 ms server)",
            F(coreRate, "0.0") + "/s", F(baseRate, "0.0") + "/s",
            F(coreRate / Ideal * 100, "0.0") + "% of ideal 320/s", "≥ 90% of ideal", coreRate >= 0.9 * Ideal);
        report.Detail("Batch",
            $"Measured through the core client with {Concurrency} concurrent tasks (the module's batch feature does not exist yet). "
            + $"Runs: {runs}; core {string.Join(", ", coreRates.Select(r => F(r, "0.0")))}/s; baseline "
            + $"{string.Join(", ", baseRates.Select(r => F(r, "0.0")))}/s; core/baseline {F(coreRate / baseRate)}×. "
            + "The server's 50 ms is a timer, which on Linux fires a little late, so even a perfect client lands just under 320/s.");
    }
}
