using VertexAI.Benchmarks.Harness;
using VertexAI.Benchmarks.Micro;
using VertexAI.Benchmarks.Server;

namespace VertexAI.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/VertexAI.Benchmarks [-- --quick]</c>: every benchmark of issue 5, each paired
/// with the hand-written baseline in the same run; ends with a table of ratios against their targets (also written as
/// Markdown under <c>BenchmarkDotNet.Artifacts/</c>). Exit code 0 even when a target is missed: it is a measurement,
/// not a gate (CI does not run it). <c>--cmdlets</c> runs the module's cmdlets in a child pwsh instead (benchmark 7).
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args is ["--serve"])
        {
            return await ServerProcess.ServeAsync();
        }

        var options = RunOptions.Parse(args, out var error);
        if (options is null)
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine(RunOptions.Usage);
            return 2;
        }

#if DEBUG
        Console.Error.WriteLine("warning: a Debug build measures nothing useful; run with -c Release.");
#endif
        BenchContext.Quick = options.Quick;
        var report = new Report(options);
        Console.WriteLine($"VertexAI benchmarks ({(options.Quick ? "quick" : "full")} mode), commit {Report.GitCommit()}");
        Console.WriteLine(Report.MachineDescription());

        if (options.RunsCore)
        {
            await ParityCheck.RunAsync(report);
        }

        await using (var server = await ServerProcess.StartAsync())
        {
            BenchContext.BaseUri = server.BaseUri;
            BenchContext.Token = server.Token;
            if (options.Runs("roundtrip") || options.Runs("streaming"))
            {
                MicroRunner.Run(options, report);
            }

            if (options.Runs("latency"))
            {
                await LatencyHarness.RunAsync(options, report);
            }

            if (options.Runs("batch"))
            {
                await BatchHarness.RunAsync(options, server, report);
            }

            if (options.Runs("auth"))
            {
                await AuthHarness.RunAsync(report);
            }

            if (options.Runs("coldstart"))
            {
                await ColdStartHarness.RunAsync(options, server, report);
            }

            if (options.Runs("quota"))
            {
                await QuotaHarness.RunAsync(options, server, report);
            }

            if (options.Runs("cmdlets"))
            {
                await CmdletHarness.RunAsync(options, server, report);
            }
        }

        var markdown = report.ToMarkdown();
        var path = options.Out ?? Path.Combine("BenchmarkDotNet.Artifacts", $"vertexai-{(options.Quick ? "quick" : "full")}-{DateTime.Now:yyyyMMdd-HHmmss}.md");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"Written to {Path.GetFullPath(path)}");
        Console.WriteLine(report.Missed == 0 ? "All targets met." : $"{report.Missed} target(s) missed.");
        return 0;
    }
}
