using VertexAI.Auth;
using VertexAI.Emulator;
using static VertexAI.Benchmarks.Report;

namespace VertexAI.Benchmarks.Harness;

/// <summary>
/// Benchmark 5: 1,000 requests (16 at a time) with Application Default Credentials — a service-account key found
/// through <c>GOOGLE_APPLICATION_CREDENTIALS</c>, exactly the module's default path — and how many times the token
/// endpoint was asked. Also the cost per request against a static token (informational).
/// </summary>
internal static class AuthHarness
{
    public const int Total = 1000;

    public static async Task RunAsync(Report report)
    {
        Console.WriteLine("=== 5. auth ===");
        await using var emulator = await VertexEmulator.StartAsync();
        var keyFile = Path.Combine(Path.GetTempPath(), $"vertexai-bench-adc-{Environment.ProcessId}.json");
        await File.WriteAllTextAsync(keyFile, emulator.CreateServiceAccountKeyJson());
        try
        {
            Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", keyFile);
            var adc = Clients.Core(emulator.BaseUri, GoogleCredentialTokenSource.ApplicationDefault);
            var fixedToken = Clients.Core(emulator.BaseUri, emulator.DefaultToken);

            // Static-token warm-up (JIT, connections), so the ADC run starts with a cold credential but a warm client.
            await Clients.RunConcurrentAsync(32, 16, () => fixedToken.CompleteAsync(Clients.Prompt(Payloads.SmallPrompt)));

            var before = emulator.TokenRequestCount;
            var adcTime = await Clients.RunConcurrentAsync(Total, 16, () => adc.CompleteAsync(Clients.Prompt(Payloads.SmallPrompt)));
            var fetches = emulator.TokenRequestCount - before;
            var warmAdcTime = await Clients.RunConcurrentAsync(Total, 16, () => adc.CompleteAsync(Clients.Prompt(Payloads.SmallPrompt)));
            var staticTime = await Clients.RunConcurrentAsync(Total, 16, () => fixedToken.CompleteAsync(Clients.Prompt(Payloads.SmallPrompt)));

            var perFetch = fetches == 0 ? double.PositiveInfinity : (double)Total / fetches;
            report.Add("5. auth (ADC)", $"requests per token fetch ({Total} requests)", $"{Total}:{fetches}", "—",
                F(perFetch, "0") + ":1", "≥ 1000:1", perFetch >= 1000);
            report.Detail("Auth",
                $"ADC from a service-account key file (`GOOGLE_APPLICATION_CREDENTIALS`, token_uri = the emulator), {Total} requests "
                + $"16 at a time starting with no token: {fetches} token request(s). The same {Total} requests took "
                + $"{Ms(adcTime.TotalMilliseconds)} with ADC from cold (loading Google.Apis.Auth, one RSA-signed token fetch), "
                + $"{Ms(warmAdcTime.TotalMilliseconds)} with ADC again (cached token) and {Ms(staticTime.TotalMilliseconds)} with a static token.");
        }
        finally
        {
            Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", null);
            File.Delete(keyFile);
        }
    }
}
