using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using VertexAI.Batch;
using VertexAI.Benchmarks.Server;
using static VertexAI.Benchmarks.Report;

namespace VertexAI.Benchmarks.Harness;

/// <summary>
/// Benchmark 8 (issue 12, part 2): a batch against a per-second quota. The emulator (its own process) admits R requests
/// per second through a token bucket of one second's worth (full at the start) and answers the rest at once with 429
/// <c>RESOURCE_EXHAUSTED</c> (array-shaped), with or without <c>Retry-After</c>; an admitted request is answered after
/// <see cref="LatencyMs"/>. Side by side in the same run, for each -ThrottleLimit and R: today's fixed concurrency
/// (<see cref="OrderedBatch{T}"/> over a plain client: every worker retries its own 429 with the default policy) and
/// the adaptive one (the same batch over <see cref="GeminiClient.ForBatch"/>: one <see cref="QuotaGovernor"/>).
/// Both with the default 3 retries. Measured: the achieved rate beyond the initial burst, (succeeded − burst) / elapsed,
/// as a share of R; the share of attempts answered 429; inputs failed.
/// </summary>
internal static class QuotaHarness
{
    /// <summary>
    /// The emulator's answer time. With L = 10 ms, -ThrottleLimit 4 could do 4 / 0.01 s = 400/s, so even the smallest limit
    /// can reach R = 200/s and the quota, not the limit, is what binds everywhere; R = 50/s needs only half a request in
    /// flight (hence the governor's pace).
    /// </summary>
    public const int LatencyMs = 10;

    private static readonly int[] Limits = [4, 16, 64];
    private static readonly int[] Rates = [50, 200];

    public static async Task RunAsync(RunOptions options, ServerProcess server, Report report)
    {
        Console.WriteLine("=== 8. quota ===");
        using var control = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        control.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Token);
        var client = Clients.Core(server.BaseUri, server.Token);
        var seconds = options.Quick ? 5 : 20;

        // Warm-up: JIT and connections, without a quota.
        await control.DeleteAsync("_emulator/quota");
        await RunBatchAsync(client, 64, 128, CancellationToken.None);

        var lines = new List<string>();
        foreach (var rate in Rates)
        {
            foreach (var retryAfter in new[] { false, true })
            {
                foreach (var limit in Limits)
                {
                    var total = rate * seconds;
                    var results = new Dictionary<string, Outcome>();
                    // What this limit does here without a quota, just before: limit / (server latency + this machine's
                    // time per request). On a loaded machine that can be less than R, and then no client reaches R.
                    await SetQuotaAsync(control, 1_000_000, retryAfter: false);
                    var free = await RunBatchAsync(client, limit, rate * 3, CancellationToken.None);
                    var ceiling = free.Succeeded / free.Elapsed.TotalSeconds;
                    // Alternate which side goes first, so drift in the machine's load falls on both.
                    var order = (limit + rate + (retryAfter ? 1 : 0)) % 2 == 0 ? new[] { "fixed", "adaptive" } : new[] { "adaptive", "fixed" };
                    foreach (var mode in order)
                    {
                        await SetQuotaAsync(control, rate, retryAfter);
                        var batchClient = mode == "adaptive" ? client.ForBatch(limit) : client;
                        var run = await RunBatchAsync(batchClient, limit, total, CancellationToken.None);
                        var counts = JsonNode.Parse(await control.GetStringAsync("_emulator/quota"))!;
                        var admitted = (long)counts["admitted"]!;
                        var throttled = (long)counts["throttled"]!;
                        var achieved = (run.Succeeded - rate) / run.Elapsed.TotalSeconds;
                        results[mode] = new Outcome(achieved / rate, throttled / (double)(admitted + throttled), run.Failed, run.Elapsed, admitted + throttled,
                            batchClient.Quota?.MaxInFlight, batchClient.Quota?.Decreases);
                    }

                    var a = results["adaptive"];
                    var f = results["fixed"];
                    var name = $"TL {limit}, R {rate}/s, {(retryAfter ? "Retry-After" : "no Retry-After")}";
                    var achievable = Math.Min(1, ceiling / rate);
                    var met = a.RateShare >= 0.9 * achievable && a.ThrottledShare <= 0.1 && a.Failed == 0;
                    report.Add("8. quota", $"{name}: rate % of R / % 429 / failed ({total} inputs)", a.Cell(), f.Cell(),
                        $"rate {F(a.RateShare / Math.Max(f.RateShare, 1e-9), "0.00")}×",
                        achievable < 1 ? $"≥ 90% of the {F(achievable * 100, "0")}% this limit reaches here / ≤ 10% / 0" : "≥ 90% / ≤ 10% / 0", met);
                    lines.Add($"| {limit} | {rate} | {(retryAfter ? "yes" : "no")} | {total} | {F(ceiling, "0")}/s | {a.Cell()} | {F(a.Elapsed.TotalSeconds, "0.0")} s, {a.Attempts} attempts, max {a.MaxInFlight} in flight, {a.Decreases} decreases "
                        + $"| {f.Cell()} | {F(f.Elapsed.TotalSeconds, "0.0")} s, {f.Attempts} attempts | {LoadAverage()} |");
                }
            }
        }

