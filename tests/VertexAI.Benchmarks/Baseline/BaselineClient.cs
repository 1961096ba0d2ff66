using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace VertexAI.Benchmarks.Baseline;

/// <summary>
/// The baseline every core measurement is paired with: the fastest honest hand-written Chat Completions client.
/// One shared <see cref="HttpClient"/>, the body written with <see cref="Utf8JsonWriter"/>, <c>ResponseHeadersRead</c>,
/// <see cref="JsonDocument"/> for the answer and, for streams, a <see cref="StreamReader"/> line loop that parses each
/// <c>data:</c> line with <see cref="JsonDocument.Parse(ReadOnlyMemory{char}, JsonDocumentOptions)"/> and keeps the text.
/// It does less than the core on purpose (no retries, no object model, no tool calls, no error mapping): the ratio
/// is what all of that costs. It sends the same request body and the same set of headers as the core.
/// </summary>
/// <remarks>Shared source: compiled into the benchmark runner and into the cold-start baseline app.</remarks>
public sealed class BaselineClient
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptEventStream = new("text/event-stream");
    private static readonly ProductInfoHeaderValue UserAgent = new("VertexAI-Baseline", "1.0");

    private readonly HttpClient _http;
    private readonly Uri _uri;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly string _model;

    /// <param name="http">The process's one client (<see cref="CreateHttpClient"/>).</param>
    /// <param name="baseUri">Server root ending in '/', e.g. the emulator's.</param>
    /// <param name="project">Google Cloud project id.</param>
    /// <param name="location">Region, e.g. us-central1.</param>
    /// <param name="model">Publisher model, e.g. <c>google/gemini-2.0-flash-001</c>.</param>
    /// <param name="token">OAuth access token.</param>
    public BaselineClient(HttpClient http, Uri baseUri, string project, string location, string model, string token)
    {
        _http = http;
        _uri = new Uri(baseUri, $"v1/projects/{project}/locations/{location}/endpoints/openapi/chat/completions");
        _authorization = new AuthenticationHeaderValue("Bearer", token);
        _model = model;
    }

    /// <summary>The chat completions URL requests go to.</summary>
    public Uri Uri => _uri;

    /// <summary>One pooled client for the process, configured like any long-running caller would.</summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        MaxConnectionsPerServer = 256,
        PooledConnectionLifetime = TimeSpan.FromMinutes(15),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Sends one prompt and returns the first choice's text.</summary>
    public async Task<string?> CompleteAsync(string prompt, CancellationToken cancellationToken = default)
    {
        using var request = NewRequest(prompt, stream: false);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var doc = await JsonDocument.ParseAsync(body, default, cancellationToken).ConfigureAwait(false);
        return doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
    }

    /// <summary>
    /// Streams one prompt: <paramref name="onChunk"/> (if any) runs for each chunk right after it is parsed, with its text
    /// and its position; returns the concatenated text, the finish reason and the number of chunks.
    /// </summary>
    public async Task<BaselineStreamResult> StreamAsync(string prompt, Action<int, string?>? onChunk = null, CancellationToken cancellationToken = default)
    {
        using var request = NewRequest(prompt, stream: true);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 16 * 1024);
        var text = new StringBuilder();
        string? finishReason = null;
        var chunks = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue; // blank separators, comments, other fields
            }

            var data = line.AsMemory(5).TrimStart();
            if (data.Span is "[DONE]")
            {
                break;
            }

            string? piece = null;
            using (var doc = JsonDocument.Parse(data))
            {
                var choices = doc.RootElement.GetProperty("choices");
                if (choices.GetArrayLength() > 0)
                {
                    var choice = choices[0];
                    if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content)
                        && content.ValueKind == JsonValueKind.String)
                    {
                        piece = content.GetString();
                        text.Append(piece);
                    }

                    if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
                    {
                        finishReason = finish.GetString();
                    }
                }
            }

            onChunk?.Invoke(chunks, piece);
            chunks++;
        }

        return new BaselineStreamResult(text.ToString(), finishReason, chunks);
    }

    private HttpRequestMessage NewRequest(string prompt, bool stream)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("model", _model);
            w.WriteStartArray("messages");
            w.WriteStartObject();
            w.WriteString("role", "user");
            w.WriteString("content", prompt);
            w.WriteEndObject();
            w.WriteEndArray();
            if (stream)
            {
                w.WriteBoolean("stream", true);
            }

            w.WriteEndObject();
        }

        var request = new HttpRequestMessage(HttpMethod.Post, _uri) { Content = new ReadOnlyMemoryContent(buffer.WrittenMemory) };
        request.Content.Headers.ContentType = JsonContentType;
        request.Headers.Authorization = _authorization;
        request.Headers.Accept.Add(stream ? AcceptEventStream : AcceptJson);
        request.Headers.UserAgent.Add(UserAgent);
        return request;
    }
}

/// <summary>What a baseline stream produced.</summary>
/// <param name="Text">The concatenated delta text of the first choice.</param>
/// <param name="FinishReason">The last finish reason seen.</param>
/// <param name="Chunks">How many <c>data:</c> events (other than <c>[DONE]</c>) were parsed.</param>
public readonly record struct BaselineStreamResult(string Text, string? FinishReason, int Chunks);
