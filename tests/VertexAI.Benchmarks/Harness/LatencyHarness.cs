using System.Diagnostics;
using VertexAI.Emulator;
using static VertexAI.Benchmarks.Report;

namespace VertexAI.Benchmarks.Harness;

/// <summary>
/// Benchmark 3: the emulator sends 200 chunks 5 ms apart; each is stamped the moment the emulator starts writing it,
/// and the client stamps it the moment it is yielded (core: <c>StreamChunksAsync</c>; baseline: right after its
/// <c>JsonDocument</c> is parsed). Delay = yield stamp − send stamp.
/// </summary>
/// <remarks>
/// Stamps are <see cref="Stopwatch.GetTimestamp"/> in one process: an <c>SseStep.Signal</c> step just before each
/// <c>Data</c> step completes a task whose synchronous continuation records the time (scripted event payloads are fixed
/// when the scenario is built, so the stamp travels beside the chunk, matched by position, rather than inside it).
/// The emulator is therefore in-process here; core and baseline share that condition.
/// </remarks>
internal static class LatencyHarness
{
    private sealed class StampedStream
    {
        public long[] Sent { get; } = new long[Payloads.LatencyChunks];

        public Scenario Build()
        {
            var steps = new List<SseStep>();
            for (var i = 0; i < Payloads.LatencyChunks; i++)
            {
                var index = i;
                var sent = new TaskCompletionSource(); // continuations run inline in TrySetResult
                sent.Task.ContinueWith(_ => Sent[index] = Stopwatch.GetTimestamp(), CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                if (i > 0)
                {
                    steps.Add(SseStep.Delay(Payloads.LatencyGap));
                }

                steps.Add(SseStep.Signal(sent));
                steps.Add(SseStep.Data(Payloads.LatencyEvents[i]));
            }

            steps.Add(SseStep.Done());
            return Scenario.Stream(steps);
        }
    }

    public static async Task RunAsync(RunOptions options, Report report)
    {
        Console.WriteLine("=== 3. chunk latency ===");
        StampedStream? current = null;
        await using var emulator = await VertexEmulator.StartAsync();
        emulator.ScenarioSelector = Server.BenchScenarios.Selector(() => current!.Build());
        var core = Clients.Core(emulator.BaseUri, emulator.DefaultToken);
        var baseline = Clients.Baseline(emulator.BaseUri, emulator.DefaultToken);

        async Task<double[]> CoreRun()
        {
            current = new StampedStream();
            var yielded = new long[Payloads.LatencyChunks];
            var texts = new List<string?>(Payloads.LatencyChunks);
            var n = 0;
            await foreach (var chunk in core.StreamChunksAsync(Clients.Prompt(Payloads.LatencyPrompt)).ConfigureAwait(false))
            {
                yielded[n++] = Stopwatch.GetTimestamp();
                texts.Add(chunk.Text);
            }

            Check(n, texts);
            return Delays(current.Sent, yielded);
        }

        async Task<double[]> BaselineRun()
        {
            current = new StampedStream();
            var yielded = new long[Payloads.LatencyChunks];
            var texts = new string?[Payloads.LatencyChunks];
            var result = await baseline.StreamAsync(Payloads.LatencyPrompt, (i, text) =>
            {
                yielded[i] = Stopwatch.GetTimestamp();
                texts[i] = text;
            }).ConfigureAwait(false);
            Check(result.Chunks, texts);
            return Delays(current.Sent, yielded);
        }

        // Warm-up, not counted: connections, and enough calls for tiered JIT (and its PGO stage) to settle on both paths,
        // so neither side is recompiling in the background during the measured streams.
        for (var i = 0; i < 5; i++)
        {
            await foreach (var _ in core.StreamChunksAsync(Clients.Prompt(Payloads.StreamPrompt)).ConfigureAwait(false))
            {
            }

            await baseline.StreamAsync(Payloads.StreamPrompt).ConfigureAwait(false);
        }

        await CoreRun();
        await BaselineRun();

        var runs = options.Quick ? 2 : 10;
        var coreRuns = new List<double[]>();
        var baseRuns = new List<double[]>();
        for (var run = 0; run < runs; run++)
        {
            // Alternate who goes first, so drift in the machine's load falls on both.
            if (run % 2 == 0)
            {
                coreRuns.Add(await CoreRun());
                baseRuns.Add(await BaselineRun());
            }
            else
            {
                baseRuns.Add(await BaselineRun());
                coreRuns.Add(await CoreRun());
            }
        }

        var coreAll = coreRuns.SelectMany(d => d).ToArray();
        var baseAll = baseRuns.SelectMany(d => d).ToArray();
        double P(double[] d, double p) => Stats.Percentile(d, p);
        var coreP99 = P(coreAll, 99);
        var baseP99 = P(baseAll, 99);
        var perRunP99Diff = coreRuns.Zip(baseRuns, (c, b) => P(c, 99) - P(b, 99)).ToArray();
        report.Add("3. chunk latency", "p50 send→yield", Us(P(coreAll, 50)), Us(P(baseAll, 50)),
            "+" + Us(P(coreAll, 50) - P(baseAll, 50)), "—", null);
        report.Add("3. chunk latency", "p99 send→yield", Us(coreP99), Us(baseP99),
            (coreP99 >= baseP99 ? "+" : "") + Us(coreP99 - baseP99), "p99 within 1 ms of baseline", coreP99 - baseP99 <= 1.0);
        report.Detail("Chunk latency",
            $"{runs} streams each of {Payloads.LatencyChunks} chunks, {Payloads.LatencyGap.TotalMilliseconds:0} ms apart "
            + $"({coreAll.Length} samples per side), core and baseline alternating. "
            + $"Core p50/p90/p99/max: {Us(P(coreAll, 50))} / {Us(P(coreAll, 90))} / {Us(coreP99)} / {Us(coreAll.Max())}; "
            + $"baseline: {Us(P(baseAll, 50))} / {Us(P(baseAll, 90))} / {Us(baseP99)} / {Us(baseAll.Max())}. "
            + $"Per-stream p99 difference (core − baseline): {string.Join(", ", perRunP99Diff.Select(Us))}. "
            + $"Largest delays (chunk index): core {Largest(coreRuns)}; baseline {Largest(baseRuns)}.");
    }

    private static string Largest(List<double[]> runs) => string.Join(", ", runs
        .SelectMany(d => d.Select((ms, i) => (ms, i)))
        .OrderByDescending(x => x.ms)
        .Take(8)
        .Select(x => $"{Us(x.ms)} (#{x.i})"));

    private static void Check(int chunks, IReadOnlyList<string?> texts)
    {
        if (chunks != Payloads.LatencyChunks)
        {
            throw new InvalidOperationException($"expected {Payloads.LatencyChunks} chunks, got {chunks}");
        }

        for (var i = 0; i < chunks; i++)
        {
            if (texts[i] != Payloads.LatencyPiece(i))
            {
                throw new InvalidOperationException($"chunk {i} arrived out of order ('{texts[i]}')");
            }
        }
    }

    /// <returns>Milliseconds per chunk.</returns>
    private static double[] Delays(long[] sent, long[] yielded) =>
        sent.Zip(yielded, (s, y) => (y - s) * 1000.0 / Stopwatch.Frequency).ToArray();
}
