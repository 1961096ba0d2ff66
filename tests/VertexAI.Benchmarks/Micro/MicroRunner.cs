using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using static VertexAI.Benchmarks.Report;

namespace VertexAI.Benchmarks.Micro;

/// <summary>
/// Runs benchmarks 1 and 2 with BenchmarkDotNet, in this process (the in-process toolchain: no generated project to
/// build, and the server lives in its own process so the MemoryDiagnoser counts only the client). Full mode runs
/// several rounds, each with baseline and core back to back, and reports the median of the per-round ratios.
/// </summary>
internal static class MicroRunner
{
    private sealed record Case(string Method, string Delivery, double MedianNs, double? BytesPerOp);

    public static void Run(RunOptions options, Report report)
    {
        var roundTrips = new List<Case[]>();
        var streams = new List<Case[]>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            Console.WriteLine($"=== BenchmarkDotNet round {round} of {options.Rounds} ===");
            if (options.Runs("roundtrip"))
            {
                roundTrips.Add(Cases(BenchmarkRunner.Run<RoundTripBenchmarks>(Config(options))));
            }

            if (options.Runs("streaming"))
            {
                streams.Add(Cases(BenchmarkRunner.Run<StreamingBenchmarks>(Config(options))));
            }
        }

        if (roundTrips.Count > 0) ReportRoundTrip(roundTrips, report);
        if (streams.Count > 0) ReportStreaming(streams, report);
    }

    private static IConfig Config(RunOptions options)
    {
        var job = options.Quick
            ? Job.ShortRun.WithIterationCount(5).WithId("quick")
            : Job.Default.WithWarmupCount(5).WithIterationCount(15).WithId("full");
        return ManualConfig.CreateEmpty()
            .AddJob(job.WithToolchain(InProcessEmitToolchain.Instance))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(StatisticColumn.Median, StatisticColumn.P95)
            .AddLogger(ConsoleLogger.Default)
            .AddExporter(MarkdownExporter.GitHub)
            .WithOption(ConfigOptions.JoinSummary, false);
    }

    private static Case[] Cases(Summary summary)
    {
        var cases = summary.Reports.Select(r => new Case(
            r.BenchmarkCase.Descriptor.WorkloadMethod.Name,
            r.BenchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Delivery")?.Value?.ToString() ?? "",
            r.ResultStatistics?.Median ?? double.NaN,
            r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase))).ToArray();
        if (cases.Length == 0 || cases.Any(c => double.IsNaN(c.MedianNs)))
        {
            throw new InvalidOperationException($"BenchmarkDotNet produced no result for {summary.Title}; see its log above.");
        }

        return cases;
    }

    private static Case Pick(Case[] round, string method, string delivery = "") =>
        round.Single(c => c.Method == method && c.Delivery == delivery);

    private static string Spread(IReadOnlyList<double> values) =>
        values.Count > 1 ? $" (rounds: {string.Join(", ", values.Select(v => F(v)))})" : "";

    private static void ReportRoundTrip(List<Case[]> rounds, Report report)
    {
        var core = rounds.Select(r => Pick(r, "Core").MedianNs / 1e6).ToArray();
        var baseline = rounds.Select(r => Pick(r, "Baseline").MedianNs / 1e6).ToArray();
        var ratios = rounds.Select(r => Pick(r, "Core").MedianNs / Pick(r, "Baseline").MedianNs).ToArray();
        var ratio = Stats.Median(ratios);
        report.Add("1. round trip", "median time per request", Us(Stats.Median(core)), Us(Stats.Median(baseline)),
            F(ratio) + "×" + Spread(ratios), "≤ 1.15×", ratio <= 1.15);
        var coreAlloc = Stats.Median(rounds.Select(r => Pick(r, "Core").BytesPerOp ?? double.NaN));
        var baseAlloc = Stats.Median(rounds.Select(r => Pick(r, "Baseline").BytesPerOp ?? double.NaN));
        report.Add("1. round trip", "allocated per request", F(coreAlloc / 1024, "0.0") + " KB", F(baseAlloc / 1024, "0.0") + " KB",
            F(coreAlloc / baseAlloc) + "×", "—", null);
    }

    private static void ReportStreaming(List<Case[]> rounds, Report report)
    {
        foreach (var delivery in rounds[0].Select(c => c.Delivery).Distinct().OrderBy(d => d == "one-write" ? 0 : 1))
        {
            var main = delivery == "one-write";
            var label = main ? "2. streaming" : "2. streaming (flushed per event)";
            var mbps = (double ns) => Payloads.StreamEventBytes / 1e6 / (ns / 1e9);
            var coreNs = rounds.Select(r => Pick(r, "Core", delivery).MedianNs).ToArray();
            var baseNs = rounds.Select(r => Pick(r, "Baseline", delivery).MedianNs).ToArray();
            var ratios = rounds.Select(r => Pick(r, "Baseline", delivery).MedianNs / Pick(r, "Core", delivery).MedianNs).ToArray();
            var ratio = Stats.Median(ratios);
            report.Add(label, "throughput (MB/s of event JSON)", F(mbps(Stats.Median(coreNs)), "0.0") + " MB/s",
                F(mbps(Stats.Median(baseNs)), "0.0") + " MB/s", F(ratio) + "×" + Spread(ratios), "≥ 0.8×", main ? ratio >= 0.8 : null);

            var chunkJson = (double)Payloads.StreamEventBytes / Payloads.StreamChunks;
            var corePerChunk = Stats.Median(rounds.Select(r => (Pick(r, "Core", delivery).BytesPerOp ?? double.NaN) / Payloads.StreamChunks));
            var basePerChunk = Stats.Median(rounds.Select(r => (Pick(r, "Baseline", delivery).BytesPerOp ?? double.NaN) / Payloads.StreamChunks));
            report.Add(label, $"allocated per chunk (chunk JSON: {F(chunkJson, "0")} B)", F(corePerChunk, "0") + " B",
                F(basePerChunk, "0") + " B", F(corePerChunk / chunkJson) + "× JSON", "≤ 2× JSON", main ? corePerChunk <= 2 * chunkJson : null);
        }

        report.Detail("Streaming payload",
            $"{Payloads.StreamChunks} events, {Payloads.StreamEventBytes:N0} bytes of event JSON "
            + $"({(double)Payloads.StreamEventBytes / Payloads.StreamChunks:0} B per chunk on average, 1–6 words of text each), "
            + $"{System.Text.Encoding.UTF8.GetByteCount(Payloads.StreamSseBody):N0} bytes of SSE body. "
            + "`one-write` sends the body in one write (what the client can do when the network is not the limit); "
            + "`flushed` writes and flushes every event like a live server. Allocations are BenchmarkDotNet's MemoryDiagnoser "
            + "per operation (one whole request: headers, body, every chunk, the assembled completion) divided by 2,000.");
    }
}
