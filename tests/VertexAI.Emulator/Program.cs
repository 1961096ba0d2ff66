using System.Globalization;
using System.Runtime.InteropServices;

namespace VertexAI.Emulator;

/// <summary>
/// <c>dotnet run --project tests/VertexAI.Emulator [-- --port N] [--token-lifetime SECONDS] [--no-auth] [--parent-pid PID]
/// [--quota-rate R [--quota-burst B] [--quota-retry-after] [--quota-latency-ms N]]</c>:
/// runs an emulator until Ctrl+C or SIGTERM. The first two stdout lines are parsed by scripts; keep them stable.
/// With <c>--parent-pid</c> it belongs to that process (an interactive PowerShell session): it stops when that
/// process ends, however it ends, and ignores Ctrl+C, which the terminal also sends to the session's children.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var options = new EmulatorOptions();
        if (!TryParse(args, options, out var parentProcessId, out var error))
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine("usage: VertexAI.Emulator [--port N] [--token-lifetime SECONDS] [--no-auth] [--parent-pid PID]"
                + " [--quota-rate R [--quota-burst B] [--quota-retry-after] [--quota-latency-ms N]]");
            return 2;
        }

        // Only signals stop it: stdin may be /dev/null when started from scripts, so EOF on stdin means nothing.
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            if (context.Signal == PosixSignal.SIGINT && parentProcessId is not null)
            {
                return;
            }

            stop.TrySetResult();
        }

        if (parentProcessId is int parentId)
        {
            _ = WatchParentAsync(parentId, stop);
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        await using var emulator = await VertexEmulator.StartAsync(options);
        var stdout = Console.Out;
        stdout.WriteLine($"VERTEX_EMULATOR_URL={emulator.BaseUri}");
        stdout.WriteLine($"VERTEX_EMULATOR_TOKEN={emulator.DefaultToken}");
        stdout.WriteLine(
            "Try: Invoke-GeminiChat 'Hello' -BaseUri $url -AccessToken $token -Project p -Location us-central1"
            + (options.RequireAuth ? string.Empty : "   (auth is off: any token works)"));
        stdout.WriteLine("Press Ctrl+C to stop.");
        stdout.Flush();

        await stop.Task;
        return 0;
    }

    private static async Task WatchParentAsync(int parentId, TaskCompletionSource stop)
    {
        // Polling works on every OS; a second's delay in stopping after the parent is gone is harmless.
        while (true)
        {
            try
            {
                using var parent = System.Diagnostics.Process.GetProcessById(parentId);
                if (parent.HasExited)
                {
                    break;
                }
            }
            catch (ArgumentException)
            {
                break; // no such process any more
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        stop.TrySetResult();
    }

    private static bool TryParse(string[] args, EmulatorOptions options, out int? parentProcessId, out string error)
    {
        error = string.Empty;
        parentProcessId = null;
        double? quotaRate = null, quotaBurst = null, quotaLatencyMs = null;
        var quotaRetryAfter = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Length
                    && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535:
                    options.Port = port;
                    i++;
                    break;
                case "--token-lifetime" when i + 1 < args.Length
                    && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds):
                    options.TokenLifetime = TimeSpan.FromSeconds(seconds);
                    i++;
                    break;
                case "--parent-pid" when i + 1 < args.Length
                    && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var parentPid):
                    parentProcessId = parentPid;
                    i++;
                    break;
                case "--quota-rate" when i + 1 < args.Length
                    && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate > 0:
                    quotaRate = rate;
                    i++;
                    break;
                case "--quota-burst" when i + 1 < args.Length
                    && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var burst) && burst >= 1:
                    quotaBurst = burst;
                    i++;
                    break;
                case "--quota-latency-ms" when i + 1 < args.Length
                    && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var latency) && latency >= 0:
                    quotaLatencyMs = latency;
                    i++;
                    break;
                case "--quota-retry-after":
                    quotaRetryAfter = true;
                    break;
                case "--no-auth":
                    options.RequireAuth = false;
                    break;
                default:
                    error = $"unknown or incomplete argument: {args[i]}";
                    return false;
            }
        }

        if (quotaRate is double r)
        {
            options.Quota = new TokenBucketQuota(r, quotaBurst, quotaRetryAfter, TimeSpan.FromMilliseconds(quotaLatencyMs ?? 0));
        }
        else if (quotaBurst is not null || quotaLatencyMs is not null || quotaRetryAfter)
        {
            error = "--quota-burst, --quota-retry-after and --quota-latency-ms need --quota-rate";
            return false;
        }

        return true;
    }
}
