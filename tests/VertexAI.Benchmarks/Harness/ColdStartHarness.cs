using System.Diagnostics;
using System.Reflection;
using VertexAI.Benchmarks.Server;
using static VertexAI.Benchmarks.Report;

namespace VertexAI.Benchmarks.Harness;

/// <summary>
/// Benchmark 6: what a script that runs once pays. Each sample is a fresh <c>dotnet app.dll</c> process that makes one
/// non-streaming request and prints the answer: the core app (VertexAI.Core, static token), the baseline app (the same
/// hand-written client as everywhere else, nothing else loaded), the core app with ADC (informational: adds
/// Google.Apis.Auth and one token fetch), and an empty process (the runtime's own start-up, for scale).
/// </summary>
internal static class ColdStartHarness
{
    private sealed record App(string Name, string Dll, string[] Args, IDictionary<string, string>? Env = null);

    public static async Task RunAsync(RunOptions options, ServerProcess server, Report report)
    {
        Console.WriteLine("=== 6. cold start ===");
        var root = Metadata("ColdStartRoot");
        var configuration = Metadata("Configuration");
        string Dll(string folder, string name) => Path.Combine(root, folder, "bin", configuration, "net10.0", name + ".dll");
        var coreDll = Dll("Core", "VertexAI.Benchmarks.ColdCore");
        var baseDll = Dll("Baseline", "VertexAI.Benchmarks.ColdBaseline");
        foreach (var dll in new[] { coreDll, baseDll })
        {
            if (!File.Exists(dll))
            {
                throw new FileNotFoundException($"cold-start app not built: {dll} (build tests/VertexAI.Benchmarks in {configuration})");
            }
        }

        var url = server.BaseUri.ToString();
        var apps = new[]
        {
            new App("baseline", baseDll, [url, server.Token, Payloads.SmallPrompt]),
            new App("core", coreDll, [url, server.Token, Payloads.SmallPrompt]),
            new App("core + ADC", coreDll, [url, "--adc", Payloads.SmallPrompt],
                new Dictionary<string, string> { ["GOOGLE_APPLICATION_CREDENTIALS"] = server.KeyFile }),
            new App("empty process", baseDll, ["--noop"]),
        };

        // One unmeasured start each (disk cache), and the answers must agree.
        var answers = new Dictionary<string, string>();
        foreach (var app in apps)
        {
            answers[app.Name] = (await RunAsync(app)).Output;
        }

        if (answers["core"] != answers["baseline"] || answers["core + ADC"] != answers["baseline"] || answers["baseline"].Length == 0)
        {
            throw new InvalidOperationException($"cold-start apps disagree: {string.Join(" | ", answers.Select(kv => kv.Key + ": " + kv.Value))}");
        }

        var samples = options.Quick ? 5 : 15;
        var times = apps.ToDictionary(a => a.Name, _ => new List<double>());
        for (var i = 0; i < samples; i++)
        {
            // Rotate the order so that no app always follows the same one.
            for (var k = 0; k < apps.Length; k++)
            {
                var app = apps[(i + k) % apps.Length];
                times[app.Name].Add((await RunAsync(app)).Ms);
            }
        }

        var median = times.ToDictionary(kv => kv.Key, kv => Stats.Median(kv.Value));
        var ratio = median["core"] / median["baseline"];
        report.Add("6. cold start", "fresh process, one request (median wall time)", Ms(median["core"]), Ms(median["baseline"]),
            F(ratio) + "×", "≤ 1.5×", ratio <= 1.5);
        report.Add("6. cold start", "same, core with ADC (one token fetch)", Ms(median["core + ADC"]), Ms(median["baseline"]),
            F(median["core + ADC"] / median["baseline"]) + "×", "—", null);
        report.Detail("Cold start",
            $"{samples} fresh processes per app (`dotnet <app>.dll`, framework-dependent Release build, default tiered JIT), "
            + "interleaved; wall time from process start to exit, as a script pays it. Medians: "
            + string.Join("; ", apps.Select(a => $"{a.Name} {Ms(median[a.Name])} (min {Ms(times[a.Name].Min())}, max {Ms(times[a.Name].Max())})"))
            + $". Above the empty process: core +{Ms(median["core"] - median["empty process"])}, "
            + $"baseline +{Ms(median["baseline"] - median["empty process"])}.");
    }

    private static async Task<(double Ms, string Output)> RunAsync(App app)
    {
        var start = new ProcessStartInfo(DotnetHost.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(app.Dll);
        foreach (var arg in app.Args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in app.Env ?? new Dictionary<string, string>()) start.Environment[name] = value;

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {app.Name}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        var output = (await stdout).Trim();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{app.Name} exited with {process.ExitCode}: {await stderr}");
        }

        return (elapsed, output);
    }

    private static string Metadata(string key) =>
        typeof(ColdStartHarness).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} missing");
}
