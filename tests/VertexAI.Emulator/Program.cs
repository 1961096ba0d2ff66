using System.Globalization;
using System.Runtime.InteropServices;

namespace VertexAI.Emulator;

/// <summary>
/// <c>dotnet run --project tests/VertexAI.Emulator [-- --port N] [--token-lifetime SECONDS] [--no-auth]</c>:
/// runs an emulator until Ctrl+C or SIGTERM. The first two stdout lines are parsed by scripts; keep them stable.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var options = new EmulatorOptions();
        if (!TryParse(args, options, out var error))
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine("usage: VertexAI.Emulator [--port N] [--token-lifetime SECONDS] [--no-auth]");
            return 2;
        }

        // Only signals stop it: stdin may be /dev/null when started from scripts, so EOF on stdin means nothing.
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult();
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

    private static bool TryParse(string[] args, EmulatorOptions options, out string error)
    {
        error = string.Empty;
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
                case "--no-auth":
                    options.RequireAuth = false;
                    break;
                default:
                    error = $"unknown or incomplete argument: {args[i]}";
                    return false;
            }
        }

        return true;
    }
}
