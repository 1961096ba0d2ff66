using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace VertexAI.Benchmarks;

/// <summary>The results of one run: one row per target (met or not), informational rows, and details per part.</summary>
internal sealed class Report(RunOptions options)
{
    private readonly List<Row> _rows = [];
    private readonly List<(string Title, string Body)> _details = [];
    private readonly DateTimeOffset _started = DateTimeOffset.Now;
    private readonly string _loadAtStart = LoadAverage();

    public sealed record Row(string Benchmark, string Metric, string Core, string Baseline, string Ratio, string Target, bool? Met);

    /// <summary>A measured value against its target; <paramref name="met"/> null for informational rows.</summary>
    public void Add(string benchmark, string metric, string core, string baseline, string ratio, string target, bool? met)
    {
        var row = new Row(benchmark, metric, core, baseline, ratio, target, met);
        _rows.Add(row);
        Console.WriteLine($"[{benchmark}] {metric}: core {core}, baseline {baseline}, ratio {ratio}, target {target}{Verdict(met)}");
    }

    public void Detail(string title, string markdown)
    {
        _details.Add((title, markdown));
        Console.WriteLine();
        Console.WriteLine($"### {title}");
        Console.WriteLine(markdown);
    }

    public int Missed => _rows.Count(r => r.Met == false);

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"# VertexAI benchmark results ({(options.Quick ? "quick" : "full")} mode)");
        sb.AppendLine();
        sb.AppendLine($"- date: {_started:yyyy-MM-dd HH:mm zzz}, took {(DateTimeOffset.Now - _started).TotalMinutes:0.0} min");
        sb.AppendLine($"- command: `{options.CommandLine}`");
        sb.AppendLine($"- machine: {MachineDescription()}");
        sb.AppendLine($"- load average (1/5/15 min) at start: {_loadAtStart}; at end: {LoadAverage()}");
        if (options.RunsCore) sb.AppendLine($"- BenchmarkDotNet rounds: {options.Rounds}");
        if (options.Runs("cmdlets")) sb.AppendLine("- rows 7: \"core\" is the cmdlet, \"baseline\" the raw loop in the same pwsh (or the ideal rate)");
        sb.AppendLine();
        sb.AppendLine("| benchmark | metric | core | baseline | ratio | target | met |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in _rows)
        {
            sb.AppendLine($"| {r.Benchmark} | {r.Metric} | {r.Core} | {r.Baseline} | {r.Ratio} | {r.Target} | {MetCell(r.Met)} |");
        }

        foreach (var (title, body) in _details)
        {
            sb.AppendLine();
            sb.AppendLine($"## {title}");
            sb.AppendLine();
            sb.AppendLine(body.TrimEnd());
        }

        return sb.ToString();
    }

    public static string MachineDescription()
    {
        var cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return $"{Environment.ProcessorCount} logical cores ({cpu}), {memory:0} GiB, {RuntimeInformation.OSDescription}, "
            + $"{RuntimeInformation.FrameworkDescription} {RuntimeInformation.ProcessArchitecture}";
    }

    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} / {parts[1]} / {parts[2]}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    public static string F(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Ms(double ms) => ms >= 100 ? F(ms, "0") + " ms" : ms >= 10 ? F(ms, "0.0") + " ms" : F(ms, "0.000") + " ms";

    public static string Us(double ms) => F(ms * 1000, "0") + " µs";

    private static string MetCell(bool? met) => met switch { true => "yes", false => "**NO**", null => "(info)" };

    private static string Verdict(bool? met) => met switch { true => "  -> met", false => "  -> MISSED", null => "" };

    public static string GitCommit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (git is null) return "?";
            var text = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? text : "?";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }
}
