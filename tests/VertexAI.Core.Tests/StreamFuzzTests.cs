using System.Diagnostics;
using System.Text;
using VertexAI;
using VertexAI.Emulator;
using VertexAI.Streaming;
using Xunit;
using Xunit.Abstractions;

namespace VertexAI.Core.Tests;

/// <summary>
/// Mutated event streams (byte flips, truncation, duplication, deletion, junk) through the stream reader: every one
/// must end in a result or a <see cref="GeminiApiException"/>, quickly; nothing else may escape.
/// </summary>
public class StreamFuzzTests : ScriptedEmulatorTests
{
    private const int InMemoryCases = 10_000;
    private const int HttpCases = 300;
    private static readonly TimeSpan PerCaseBound = TimeSpan.FromSeconds(5);

    private readonly EmulatorFixture _f;
    private readonly ITestOutputHelper _out;

    public StreamFuzzTests(EmulatorFixture f, ITestOutputHelper output) : base(f)
    {
        _f = f;
        _out = output;
    }

    private static string[] Seeds()
    {
        var echo = new StringBuilder();
        foreach (var w in new[] { "Echo: ", "a ", "magic ", "backpack" })
        {
            echo.Append("data: {\"id\":\"e\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"google/m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"")
                .Append(w).Append("\"},\"logprobs\":null}]}\n\n");
        }
        echo.Append("data: {\"id\":\"e\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}\n\ndata: [DONE]\n\n");
        var tools = TranscriptData.StreamFunctionCallArgumentsSse;
        var image = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"audio\":{\"data\":\"iVBORw0KGgo=\",\"extra_content\":{\"google\":{\"mime_type\":\"image/png\"}}}},\"finish_reason\":\"stop\"}]}\r\n\r\ndata: [DONE]\r\n\r\n";
        var error = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\nevent: error\ndata: {\"error\":{\"code\":500,\"message\":\"boom\",\"status\":\"INTERNAL\"}}\n\n";
        return new[] { echo.ToString(), tools, image, error, echo.ToString().Replace("\n", "\r\n") };
    }

    private static byte[] Mutate(byte[] input, Random rng, out string how)
    {
        var data = new List<byte>(input);
        var ops = rng.Next(1, 4);
        var described = new List<string>();
        for (var o = 0; o < ops && data.Count > 0; o++)
        {
            var at = rng.Next(data.Count);
            switch (rng.Next(6))
            {
                case 0:
                    data[at] = (byte)rng.Next(256);
                    described.Add($"flip@{at}");
                    break;
                case 1:
                    data.RemoveRange(at, data.Count - at);
                    described.Add($"truncate@{at}");
                    break;
                case 2:
                    var len = rng.Next(1, Math.Min(200, data.Count - at) + 1);
                    data.InsertRange(rng.Next(data.Count), data.GetRange(at, len));
                    described.Add($"duplicate@{at}+{len}");
                    break;
                case 3:
                    var del = rng.Next(1, Math.Min(50, data.Count - at) + 1);
                    data.RemoveRange(at, del);
                    described.Add($"delete@{at}+{del}");
                    break;
                case 4:
                    var junk = new byte[] { (byte)'\n', (byte)'\r', (byte)':', (byte)'{', (byte)'"', 0xFF, 0xC3, 0x00, (byte)'[' };
                    data.Insert(at, junk[rng.Next(junk.Length)]);
                    described.Add($"junk@{at}");
                    break;
                default:
                    data.InsertRange(at, Encoding.ASCII.GetBytes(rng.Next(2) == 0 ? "data: [DONE]\n\n" : "event: error\n"));
                    described.Add($"marker@{at}");
                    break;
            }
        }
        how = string.Join(",", described);
        return data.ToArray();
    }

    [Fact]
    public async Task Ten_thousand_mutated_streams_end_in_a_result_or_a_clear_error()
    {
        var seeds = Seeds().Select(Encoding.UTF8.GetBytes).ToArray();
        var rng = new Random(20261122);
        int results = 0, errors = 0;
        var worst = TimeSpan.Zero;
        var failures = new List<string>();
        for (var i = 0; i < InMemoryCases; i++)
        {
            var seed = i % seeds.Length;
            var bytes = Mutate(seeds[seed], rng, out var how);
            var sw = Stopwatch.StartNew();
            using var cts = new CancellationTokenSource(PerCaseBound);
            var accumulator = new StreamAccumulator();
            try
            {
                await foreach (var chunk in ChunkStreamReader.ReadAsync(new MemoryStream(bytes), null, PerCaseBound, cts.Token)) accumulator.Add(chunk);
                _ = accumulator.ToCompletion();
                results++;
            }
            catch (GeminiApiException ex) when (!string.IsNullOrWhiteSpace(ex.Message))
            {
                errors++;
            }
            catch (Exception ex)
            {
                failures.Add($"case {i} (seed {seed}, {how}): {ex.GetType().Name}: {ex.Message}");
            }
            if (sw.Elapsed > worst) worst = sw.Elapsed;
        }
        _out.WriteLine($"{InMemoryCases} cases: {results} results, {errors} clear errors, {failures.Count} other outcomes; slowest {worst.TotalMilliseconds:0.#} ms");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.True(worst < PerCaseBound, $"slowest case took {worst}");
        // Both outcomes must occur, or the mutations are not exercising anything.
        Assert.True(results > 100 && errors > 100, $"results {results}, errors {errors}");
    }

    [Fact]
    public async Task Mutated_streams_over_http_through_the_client_end_cleanly_too()
    {
        var seeds = Seeds();
        var rng = new Random(7);
        var client = _f.Client(retry: RetryPolicy.None, idleTimeout: TimeSpan.FromSeconds(5));
        int results = 0, errors = 0;
        var failures = new List<string>();
        for (var i = 0; i < HttpCases; i++)
        {
            // Text-level mutations: the emulator's raw step writes strings.
            var text = Encoding.UTF8.GetString(Mutate(Encoding.ASCII.GetBytes(seeds[i % seeds.Length]), rng, out var how).Where(b => b < 0x80 && b != 0).ToArray());
            _f.Emulator.Scenarios.Enqueue(Scenario.Stream(SseStep.Raw(text)));
            using var cts = new CancellationTokenSource(PerCaseBound);
            try
            {
                await client.StreamAsync(EmulatorFixture.UserPrompt("fuzz"), _ => { }, cts.Token);
                results++;
            }
            catch (GeminiApiException)
            {
                errors++;
            }
            catch (Exception ex)
            {
                failures.Add($"case {i} ({how}): {ex.GetType().Name}: {ex.Message}");
            }
        }
        _out.WriteLine($"{HttpCases} HTTP cases: {results} results, {errors} clear errors, {failures.Count} other outcomes");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.True(results > 10 && errors > 10, $"results {results}, errors {errors}");
    }
}
