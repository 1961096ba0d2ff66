using System.Net.Http.Headers;
using System.Text.Json;
using VertexAI.Emulator;
using VertexAI.Native;
using Xunit;

namespace VertexAI.Core.Tests.Native;

/// <summary>One emulator per test class, and the native calls pointed at it.</summary>
public sealed class NativeFixture : IAsyncLifetime
{
    private readonly HttpClient _http = new();

    public VertexEmulator Emulator { get; private set; } = null!;

    public async Task InitializeAsync() => Emulator = await VertexEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await Emulator.DisposeAsync();
    }

    public VertexEndpoint Endpoint(string location = "us-central1", string version = "v1") =>
        VertexEndpoint.Resolve(new EndpointSettings { Project = "test-project", Location = location, ApiVersion = version, BaseUri = Emulator.BaseUri }, _ => null);

    /// <summary>Sends over real HTTP with the emulator's token, turning Google errors into GeminiApiException.</summary>
    public NativeSend Send => async (method, uri, body, ct) =>
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Emulator.DefaultToken);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw GoogleErrorParser.FromResponse((int)response.StatusCode, text, null, response.Content.Headers.ContentType?.MediaType);
        }

        return JsonDocument.Parse(text);
    };
}
