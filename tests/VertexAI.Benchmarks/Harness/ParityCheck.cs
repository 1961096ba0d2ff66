using VertexAI.Emulator;

namespace VertexAI.Benchmarks.Harness;

/// <summary>Checks, before anything is timed, that core and baseline send the same bytes and the same header names.</summary>
internal static class ParityCheck
{
    public static async Task RunAsync(Report report)
    {
        await using var emulator = await VertexEmulator.StartAsync();
        var core = Clients.Core(emulator.BaseUri, emulator.DefaultToken);
        var baseline = Clients.Baseline(emulator.BaseUri, emulator.DefaultToken);

        var coreAnswer = (await core.CompleteAsync(Clients.Prompt(Payloads.SmallPrompt))).Content;
        var baselineAnswer = await baseline.CompleteAsync(Payloads.SmallPrompt);
        await foreach (var _ in core.StreamChunksAsync(Clients.Prompt(Payloads.SmallPrompt)))
        {
        }

        await baseline.StreamAsync(Payloads.SmallPrompt);

        var chats = emulator.ChatRequests;
        var lines = new List<string>();
        var same = true;
        foreach (var (c, b, what) in new[] { (chats[0], chats[1], "non-streaming"), (chats[2], chats[3], "streaming") })
        {
            var bodies = c.Body == b.Body;
            var headers = HeaderNames(c).SequenceEqual(HeaderNames(b));
            same &= bodies && headers && c.Path == b.Path;
            lines.Add($"- {what}: body {(bodies ? "identical" : "DIFFERENT")} ({c.Body.Length} bytes: `{c.Body}`), "
                + $"path {(c.Path == b.Path ? "identical" : "DIFFERENT")}, header names {(headers ? "identical" : "DIFFERENT")} "
                + $"({string.Join(", ", HeaderNames(c))})");
        }

        same &= coreAnswer == baselineAnswer;
        lines.Add($"- answers: {(coreAnswer == baselineAnswer ? "identical" : "DIFFERENT")}");
        report.Detail("Request parity (core vs baseline)", string.Join('\n', lines));
        if (!same)
        {
            throw new InvalidOperationException("core and baseline do not send the same requests; the comparison would be unfair");
        }
    }

    private static IEnumerable<string> HeaderNames(RecordedRequest r) =>
        r.Headers.Keys.Select(k => k.ToLowerInvariant()).Where(k => k is not ("content-length" or "host")).Order();
}
