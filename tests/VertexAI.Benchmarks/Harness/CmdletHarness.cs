using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using VertexAI.Benchmarks.Server;
using VertexAI.Emulator;
using static VertexAI.Benchmarks.Report;

namespace VertexAI.Benchmarks.Harness;

/// <summary>
/// Benchmark 7 (issue 5, section 4): what a user of the module pays. <c>Cmdlets/CmdletBench.ps1</c> runs in a child pwsh
/// (the repository's local tool, 7.6.9) against the benchmark server and measures, side by side in that one pwsh:
/// sequential <c>Invoke-GeminiChat</c> against a raw <c>HttpClient</c> loop and <c>Invoke-RestMethod</c>; a 2,000-chunk
/// stream through <c>Get-GeminiStream</c> (chunk objects and <c>-TextOnly</c>) against a raw line loop; 1,000 piped
/// prompts with <c>-ThrottleLimit 16</c> against a 50 ms server (ideal 320/s). Then <c>Import-Module</c> in fresh pwsh
/// processes. Before anything is timed, a parity check runs the same script functions once against an in-process
/// emulator and compares what each side sent.
/// </summary>
internal static class CmdletHarness
{
    private sealed record Sample(string Part, string Side, int Round, int Block, int Count, double Ms);

    public static async Task RunAsync(RunOptions options, ServerProcess server, Report report)
    {
        Console.WriteLine("=== 7. cmdlets (pwsh) ===");
        var repo = RepoRoot();
        var script = Path.Combine(repo, "tests", "VertexAI.Benchmarks", "Cmdlets", "CmdletBench.ps1");
        var module = Environment.GetEnvironmentVariable("VERTEXAI_MODULE_MANIFEST") is { Length: > 0 } m
            ? Path.GetFullPath(m)
            : Path.Combine(repo, "out", "VertexAI", "VertexAI.psd1");
        if (!File.Exists(module))
        {
            throw new FileNotFoundException($"no built module at {module}: run `dotnet publish src/VertexAI -c Release` first");
        }

        WarnIfStale(repo, module);
        var pwsh = await Pwsh.FindAsync(repo);
        Console.WriteLine($"pwsh: {pwsh.Describe()}; module: {module}");
        var version = (await pwsh.RunAsync(["-NoProfile", "-NonInteractive", "-Command", "$PSVersionTable.PSVersion.ToString()"], repo)).Stdout.Trim();

        await ParityAsync(pwsh, repo, script, module, report);

        // The measured run: one child pwsh against the benchmark server.
        var quick = options.Quick;
        var rounds = options.RoundsGiven ? options.Rounds : quick ? 3 : 5;
        var calls = quick ? 500 : 2000;
        var streams = quick ? 4 : 10;
        var batchRuns = quick ? 1 : 3;
        string[] args =
        [
            "-NoProfile", "-NonInteractive", "-File", script, "-Mode", "Bench", "-Module", module,
            "-BaseUri", server.BaseUri.ToString(), "-Token", server.Token,
            "-SmallPrompt", Payloads.SmallPrompt, "-StreamPrompt", Payloads.StreamPrompt, "-DelayedPrompt", Payloads.DelayedPrompt,
            "-Project", Payloads.Project, "-Location", Payloads.Location, "-Model", Payloads.Model,
            "-Rounds", Inv(rounds), "-Calls", Inv(calls), "-WarmupCalls", Inv(quick ? 300 : 1000),
            "-Streams", Inv(streams), "-WarmupStreams", Inv(quick ? 3 : 6),
            "-BatchPrompts", "1000", "-BatchRuns", Inv(batchRuns), "-ThrottleLimit", "16",
        ];
        var samples = new List<Sample>();
        var run = await pwsh.RunAsync(args, repo, line =>
        {
            if (line.StartsWith("RESULT ", StringComparison.Ordinal))
            {
                using var doc = JsonDocument.Parse(line[7..]);
                var r = doc.RootElement;
                var s = new Sample(r.GetProperty("part").GetString()!, r.GetProperty("side").GetString()!, r.GetProperty("round").GetInt32(),
                    r.GetProperty("block").GetInt32(), r.GetProperty("count").GetInt32(), r.GetProperty("ms").GetDouble());
                lock (samples) samples.Add(s);
                if (s.Part == "batch" || s.Block == 0)
                {
                    Console.WriteLine($"  {s.Part,-6} {s.Side,-12} round {s.Round} block {s.Block}: {s.Count} in {Ms(s.Ms)} ({Ms(s.Ms / s.Count)} each)");
                }
            }
            else if (line == "WARMED")
            {
                Console.WriteLine("  warmed up");
            }
        });
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"CmdletBench.ps1 failed ({run.ExitCode}): {run.Stderr}");
        }

        var load = LoadAverage();
        AddCalls(samples, report);
        AddStreams(samples, report);
        AddBatch(samples, report);
        var import = await ImportAsync(pwsh, repo, module, server, quick ? 5 : 10, report);

        report.Detail("Cmdlets: how it was measured",
            $"pwsh {version} (`{pwsh.Describe()}`), module `{Path.GetRelativePath(repo, module)}`; script "
            + "`tests/VertexAI.Benchmarks/Cmdlets/CmdletBench.ps1` in one child pwsh against the benchmark server (the emulator in its own process). "
            + $"Per call: {calls} sequential calls per side per round, {rounds} rounds; a round is 10 blocks, each running every side "
            + $"({calls / 10} calls) in an order rotated from block to block, so bursts of load from elsewhere hit every side alike; after "
            + $"{(quick ? 300 : 1000)} warm-up calls per side; times per call are medians over rounds; the ratio is the median over all blocks of cmdlet time ÷ raw time in the same block. "
            + $"Stream: {streams} streams of 2,000 chunks (501,940 B of event JSON, one write) per side per round, one per side per block, output collected into a variable "
            + "(`$chunks = Get-GeminiStream $p`; the raw loop writes each chunk's text to the pipeline the same way). "
            + $"Batch: 1,000 piped prompts, `-ThrottleLimit 16`, each answered after 50 ms; {batchRuns} run(s), median rate. "
            + $"Import: {import} fresh `pwsh -NoProfile` processes, `Import-Module` timed inside each with a Stopwatch; informational: the first call, an empty pwsh, and "
            + "fresh processes that import a built-in binary module (Microsoft.PowerShell.Security) first and then this one, "
            + "fresh processes that import an empty manifest (the baseline for the import), "
            + "and fresh processes that import a binary module with no cmdlets and one view (what PowerShell charges any module with views on its first import). "
            + $"Load average during the run: {load} (1/5/15 min).");
    }

    // Per side: time per call (or per stream) of each round (its blocks summed), and the ratio to the raw loop of each
    // block; rates are medians over rounds, ratios medians over blocks (the sides of a block ran moments apart).
    private static (List<Dictionary<string, double>> Rounds, Func<string, string, List<double>> BlockRatios) Shape(List<Sample> samples, string part)
    {
        var data = samples.Where(s => s.Part == part).ToList();
        var rounds = data.GroupBy(s => s.Round)
            .Select(g => g.GroupBy(s => s.Side).ToDictionary(x => x.Key, x => x.Sum(s => s.Ms) / x.Sum(s => s.Count))).ToList();
        var blocks = data.GroupBy(s => (s.Round, s.Block)).Select(g => g.ToDictionary(s => s.Side, s => s.Ms / s.Count)).ToList();
        return (rounds, (side, baseline) => blocks.Where(b => b.ContainsKey(side) && b.ContainsKey(baseline)).Select(b => b[side] / b[baseline]).ToList());
    }

    private static string Spread(List<double> ratios) =>
        $"{ratios.Count} blocks, quartiles {F(Stats.Percentile(ratios, 25))}–{F(Stats.Percentile(ratios, 75))}";

    private static void AddCalls(List<Sample> samples, Report report)
    {
        var (rounds, ratios) = Shape(samples, "call");
        double Med(string side) => Stats.Median(rounds.Select(r => r[side]));
        string PerCall(double ms) => $"{Us(ms)} ({F(1000 / ms, "0")}/s)";
        var cmdlet = ratios("cmdlet", "raw");
        var irm = ratios("irm", "raw");
        report.Add("7. cmdlets", "Invoke-GeminiChat, sequential, per call vs raw HttpClient loop", PerCall(Med("cmdlet")), PerCall(Med("raw")),
            $"{F(Stats.Median(cmdlet))}× ({Spread(cmdlet)})", "≤ 1.5×", Stats.Median(cmdlet) <= 1.5);
        report.Add("7. cmdlets", "Invoke-RestMethod, per call vs raw HttpClient loop", PerCall(Med("irm")), PerCall(Med("raw")),
            $"{F(Stats.Median(irm))}× ({Spread(irm)})", "—", null);
        report.Add("7. cmdlets", "Invoke-GeminiChat overhead per call above the raw loop (median block)",
            Us(Stats.Median(cmdlet) * Med("raw") - Med("raw")), "—", "—", "—", null);
    }

    private static void AddStreams(List<Sample> samples, Report report)
    {
        var (rounds, ratios) = Shape(samples, "stream");
        double Med(string side) => Stats.Median(rounds.Select(r => r[side]));
        foreach (var (side, what) in new[] { ("stream", "Get-GeminiStream (chunk objects)"), ("stream-text", "Get-GeminiStream -TextOnly") })
        {
            var r = ratios(side, "stream-raw");
            report.Add("7. cmdlets", $"{what}, 2,000-chunk stream vs raw line loop", Ms(Med(side)), Ms(Med("stream-raw")),
                $"{F(Stats.Median(r))}× ({Spread(r)})", "≤ 1.3×", Stats.Median(r) <= 1.3);
        }
    }

    private static void AddBatch(List<Sample> samples, Report report)
    {
        var runs = samples.Where(s => s.Part == "batch").Select(s => s.Count / (s.Ms / 1000)).ToList();
        var ideal = 16 / Payloads.BatchDelay.TotalSeconds;
        var rate = Stats.Median(runs);
        report.Add("7. cmdlets", "1,000 prompts piped to Invoke-GeminiChat -ThrottleLimit 16, 50 ms server", $"{F(rate, "0.0")}/s",
            $"ideal {F(ideal, "0")}/s", $"{F(rate / ideal * 100, "0.0")}% (runs {string.Join(", ", runs.Select(r => F(r, "0.0")))}/s)", "≥ 90%", rate / ideal >= 0.9);
    }

    private static async Task<int> ImportAsync(Pwsh pwsh, string repo, string module, ServerProcess server, int samples, Report report)
    {
        var quoted = module.Replace("'", "''");
        var measure =
            "$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module '" + quoted + "'; $import = $sw.Elapsed.TotalMilliseconds; "
            + $"Set-GeminiContext -BaseUri '{server.BaseUri}' -AccessToken '{server.Token}' -Project {Payloads.Project} -Location {Payloads.Location} -Model {Payloads.Model}; "
            + $"$sw.Restart(); $null = Invoke-GeminiChat '{Payloads.SmallPrompt}'; $first = $sw.Elapsed.TotalMilliseconds; "
            + "[Console]::Out.WriteLine([string]::Format([Globalization.CultureInfo]::InvariantCulture, 'IMPORT {0} {1}', $import, $first))";
        // PowerShell's own first import (module machinery, format loading: JIT) against VertexAI's part: a built-in binary
        // module first, then this one, in the same fresh process.
        var warmed =
            "$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module Microsoft.PowerShell.Security; $builtin = $sw.Elapsed.TotalMilliseconds; "
            + "$sw.Restart(); Import-Module '" + quoted + "'; $after = $sw.Elapsed.TotalMilliseconds; "
            + "[Console]::Out.WriteLine([string]::Format([Globalization.CultureInfo]::InvariantCulture, 'WARMED {0} {1}', $builtin, $after))";
        // The baseline in the same run: the first import of a module that has nothing in it (a manifest with no root
        // module, files or exports) in a fresh pwsh: what any import costs there (module machinery, JIT), at this load.
        var trivialDir = Path.Combine(Path.GetTempPath(), "vertexai-bench-trivial-" + Guid.NewGuid().ToString("N"), "Trivial");
        Directory.CreateDirectory(trivialDir);
        var trivialManifest = Path.Combine(trivialDir, "Trivial.psd1");
        File.WriteAllText(trivialManifest, "@{ ModuleVersion = '1.0.0'; GUID = '0c6a1f0e-5d1e-4a8e-9a57-3a4c1c2f7b10'; "
            + "FunctionsToExport = @(); CmdletsToExport = @(); VariablesToExport = @(); AliasesToExport = @() }");
        // A baseline's first import, timed inside a fresh pwsh: one line, "<tag> <ms>".
        static string TimedImport(string manifest, string tag) =>
            "$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module '" + manifest.Replace("'", "''") + "'; $t = $sw.Elapsed.TotalMilliseconds; "
            + "[Console]::Out.WriteLine([string]::Format([Globalization.CultureInfo]::InvariantCulture, '" + tag + " {0}', $t))";
        var trivial = TimedImport(trivialManifest, "TRIVIAL");
        // A second baseline: a binary module with one view, what PowerShell charges any such module on its first import
        // in a fresh pwsh (its binary-module machinery, and the first format update, which builds PowerShell's own
        // format tables and loads its XML reader). Its root module is a copy of the module's requirements check (a
        // binary module with no cmdlets); a build without that file gets a manifest with the view only.
        var viewsDir = Path.Combine(Path.GetDirectoryName(trivialDir)!, "Views");
        Directory.CreateDirectory(viewsDir);
        var check = Path.Combine(Path.GetDirectoryName(module)!, "VertexAI.Requirements.dll");
        var viewsRoot = File.Exists(check);
        if (viewsRoot) File.Copy(check, Path.Combine(viewsDir, "VertexAI.Requirements.dll"));
        File.WriteAllText(Path.Combine(viewsDir, "Views.format.ps1xml"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Configuration><ViewDefinitions><View><Name>Bench.View</Name>"
            + "<ViewSelectedBy><TypeName>Bench.Views.Item</TypeName></ViewSelectedBy><TableControl><TableHeaders><TableColumnHeader><Label>Name</Label></TableColumnHeader>"
            + "</TableHeaders><TableRowEntries><TableRowEntry><TableColumnItems><TableColumnItem><PropertyName>Name</PropertyName></TableColumnItem>"
            + "</TableColumnItems></TableRowEntry></TableRowEntries></TableControl></View></ViewDefinitions></Configuration>");
        var viewsManifest = Path.Combine(viewsDir, "Views.psd1");
        File.WriteAllText(viewsManifest, "@{ ModuleVersion = '1.0.0'; GUID = '5b0f3c1e-2d4a-4f8e-8c51-6e2a9d7b1c40'; "
            + (viewsRoot ? "RootModule = 'VertexAI.Requirements.dll'; " : "")
            + "FormatsToProcess = @('Views.format.ps1xml'); FunctionsToExport = @(); CmdletsToExport = @(); VariablesToExport = @(); AliasesToExport = @() }");
        var views = TimedImport(viewsManifest, "VIEWS");
        var viewsImport = new List<double>();
        var trivialImport = new List<double>();
        var builtin = new List<double>();
        var afterBuiltin = new List<double>();
        var import = new List<double>();
        var first = new List<double>();
        var wallImport = new List<double>();
        var wallEmpty = new List<double>();
        async Task<(double Wall, string Out)> Once(string command)
        {
            var clock = Stopwatch.StartNew();
            var r = await pwsh.RunAsync(["-NoProfile", "-NonInteractive", "-Command", command], repo);
            if (r.ExitCode != 0) throw new InvalidOperationException($"pwsh failed ({r.ExitCode}): {r.Stderr}");
            return (clock.Elapsed.TotalMilliseconds, r.Stdout);
        }

        // One unmeasured start of each (disk cache).
        await Once(measure);
        await Once("exit 0");
        await Once(warmed);
        await Once(trivial);
        await Once(views);
        for (var i = 0; i < samples; i++)
        {
            foreach (var which in new[] { 0, 1, 2, 3, 4 }.Select(k => (k + i) % 5))
            {
                if (which == 4)
                {
                    viewsImport.Add(Line((await Once(views)).Out, "VIEWS ")[0]);
                    continue;
                }

                if (which == 3)
                {
                    trivialImport.Add(Line((await Once(trivial)).Out, "TRIVIAL ")[0]);
                    continue;
                }

                if (which == 1)
                {
                    wallEmpty.Add((await Once("exit 0")).Wall);
                    continue;
                }

                if (which == 2)
                {
                    var parts = Line((await Once(warmed)).Out, "WARMED ");
                    builtin.Add(parts[0]);
                    afterBuiltin.Add(parts[1]);
                    continue;
                }

                var (wall, output) = await Once(measure);
                var line = Line(output, "IMPORT ");
                import.Add(line[0]);
                first.Add(line[1]);
                wallImport.Add(wall);
            }
        }

        try { Directory.Delete(Path.GetDirectoryName(trivialDir)!, recursive: true); } catch (IOException) { }

        var med = Stats.Median(import);
        var trivialMed = Stats.Median(trivialImport);
        report.Add("7. cmdlets", "Import-Module in a fresh pwsh (median, timed inside the process)", Ms(med), "—",
            $"min {Ms(import.Min())}, max {Ms(import.Max())}", "≤ 150 ms", med <= 150);
        report.Add("7. cmdlets", "Import-Module in a fresh pwsh vs a trivial manifest's first import in a fresh pwsh (same run)", Ms(med),
            Ms(trivialMed) + " (empty manifest)", $"{F(med / trivialMed)}×, VertexAI's part {Ms(med - trivialMed)}", "—", null);
        var viewsMed = Stats.Median(viewsImport);
        report.Add("7. cmdlets", "Import-Module in a fresh pwsh vs a binary module with one view (same run)", Ms(med),
            Ms(viewsMed) + (viewsRoot ? " (no cmdlets, one view)" : " (manifest with one view; this build has no VertexAI.Requirements.dll)"),
            $"{F(med / viewsMed)}×, VertexAI's own part {Ms(med - viewsMed)}", "—", null);
        report.Add("7. cmdlets", "Import-Module after a built-in module's import warmed PowerShell's module machinery", Ms(Stats.Median(afterBuiltin)),
            Ms(Stats.Median(builtin)) + " (Import-Module Microsoft.PowerShell.Security, first)", $"{F(Stats.Median(afterBuiltin) / Stats.Median(builtin))}×", "—", null);
        report.Add("7. cmdlets", "first Invoke-GeminiChat after the import (JIT, first connection)", Ms(Stats.Median(first)), "—",
            $"min {Ms(first.Min())}, max {Ms(first.Max())}", "—", null);
        report.Add("7. cmdlets", "fresh pwsh: import + first call, wall time vs an empty pwsh", Ms(Stats.Median(wallImport)),
            Ms(Stats.Median(wallEmpty)), (Stats.Median(wallImport) >= Stats.Median(wallEmpty) ? "+" : "−") + Ms(Math.Abs(Stats.Median(wallImport) - Stats.Median(wallEmpty))), "—", null);
        return samples;
    }

    private static double[] Line(string output, string prefix) =>
        output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Split(' ')
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Runs the script's functions once each against an in-process emulator and compares the requests.</summary>
    private static async Task ParityAsync(Pwsh pwsh, string repo, string script, string module, Report report)
    {
        await using var emulator = await VertexEmulator.StartAsync();
        var run = await pwsh.RunAsync(
            ["-NoProfile", "-NonInteractive", "-File", script, "-Mode", "Parity", "-Module", module, "-BaseUri", emulator.BaseUri.ToString(),
             "-Token", emulator.DefaultToken, "-SmallPrompt", Payloads.SmallPrompt, "-Project", Payloads.Project, "-Location", Payloads.Location,
             "-Model", Payloads.Model], repo);
        if (run.ExitCode != 0) throw new InvalidOperationException($"CmdletBench.ps1 -Mode Parity failed ({run.ExitCode}): {run.Stderr}");
        var answers = run.Stdout.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("ANSWER ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')).ToDictionary(p => p[1], p => p.Length > 2 ? Encoding.UTF8.GetString(Convert.FromBase64String(p[2])) : "");
        var chats = emulator.ChatRequests;
        if (chats.Count != 6) throw new InvalidOperationException($"parity: expected 6 chat requests, the emulator saw {chats.Count}");
        string[] sides = ["cmdlet", "raw", "irm", "stream", "stream-text", "stream-raw"];
        var bySide = sides.Select((s, i) => (s, chats[i])).ToDictionary(x => x.s, x => x.Item2);
        var lines = new List<string>();
        var same = true;

        // Must be identical: the raw loop against the cmdlet (body, path, every header name and value).
        foreach (var (a, b) in new[] { ("cmdlet", "raw"), ("stream", "stream-raw"), ("stream", "stream-text") })
        {
            var x = bySide[a];
            var y = bySide[b];
            var body = x.Body == y.Body;
            var headers = Headers(x).SequenceEqual(Headers(y));
            same &= body && headers && x.Path == y.Path;
            lines.Add($"- {a} vs {b}: body {(body ? "identical" : "DIFFERENT")} (`{x.Body}`{(body ? "" : $" vs `{y.Body}`")}), path {(x.Path == y.Path ? "identical" : "DIFFERENT")}, "
                + $"headers (names and values) {(headers ? "identical" : "DIFFERENT")} ({string.Join(", ", Headers(x).Select(h => h.Key))}"
                + (headers ? "" : $" vs {string.Join(", ", Headers(y).Select(h => h.Key + "=" + h.Value))}") + ")");
        }

        // Invoke-RestMethod: the same body and path; its own headers are reported, not required.
        var irm = bySide["irm"];
        var irmBody = irm.Body == bySide["cmdlet"].Body;
        same &= irmBody && irm.Path == bySide["cmdlet"].Path;
        lines.Add($"- cmdlet vs Invoke-RestMethod: body {(irmBody ? "identical" : "DIFFERENT")}, path {(irm.Path == bySide["cmdlet"].Path ? "identical" : "DIFFERENT")}; "
            + $"header names {string.Join(", ", Headers(irm).Select(h => h.Key))}");

        var text = answers.GetValueOrDefault("cmdlet");
        var answersSame = text is { Length: > 0 } && answers.GetValueOrDefault("raw") == text && answers.GetValueOrDefault("irm") == text
            && answers.GetValueOrDefault("stream") is { Length: > 0 } st && answers.GetValueOrDefault("stream-text") == st && answers.GetValueOrDefault("stream-raw") == st;
        same &= answersSame;
        lines.Add($"- answers: {(answersSame ? "identical" : "DIFFERENT: " + string.Join(" | ", answers.Select(kv => kv.Key + ": " + kv.Value)))}");
        report.Detail("Cmdlets: request parity (module vs the pwsh raw loops)", string.Join('\n', lines));
        if (!same)
        {
            throw new InvalidOperationException("the cmdlets and the raw pwsh loops do not send the same requests; the comparison would be unfair");
        }
    }

    private static List<KeyValuePair<string, string>> Headers(RecordedRequest r) =>
        r.Headers.Select(h => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), h.Value))
            .Where(h => h.Key is not ("content-length" or "host")).OrderBy(h => h.Key, StringComparer.Ordinal).ToList();

    private static void WarnIfStale(string repo, string module)
    {
        var dll = Path.Combine(Path.GetDirectoryName(module)!, "VertexAI.dll");
        if (!File.Exists(dll)) return;
        var built = File.GetLastWriteTimeUtc(dll);
        var newer = Directory.EnumerateFiles(Path.Combine(repo, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.GetLastWriteTimeUtc(f) > built).ToList();
        if (newer.Count > 0)
        {
            Console.Error.WriteLine($"warning: {newer.Count} source file(s) under src/ are newer than {dll} (e.g. {Path.GetRelativePath(repo, newer[0])}); "
                + "run `dotnet publish src/VertexAI -c Release` to measure the current code.");
        }
    }

    private static string RepoRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "VertexAIPs.sln"))) return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (VertexAIPs.sln) above the current directory");
    }

    private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The repository's pwsh (local .NET tool): <c>dotnet $PSHOME/pwsh.dll</c>, or <c>VERTEXAI_BENCH_PWSH</c>.</summary>
    private sealed class Pwsh(string file, string[] prefix)
    {
        public string Describe() => string.Join(' ', prefix.Prepend(file));

        public static async Task<Pwsh> FindAsync(string repo)
        {
            if (Environment.GetEnvironmentVariable("VERTEXAI_BENCH_PWSH") is { Length: > 0 } given)
            {
                return given.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? new Pwsh(DotnetHost.Path, [given]) : new Pwsh(given, []);
            }

            // `dotnet tool run pwsh` costs a tool lookup per start; the import samples want pwsh alone.
            var tool = new Pwsh(DotnetHost.Path, ["tool", "run", "pwsh", "--"]);
            var home = await tool.RunAsync(["-NoProfile", "-NonInteractive", "-Command", "$PSHOME"], repo);
            if (home.ExitCode != 0)
            {
                throw new InvalidOperationException($"no pwsh: `dotnet tool restore` in the repository first ({home.Stderr.Trim()})");
            }

            var dll = Path.Combine(home.Stdout.Trim(), "pwsh.dll");
            return File.Exists(dll) ? new Pwsh(DotnetHost.Path, [dll]) : tool;
        }

        public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, string workingDirectory, Action<string>? onLine = null)
        {
            var start = new ProcessStartInfo(file)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = workingDirectory,
            };
            foreach (var a in prefix.Concat(args)) start.ArgumentList.Add(a);
            start.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
            start.Environment["POWERSHELL_UPDATECHECK"] = "Off";
            start.Environment["NO_COLOR"] = "1";
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
            var stdout = new StringBuilder();
            var stderr = process.StandardError.ReadToEndAsync();
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                stdout.AppendLine(line);
                onLine?.Invoke(line);
            }

            await process.WaitForExitAsync();
            return (process.ExitCode, stdout.ToString(), await stderr);
        }
    }
}
