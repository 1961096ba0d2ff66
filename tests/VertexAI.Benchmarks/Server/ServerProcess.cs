using System.Diagnostics;
using VertexAI.Emulator;

namespace VertexAI.Benchmarks.Server;

/// <summary>
/// The emulator in a process of its own (this program with <c>--serve</c>), so that what the benchmarks measure in
/// this process (time, and above all allocations: BenchmarkDotNet's MemoryDiagnoser counts the whole process) is the
/// client's alone. It stops when this process closes its standard input, or dies.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri baseUri, string token, string keyFile)
    {
        _process = process;
        BaseUri = baseUri;
        Token = token;
        KeyFile = keyFile;
    }

    public Uri BaseUri { get; }

    public string Token { get; }

    /// <summary>A service-account key file whose <c>token_uri</c> is this server's (for ADC in child processes).</summary>
    public string KeyFile { get; }

    public static async Task<ServerProcess> StartAsync()
    {
        var start = new ProcessStartInfo(DotnetHost.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        start.ArgumentList.Add("--serve");
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the benchmark server");
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? url = null, token = null, keyFile = null;
            while (url is null || token is null || keyFile is null)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException("the benchmark server exited before it was ready");
                if (line.StartsWith("URL=", StringComparison.Ordinal)) url = line[4..];
                else if (line.StartsWith("TOKEN=", StringComparison.Ordinal)) token = line[6..];
                else if (line.StartsWith("KEYFILE=", StringComparison.Ordinal)) keyFile = line[8..];
            }

            return new ServerProcess(process, new Uri(url), token, keyFile);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>The <c>--serve</c> side: an emulator with the benchmark scenarios until standard input closes.</summary>
    public static async Task<int> ServeAsync()
    {
        await using var emulator = await VertexEmulator.StartAsync(new EmulatorOptions());
        emulator.ScenarioSelector = BenchScenarios.Selector();
        var keyFile = Path.Combine(Path.GetTempPath(), $"vertexai-bench-key-{Environment.ProcessId}.json");
        await File.WriteAllTextAsync(keyFile, emulator.CreateServiceAccountKeyJson());
        try
        {
            Console.WriteLine($"URL={emulator.BaseUri}");
            Console.WriteLine($"TOKEN={emulator.DefaultToken}");
            Console.WriteLine($"KEYFILE={keyFile}");
            Console.Out.Flush();

            // The request log keeps every request; hundreds of thousands of them would make this process's GC the noise.
            using var stop = new CancellationTokenSource();
            var trimmer = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    emulator.ClearLog();
                }
            });
            await Console.In.ReadToEndAsync();
            await stop.CancelAsync();
            await trimmer;
            return 0;
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }
}

/// <summary>The <c>dotnet</c> host that runs this process, for starting the server and the cold-start apps.</summary>
internal static class DotnetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } self && System.IO.Path.GetFileName(self) == exe)
        {
            return self;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/ -> <root>/dotnet
        var runtimeDir = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
        var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(runtimeDir, "..", "..", "..", exe));
        return File.Exists(candidate) ? candidate : exe;
    }
}
