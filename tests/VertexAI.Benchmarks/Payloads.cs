using System.Buffers;
using System.Text;
using System.Text.Json;

namespace VertexAI.Benchmarks;

/// <summary>
/// Everything core and baseline are sent and answered with: prompts (which also tell the benchmark server what to
/// play) and response bodies shaped like Vertex's (key order, <c>logprobs: null</c>, <c>system_fingerprint: ""</c>,
/// usage on the last chunk), built once.
/// </summary>
public static class Payloads
{
    public const string Project = "bench-project";
    public const string Location = "us-central1";

    /// <summary>The model as a caller names it; on the wire the managed endpoint gets <see cref="WireModel"/>.</summary>
    public const string Model = "gemini-2.0-flash-001";

    public const string WireModel = "google/" + Model;

    public const string ResponseId = "nQiNafGyF5rw998PstqooAY";
    public const long Created = 1770850461;

    /// <summary>Benchmark 1: the emulator's own deterministic reply to a small prompt.</summary>
    public const string SmallPrompt = "Say hello in one short sentence.";

    /// <summary>Benchmark 2: 2,000 chunks in one write (the client's work dominates).</summary>
    public const string StreamPrompt = "bench:stream:2000";

    /// <summary>Benchmark 2, informational: the same 2,000 chunks, each written and flushed on its own.</summary>
    public const string StreamFlushedPrompt = "bench:stream:2000:flushed";

    /// <summary>Benchmark 3: 200 chunks 5 ms apart, stamped as they are sent (in-process emulator only).</summary>
    public const string LatencyPrompt = "bench:latency";

    /// <summary>Benchmark 4: a small completion after 50 ms.</summary>
    public const string DelayedPrompt = "bench:delay:50";

    public const int StreamChunks = 2000;
    public const int LatencyChunks = 200;
    public static readonly TimeSpan LatencyGap = TimeSpan.FromMilliseconds(5);
    public static readonly TimeSpan BatchDelay = TimeSpan.FromMilliseconds(50);

    private static readonly string[] Words =
    [
        "the", "backpack", "glowed", "softly", "as", "Maya", "opened", "it,", "and", "a", "small", "voice", "asked",
        "where", "they", "were", "going", "today.", "Clouds", "drifted", "over", "quiet", "hills", "while", "rivers",
        "carried", "old", "stories", "toward", "the", "sea;", "nobody", "noticed", "the", "map", "rewriting", "itself.",
    ];

    /// <summary>The 2,000 event payloads (JSON, no <c>data:</c> framing) of the throughput benchmark.</summary>
    public static IReadOnlyList<string> StreamEvents { get; } = BuildEvents(StreamChunks, Piece);

    /// <summary>The text those events add up to.</summary>
    public static string StreamText { get; } = string.Concat(Enumerable.Range(0, StreamChunks).Select(Piece));

    /// <summary>Bytes of JSON (UTF-8) in <see cref="StreamEvents"/>: the "event data" of MB/s.</summary>
    public static long StreamEventBytes { get; } = StreamEvents.Sum(e => (long)Encoding.UTF8.GetByteCount(e));

    /// <summary>The whole SSE body as sent (<c>data: {json}\n\n</c> per event, then <c>data: [DONE]\n\n</c>).</summary>
    public static string StreamSseBody { get; } = string.Concat(StreamEvents.Select(e => "data: " + e + "\n\n")) + "data: [DONE]\n\n";

    /// <summary>Text of the latency stream's chunk <paramref name="i"/>.</summary>
    public static string LatencyPiece(int i) => $"t{i} ";

    /// <summary>The latency stream's event payloads.</summary>
    public static IReadOnlyList<string> LatencyEvents { get; } = BuildEvents(LatencyChunks, LatencyPiece);

    /// <summary>The non-streaming answer of the batch benchmark.</summary>
    public static string DelayedCompletion { get; } = Completion("Hello! This answer took fifty milliseconds.");

    /// <summary>1 to 6 words, deterministic: Gemini streams a few tokens per chunk.</summary>
    public static string Piece(int i)
    {
        var count = 1 + (i * 7 % 6);
        var sb = new StringBuilder();
        for (var k = 0; k < count; k++)
        {
            sb.Append(Words[(i * 5 + k) % Words.Length]).Append(' ');
        }

        return sb.ToString();
    }

    private static IReadOnlyList<string> BuildEvents(int count, Func<int, string> piece) =>
        Enumerable.Range(0, count).Select(i => Chunk(piece(i), last: i == count - 1)).ToArray();

    private static string Chunk(string content, bool last) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteStartObject("delta");
        w.WriteString("content", content);
        w.WriteString("role", "assistant");
        w.WriteEndObject();
        if (last)
        {
            w.WriteString("finish_reason", "stop");
        }

        w.WriteNumber("index", 0);
        w.WriteNull("logprobs");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteNumber("created", Created);
        w.WriteString("id", ResponseId);
        w.WriteString("model", WireModel);
        w.WriteString("object", "chat.completion.chunk");
        w.WriteString("system_fingerprint", "");
        if (last)
        {
            WriteUsage(w);
        }

        w.WriteEndObject();
    });

    private static string Completion(string content) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteString("finish_reason", "stop");
        w.WriteNumber("index", 0);
        w.WriteNull("logprobs");
        w.WriteStartObject("message");
        w.WriteString("content", content);
        w.WriteString("role", "assistant");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteNumber("created", Created);
        w.WriteString("id", ResponseId);
        w.WriteString("model", WireModel);
        w.WriteString("object", "chat.completion");
        w.WriteString("system_fingerprint", "");
        WriteUsage(w);
        w.WriteEndObject();
    });

    private static void WriteUsage(Utf8JsonWriter w)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("completion_tokens", 4000);
        w.WriteStartObject("extra_properties");
        w.WriteStartObject("google");
        w.WriteString("traffic_type", "ON_DEMAND");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteNumber("prompt_tokens", 9);
        w.WriteNumber("total_tokens", 4009);
        w.WriteEndObject();
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(w);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
