using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Emulator.Tests;

/// <summary>A fresh emulator and a plain HttpClient per test, so tests never share queues or logs.</summary>
public abstract class EmulatorTestBase : IAsyncLifetime
{
    protected const string ManagedPath = "v1/projects/test-project/locations/us-central1/endpoints/openapi/chat/completions";
    protected const string Model = "google/gemini-2.0-flash-001";

    private VertexEmulator? _emulator;
    private HttpClient? _http;

    protected VertexEmulator Emulator => _emulator ?? throw new InvalidOperationException("not started");

    protected HttpClient Http => _http ?? throw new InvalidOperationException("not started");

    /// <summary>Options for this class's emulator; override to change them.</summary>
    protected virtual EmulatorOptions Options => new();

    public async Task InitializeAsync()
    {
        _emulator = await VertexEmulator.StartAsync(Options);
        _http = new HttpClient { BaseAddress = _emulator.BaseUri, Timeout = TimeSpan.FromSeconds(10) };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }

    /// <summary>A minimal valid managed request with one user message.</summary>
    protected static JsonObject UserRequest(string text, bool stream = false)
    {
        var request = new JsonObject
        {
            ["model"] = Model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }),
        };
        if (stream)
        {
            request["stream"] = true;
        }

        return request;
    }

    protected HttpRequestMessage ChatMessage(string body, string? token = "default", string path = ManagedPath)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        token = token == "default" ? Emulator.DefaultToken : token;
        if (token is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return message;
    }

    protected Task<HttpResponseMessage> PostChatAsync(JsonNode body, string? token = "default", string path = ManagedPath) =>
        PostChatAsync(body.ToJsonString(), token, path);

    protected Task<HttpResponseMessage> PostChatAsync(string body, string? token = "default", string path = ManagedPath) =>
        Http.SendAsync(ChatMessage(body, token, path));

    /// <summary>Posts and parses the JSON answer, asserting the status first.</summary>
    protected async Task<JsonNode> PostChatForJsonAsync(JsonNode body, int expectedStatus = 200, string path = ManagedPath)
    {
        using var response = await PostChatAsync(body, path: path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expectedStatus == (int)response.StatusCode, $"expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Asserts a Google error envelope and returns its inner <c>error</c> object.</summary>
    protected static async Task<JsonNode> AssertGoogleErrorAsync(HttpResponseMessage response, int code, string status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(code == (int)response.StatusCode, $"expected {code}, got {(int)response.StatusCode}: {text}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonNode.Parse(text)!["error"]!;
        Assert.Equal(code, error["code"]!.GetValue<int>());
        Assert.Equal(status, error["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(error["message"]!.GetValue<string>()));
        return error;
    }

    /// <summary>Reads an SSE body completely and returns the <c>data:</c> payloads in order.</summary>
    protected static IReadOnlyList<string> DataPayloads(string sse)
    {
        Assert.DoesNotContain("\r", sse);
        var events = sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        return events.Select(e =>
        {
            Assert.StartsWith("data: ", e);
            return e["data: ".Length..];
        }).ToList();
    }
}
