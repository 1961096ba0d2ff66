namespace VertexAI.Benchmarks;

/// <summary>Command line: <c>[--quick] [--cmdlets] [--quota] [--only a,b] [--rounds N] [--out FILE]</c>.</summary>
internal sealed class RunOptions
{
    public static readonly string[] Parts = ["roundtrip", "streaming", "latency", "batch", "auth", "coldstart", "cmdlets", "quota"];

    /// <summary>Parts that run only when named (<c>--cmdlets</c> or <c>--only cmdlets</c>): they need pwsh and the built module.</summary>
    private static readonly string[] OptIn = ["cmdlets", "quota"];

    public bool Quick { get; private set; }

    public HashSet<string> Only { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>BenchmarkDotNet rounds: each round runs every micro-benchmark (baseline and core) once more.</summary>
    public int Rounds { get; private set; }

    public string? Out { get; private set; }

    public bool Runs(string part) => Only.Count == 0 ? !OptIn.Contains(part) : Only.Contains(part);

    /// <summary>Whether anything but the cmdlet part runs (the core's parity check is for those).</summary>
    public bool RunsCore => Parts.Except(OptIn).Any(Runs);

    /// <summary>Whether <c>--rounds</c> was given (the cmdlet part then uses it for its own rounds).</summary>
    public bool RoundsGiven { get; private set; }

    public string CommandLine { get; private set; } = "";

    public static RunOptions? Parse(string[] args, out string? error)
    {
        var o = new RunOptions { CommandLine = "dotnet run -c Release --project tests/VertexAI.Benchmarks" + (args.Length > 0 ? " -- " + string.Join(' ', args) : "") };
        int? rounds = null;
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    o.Quick = true;
                    break;
                case "--cmdlets":
                    o.Only.Add("cmdlets");
                    break;
                case "--quota":
                    o.Only.Add("quota");
                    break;
                case "--only" when i + 1 < args.Length:
                    foreach (var part in args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!Parts.Contains(part, StringComparer.OrdinalIgnoreCase))
                        {
                            error = $"unknown part '{part}' (parts: {string.Join(", ", Parts)})";
                            return null;
                        }

                        o.Only.Add(part);
                    }

                    break;
                case "--rounds" when i + 1 < args.Length && int.TryParse(args[i + 1], out var r) && r > 0:
                    rounds = r;
                    i++;
                    break;
                case "--out" when i + 1 < args.Length:
                    o.Out = args[++i];
                    break;
                default:
                    error = $"unknown or incomplete argument: {args[i]}";
                    return null;
            }
        }

        o.Rounds = rounds ?? (o.Quick ? 1 : 3);
        o.RoundsGiven = rounds is not null;
        return o;
    }

    public const string Usage =
        "usage: dotnet run -c Release --project tests/VertexAI.Benchmarks [-- [--quick] [--cmdlets] [--quota] [--only roundtrip,streaming,latency,batch,auth,coldstart,cmdlets,quota] [--rounds N] [--out FILE]]"
        + "\n  --cmdlets (= --only cmdlets): the module's cmdlets in a child pwsh vs raw pwsh loops; needs `dotnet tool restore` and `dotnet publish src/VertexAI -c Release`."
        + "\n  --quota (= --only quota): a batch against a per-second quota (token bucket, 429 above it), fixed vs adaptive concurrency, -ThrottleLimit 4/16/64, R 50 and 200/s.";
}
