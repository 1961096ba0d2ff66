using BenchmarkDotNet.Attributes;
using VertexAI.Benchmarks.Baseline;

namespace VertexAI.Benchmarks.Micro;

/// <summary>Benchmark 1: one non-streaming round trip with a small prompt (the emulator's own deterministic reply).</summary>
public class RoundTripBenchmarks
{
    private GeminiClient _core = null!;
    private BaselineClient _baseline = null!;

    [GlobalSetup]
    public void Setup()
    {
        _core = Clients.Core(BenchContext.BaseUri, BenchContext.Token);
        _baseline = Clients.Baseline(BenchContext.BaseUri, BenchContext.Token);
        // Same answer from both, or the comparison means nothing.
        var core = Core().GetAwaiter().GetResult();
        var baseline = Baseline().GetAwaiter().GetResult();
        if (string.IsNullOrEmpty(core) || core != baseline)
        {
            throw new InvalidOperationException($"core and baseline disagree: '{core}' vs '{baseline}'");
        }
    }

    [Benchmark(Baseline = true)]
    public Task<string?> Baseline() => _baseline.CompleteAsync(Payloads.SmallPrompt);

    [Benchmark]
    public async Task<string?> Core() => (await _core.CompleteAsync(Clients.Prompt(Payloads.SmallPrompt)).ConfigureAwait(false)).Content;
}

/// <summary>
/// Benchmark 2: a 2,000-chunk stream with no delays. The core does what <c>Get-GeminiStream</c> does: SSE parsing,
/// a chunk object per event, the accumulator, and the assembled completion at the end; the baseline keeps the text.
/// </summary>
public class StreamingBenchmarks
{
    private GeminiClient _core = null!;
    private BaselineClient _baseline = null!;
    private string _prompt = Payloads.StreamPrompt;

    /// <summary><c>one-write</c>: the server writes the whole body at once; <c>flushed</c>: each event written and flushed.</summary>
    [ParamsSource(nameof(Deliveries))]
    public string Delivery { get; set; } = "one-write";

    public static IEnumerable<string> Deliveries => BenchContext.Quick ? ["one-write"] : ["one-write", "flushed"];

    [GlobalSetup]
    public void Setup()
    {
        _prompt = Delivery == "flushed" ? Payloads.StreamFlushedPrompt : Payloads.StreamPrompt;
        _core = Clients.Core(BenchContext.BaseUri, BenchContext.Token);
        _baseline = Clients.Baseline(BenchContext.BaseUri, BenchContext.Token);
        var (coreText, coreChunks) = RunCoreAsync().GetAwaiter().GetResult();
        var baseline = _baseline.StreamAsync(_prompt).GetAwaiter().GetResult();
        if (coreText != Payloads.StreamText || baseline.Text != Payloads.StreamText
            || coreChunks != Payloads.StreamChunks || baseline.Chunks != Payloads.StreamChunks || baseline.FinishReason != "stop")
        {
            throw new InvalidOperationException("core or baseline did not read the 2,000-chunk stream correctly");
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<int> Baseline() => (await _baseline.StreamAsync(_prompt).ConfigureAwait(false)).Text.Length;

    [Benchmark]
    public async Task<int> Core() => (await RunCoreAsync().ConfigureAwait(false)).Text.Length;

    private async Task<(string Text, int Chunks)> RunCoreAsync()
    {
        var accumulator = new StreamAccumulator();
        await foreach (var _ in _core.StreamChunksAsync(Clients.Prompt(_prompt), accumulator).ConfigureAwait(false))
        {
        }

        var completion = accumulator.ToCompletion();
        return (completion.Content ?? "", accumulator.ChunkCount);
    }
}
