using System.Diagnostics;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Emulator.Tests;

public sealed class ProgramTests
{
    [Fact]
    public async Task The_console_host_prints_url_and_token_first_and_keeps_running_with_stdin_closed()
    {
        var dll = typeof(VertexEmulator).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--token-lifetime", "120" },
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        try
        {
            process.StandardInput.Close(); // like </dev/null: must not stop the server
            var urlLine = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15));
            var tokenLine = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Matches(@"^VERTEX_EMULATOR_URL=http://127\.0\.0\.1:\d+/$", urlLine);
            Assert.Matches(@"^VERTEX_EMULATOR_TOKEN=\S+$", tokenLine);

            var url = new Uri(urlLine!["VERTEX_EMULATOR_URL=".Length..]);
            using var http = new HttpClient { BaseAddress = url };
            var request = new HttpRequestMessage(HttpMethod.Post, "v1/projects/p/locations/l/endpoints/openapi/chat/completions")
            {
                Content = new StringContent("""{"model":"google/gemini-2.0-flash","messages":[{"role":"user","content":"Hi"}]}"""),
            };
            request.Headers.Authorization = new("Bearer", tokenLine!["VERTEX_EMULATOR_TOKEN=".Length..]);
            await Task.Delay(300);
            Assert.False(process.HasExited);
            using var response = await http.SendAsync(request);
            Assert.Equal(200, (int)response.StatusCode);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }
}