        await control.DeleteAsync("_emulator/quota");
        report.Detail("Quota",
            $"Token bucket in the emulator (its own process): R tokens/s, burst R (full at the start), 429 `RESOURCE_EXHAUSTED` "
            + $"(array-shaped) at once when empty; admitted requests answered after {LatencyMs} ms, so -ThrottleLimit 4 could reach "
            + $"{4000 / LatencyMs}/s. {seconds} s worth of inputs (R × {seconds}) per run; rate = (succeeded − burst) / elapsed, as % of R "
            + "(the burst is what the full bucket gives for free at the start). \"fixed\" = today's engine (each worker retries its own "
            + "429: Retry-After, else backoff with jitter from 1 s), \"adaptive\" = one QuotaGovernor per batch. Default -MaxRetries 3. "
            + "One run per cell, sides alternated: the machine is shared, so single cells are noisy (load average per row).\n\n"
            + "\"no quota\" is what the limit achieved just before, without a quota (R × 3 inputs; limit / time per request, "
            + "the client's own time included); where it is below R, no client can reach R here and the target is 90% of it.\n\n"
            + "| TL | R/s | Retry-After | inputs | no quota | adaptive: rate / 429 / failed | adaptive detail | fixed: rate / 429 / failed | fixed detail | load |\n"
            + "|---|---|---|---|---|---|---|---|---|---|\n"
            + string.Join("\n", lines));
    }

    private sealed record Outcome(double RateShare, double ThrottledShare, int Failed, TimeSpan Elapsed, long Attempts, int? MaxInFlight, int? Decreases)
    {
        public string Cell() => $"{F(RateShare * 100, "0")}% / {F(ThrottledShare * 100, "0.0")}% / {Failed}";
    }

    private static async Task SetQuotaAsync(HttpClient control, int rate, bool retryAfter)
    {
        var body = $$"""{"ratePerSecond":{{rate}},"burst":{{rate}},"retryAfter":{{(retryAfter ? "true" : "false")}},"latencyMs":{{LatencyMs}}}""";
        using var response = await control.PostAsync("_emulator/quota", new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    private static async Task<(int Succeeded, int Failed, TimeSpan Elapsed)> RunBatchAsync(GeminiClient client, int limit, int total, CancellationToken token)
    {
        var succeeded = 0;
        var failed = 0;
        var clock = Stopwatch.StartNew();
        var batch = new OrderedBatch<ChatCompletion>(limit, r =>
        {
            if (r.Succeeded) succeeded++;
            else failed++;
        });
        for (var i = 0; i < total; i++)
        {
            var prompt = "quota " + i;
            await batch.SubmitAsync(i, ct => client.CompleteAsync(Clients.Prompt(prompt), ct), token).ConfigureAwait(false);
        }

        await batch.CompleteAsync(token).ConfigureAwait(false);
        return (succeeded, failed, clock.Elapsed);
    }
}
