namespace VertexAI.Benchmarks;

/// <summary>Command line: <c>[--quick] [--only a,b] [--rounds N] [--out FILE]</c>.</summary>
internal sealed class RunOptions
{
    public static readonly string[] Parts = ["roundtrip", "streaming", "latency", "batch", "auth", "coldstart"];

    public bool Quick { get; private set; }

    public HashSet<string> Only { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>BenchmarkDotNet rounds: each round runs every micro-benchmark (baseline and core) once more.</summary>
    public int Rounds { get; private set; }

    public string? Out { get; private set; }

    public bool Runs(string part) => Only.Count == 0 || Only.Contains(part);

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
        return o;
    }

    public const string Usage =
        "usage: dotnet run -c Release --project tests/VertexAI.Benchmarks [-- [--quick] [--only roundtrip,streaming,latency,batch,auth,coldstart] [--rounds N] [--out FILE]]";
}
