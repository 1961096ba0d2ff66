using VertexAI.Auth;
using VertexAI.Benchmarks.Baseline;

namespace VertexAI.Benchmarks;

/// <summary>How both sides are built: the core exactly as the module builds it; the baseline with one shared HttpClient.</summary>
internal static class Clients
{
    private static readonly Lazy<HttpClient> BaselineHttp = new(BaselineClient.CreateHttpClient);

    public static GeminiClient Core(Uri baseUri, IAccessTokenSource tokens) => new(new GeminiClientOptions
    {
        Endpoint = VertexEndpoint.Resolve(
            new EndpointSettings { Project = Payloads.Project, Location = Payloads.Location, BaseUri = baseUri, Model = Payloads.Model },
            _ => null),
        TokenSource = tokens,
    });

    public static GeminiClient Core(Uri baseUri, string token) => Core(baseUri, new StaticTokenSource(token));

    public static BaselineClient Baseline(Uri baseUri, string token) =>
        new(BaselineHttp.Value, baseUri, Payloads.Project, Payloads.Location, Payloads.WireModel, token);

    /// <summary>A one-message request, built per call as a script would.</summary>
    public static ChatRequest Prompt(string text) => new() { Messages = { new ChatMessage("user", text) } };

    /// <summary>Runs <paramref name="total"/> calls with <paramref name="concurrency"/> workers; returns the elapsed time.</summary>
    public static async Task<TimeSpan> RunConcurrentAsync(int total, int concurrency, Func<Task> call)
    {
        var next = -1;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < total)
            {
                await call().ConfigureAwait(false);
            }
        })).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return clock.Elapsed;
    }
}

/// <summary>What the BenchmarkDotNet classes (run in this process) need to know.</summary>
internal static class BenchContext
{
    public static Uri BaseUri { get; set; } = new("http://127.0.0.1/");

    public static string Token { get; set; } = "";

    public static bool Quick { get; set; }
}

/// <summary>Small statistics helpers.</summary>
internal static class Stats
{
    /// <summary>The middle value; the mean of the two middle ones for an even count.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return double.NaN;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
