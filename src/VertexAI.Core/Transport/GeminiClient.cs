using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using VertexAI.Auth;
using VertexAI.Json;
using VertexAI.Streaming;

namespace VertexAI
{
    /// <summary>
    /// Calls the Chat Completions API of one endpoint. Thread-safe; cheap to create (it shares the process-wide
    /// HttpClient and the token source it is given).
    /// </summary>
    /// <remarks>
    /// The members meant for the cmdlets (<see cref="CompleteAsync"/>, <see cref="StreamAsync(ChatRequest, Action{ChatCompletionChunk}, CancellationToken)"/>)
    /// use only types from the base library and this assembly, because the cmdlet assembly loads in PowerShell's own
    /// context while this one and its dependencies load in a private one.
    /// </remarks>
    public sealed class GeminiClient
    {
        private const int MaxErrorBodyChars = 64 * 1024;
        private readonly VertexEndpoint _endpoint;
        private readonly GeminiClientOptions _options;
        private readonly TransportPipeline _pipeline;

        // Log lines are built only when someone listens.
        private readonly bool _logging;

        /// <summary>Creates a client.</summary>
        public GeminiClient(GeminiClientOptions options)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            _logging = !(options.Log is NullGeminiLog);
            _endpoint = options.Endpoint ?? throw new ArgumentException("An endpoint is required.", nameof(options));
            var tokens = options.TokenSource ?? GoogleCredentialTokenSource.ApplicationDefault;
            if (options.Proxy is not null) ProxySettings.Validate(options.Proxy);
            var http = options.HttpClient ?? SharedHttp.For(options.Proxy);
            _pipeline = new TransportPipeline(http, tokens, options);
        }

        /// <summary>
        /// A client like this one whose calls share <paramref name="quota"/>: what their 429s teach (a smaller window, a
        /// shared wait) holds for all of them. For the workers of one batch.
        /// </summary>
        public GeminiClient WithQuota(Batch.QuotaGovernor quota)
        {
            var options = _options.Clone();
            options.Quota = quota ?? throw new ArgumentNullException(nameof(quota));
            return new GeminiClient(options);
        }

        /// <summary>
        /// A client for the workers of one batch of at most <paramref name="throttleLimit"/> calls at once: their attempts
        /// share a new <see cref="Batch.QuotaGovernor"/> (this client's retry policy for its backoff, its log for its lines).
        /// </summary>
        public GeminiClient ForBatch(int throttleLimit) => WithQuota(new Batch.QuotaGovernor(throttleLimit, _options.Retry, _options.Log));

        /// <summary>The batch governor this client's calls go through; null for a client on its own.</summary>
        public Batch.QuotaGovernor? Quota => _options.Quota;

        /// <summary>The endpoint this client calls.</summary>
        public VertexEndpoint Endpoint => _endpoint;

        /// <summary>Sends a request and returns the whole completion.</summary>
        public async Task<ChatCompletion> CompleteAsync(ChatRequest request, CancellationToken cancellationToken = default)
            => (await SendAsync(Prepare(request), keepBody: false, cancellationToken).ConfigureAwait(false)).Completion;

        /// <summary>
        /// Serializes a request exactly as it is sent (the model id with the endpoint's publisher prefix, the stream flag),
        /// once: its key (<see cref="PreparedRequest.Key"/>) is the hash of the bytes <see cref="ExchangeAsync"/> sends.
        /// </summary>
        /// <exception cref="ArgumentException">The request has no messages.</exception>
        public PreparedRequest Prepare(ChatRequest request, bool stream = false)
        {
            var body = Serialize(request, stream, out var model);
            return new PreparedRequest(request, body, model, stream);
        }

        /// <summary>
        /// Sends a prepared (non-streamed) request and returns the completion with the response body as the server sent it
        /// (for a journal that keeps answers exactly). A failure's <see cref="GeminiApiException.Model"/> is the model asked for.
        /// </summary>
        public Task<ChatExchange> ExchangeAsync(PreparedRequest prepared, CancellationToken cancellationToken = default)
        {
            if (prepared is null) throw new ArgumentNullException(nameof(prepared));
            if (prepared.Stream) throw new ArgumentException("A streamed request cannot be exchanged whole; use StreamChunksAsync.", nameof(prepared));
            return SendAsync(prepared, keepBody: true, cancellationToken);
        }

        private async Task<ChatExchange> SendAsync(PreparedRequest prepared, bool keepBody, CancellationToken cancellationToken)
        {
            var started = Stopwatch.StartNew();
            using var message = NewMessage(prepared.Body, prepared.Model, stream: false, cancellationToken);
            ChatExchange exchange;
            try
            {
                exchange = await _pipeline.SendAsync(message, m => ReadCompletionAsync(m, keepBody)).ConfigureAwait(false);
            }
            catch (GeminiApiException ex)
            {
                // Failures are counted per model (Measure-GeminiUsage); the body that asked for it is at hand only here.
                ex.Model ??= prepared.Model;
                throw;
            }
            var completion = exchange.Completion;
            if (_logging) _options.Log.Verbose($"Completed in {started.ElapsedMilliseconds} ms: finish reason {completion.FinishReason ?? "none"}, {completion.Usage?.ToString() ?? "no usage"}.");
            return exchange;
        }

        private static readonly byte[] s_noBody = new byte[0];

        // Classifies a non-streamed answer. A body that breaks off mid-way surfaces as a connection failure, which the
        // pipeline retries; an error object or a page that is not JSON in a 200 is final.
        private static async Task<ChatExchange> ReadCompletionAsync(TransportMessage message, bool keepBody)
        {
            var response = message.Response!;
            if (!response.IsSuccessStatusCode) throw await StatusErrorAsync(message).ConfigureAwait(false);
            var bytes = await ReadBodyBytesAsync(response, message.SendToken).ConfigureAwait(false);
            try
            {
                // Parsed from the UTF-8 bytes as they came: no intermediate string on the success path.
                using var doc = JsonDocument.Parse(bytes);
                if (GoogleErrorParser.TryReadError(doc.RootElement, out var code, out var status, out var text, out var details))
                {
                    throw new GeminiApiException(GeminiApiException.Describe(code ?? 200, status, text, message.RequestId),
                        code ?? 200, status, text, details, message.RequestId) { ResponseBody = GoogleErrorParser.Cut(Encoding.UTF8.GetString(bytes)) }.Redacted(message.Token);
                }
                return new ChatExchange(WireReader.ReadCompletion(doc.RootElement), keepBody ? bytes : s_noBody);
            }
            catch (JsonException ex)
            {
                var text = Encoding.UTF8.GetString(bytes);
                var contentType = response.Content.Headers.ContentType?.MediaType;
                var what = text.TrimStart().StartsWith("<", StringComparison.Ordinal) || (contentType?.IndexOf("html", StringComparison.OrdinalIgnoreCase) ?? -1) >= 0
                    ? GoogleErrorParser.DescribeNonJson(text, contentType)
                    : "the response is not valid JSON: " + ex.Message;
                throw new GeminiApiException(
                    GeminiApiException.Describe(200, null, what, message.RequestId),
                    200, null, ex.Message, null, message.RequestId, ex) { ResponseBody = GoogleErrorParser.Cut(text) }.Redacted(message.Token);
            }
        }

        // An error status: the server's error object (or what stood in its place), for the pipeline to retry or give up with.
        internal static async Task<TryFailedException> StatusErrorAsync(TransportMessage message)
        {
            var response = message.Response!;
            var status = (int)response.StatusCode;
            GeminiApiException error;
            try
            {
                var text = await ReadBodyAsync(response, message.SendToken, MaxErrorBodyChars).ConfigureAwait(false);
                error = GoogleErrorParser.FromResponse(status, text, message.RequestId, response.Content.Headers.ContentType?.MediaType);
            }
            catch (Exception ex) when (RetryStage.IsConnectionFailure(ex, message.CallToken))
            {
                error = new GeminiApiException(GeminiApiException.Describe(status, null, "the error body could not be read: " + ex.Message, message.RequestId),
                    status, requestId: message.RequestId, innerException: ex);
            }
            error.RetryAfter = RetryPolicy.ServerDelay(response);
            return new TryFailedException(error, $"HTTP {status}{(error.Status is null ? "" : " " + error.Status)}");
        }

        /// <summary>
        /// Streams a completion: <paramref name="onChunk"/> runs for each chunk as soon as it is parsed (on a worker
        /// thread); the task returns the assembled completion.
        /// </summary>
        public async Task<ChatCompletion> StreamAsync(ChatRequest request, Action<ChatCompletionChunk> onChunk, CancellationToken cancellationToken = default)
        {
            if (onChunk is null) throw new ArgumentNullException(nameof(onChunk));
            var accumulator = new StreamAccumulator();
            await foreach (var chunk in StreamChunksAsync(request, accumulator, cancellationToken).ConfigureAwait(false))
            {
                onChunk(chunk);
            }
            return accumulator.ToCompletion();
        }

        /// <summary>
        /// Streams a completion chunk by chunk. Each chunk is yielded the moment its event is parsed; nothing waits for
        /// the rest of the body. Failures before the first chunk (an error status, a dropped connection, a stream that
        /// breaks or reports a transient error before yielding anything) are retried; once a chunk has been yielded,
        /// a failure ends the stream with a <see cref="GeminiStreamException"/> that keeps the partial message.
        /// </summary>
        /// <param name="request">The request.</param>
        /// <param name="accumulator">
        /// Where the chunks are folded, each before it is yielded (a new one when null): the only place a stream's chunks
        /// are assembled, so the caller reads the completion (or what arrived) from it.
        /// </param>
        /// <param name="cancellationToken">Cancels the call.</param>
        public async IAsyncEnumerable<ChatCompletionChunk> StreamChunksAsync(ChatRequest request, StreamAccumulator? accumulator = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var body = Serialize(request, stream: true, out var model);
            var started = Stopwatch.StartNew();
            var folded = accumulator ?? new StreamAccumulator();
            using var message = NewMessage(body, model, stream: true, cancellationToken);
            // The pipeline's retries cover the stream up to its first chunk: nothing has reached the caller before it, so
            // trying again cannot duplicate output. After it, a failure ends the stream.
            IAsyncEnumerator<ChatCompletionChunk>? chunks;
            try
            {
                chunks = await _pipeline.SendAsync(message, m => OpenStreamAsync(m, folded)).ConfigureAwait(false);
            }
            catch (GeminiApiException ex)
            {
                ex.Model ??= model;
                throw;
            }
            if (chunks is not null)
            {
                try
                {
                    _options.Log.Verbose($"First chunk after {started.ElapsedMilliseconds} ms.");
                    do
                    {
                        yield return chunks.Current;
                    }
                    while (await NextChunkAsync(chunks, folded, message).ConfigureAwait(false));
                }
                finally
                {
                    await chunks.DisposeAsync().ConfigureAwait(false);
                }
            }
            _options.Log.Verbose($"Stream finished in {started.ElapsedMilliseconds} ms: {folded.ChunkCount} chunk(s).");
        }

        // Classifies a streamed answer up to its first chunk: returns the chunks positioned on it (null for a stream
        // that ended without one); throws TryFailedException for what a retry may cure.
        private async Task<IAsyncEnumerator<ChatCompletionChunk>?> OpenStreamAsync(TransportMessage message, StreamAccumulator accumulator)
        {
            var response = message.Response!;
            if (!response.IsSuccessStatusCode) throw await StatusErrorAsync(message).ConfigureAwait(false);
            var contentType = response.Content.Headers.ContentType?.MediaType;
            if (contentType is not null && contentType.IndexOf("event-stream", StringComparison.OrdinalIgnoreCase) < 0)
            {
                var error = await NotAStreamAsync(message, contentType).ConfigureAwait(false);
                if (!error.IsTransient) throw error.Redacted(message.Token);
                throw new TryFailedException(error, BeforeFirstChunk(error));
            }
            var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            // On .NET Framework a pending read ignores its token; disposing the response is what interrupts it.
            message.OnTryEnd(message.CallToken.Register(() => response.Dispose()));
            var chunks = ChunkStreamReader.ReadAsync(stream, message.RequestId, _options.StreamIdleTimeout ?? _options.Timeout, message.CallToken)
                .GetAsyncEnumerator(message.CallToken);
            try
            {
                if (await NextChunkAsync(chunks, accumulator, message).ConfigureAwait(false)) return chunks;
            }
            catch (GeminiStreamException ex) when (ex.IsTransient)
            {
                await chunks.DisposeAsync().ConfigureAwait(false);
                throw new TryFailedException(ex, BeforeFirstChunk(ex));
            }
            catch
            {
                await chunks.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            await chunks.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        private static string BeforeFirstChunk(GeminiApiException error) => "the stream failed before its first chunk: " + (error.ErrorMessage ?? error.Message);

        // One step of the reader: the chunk it parsed is folded before anyone sees it, and a failure gets what was folded.
        private static async ValueTask<bool> NextChunkAsync(IAsyncEnumerator<ChatCompletionChunk> chunks, StreamAccumulator folded, TransportMessage message)
        {
            try
            {
                if (!await chunks.MoveNextAsync().ConfigureAwait(false)) return false;
                folded.Add(chunks.Current);
                return true;
            }
            catch (GeminiApiException ex)
            {
                (ex as GeminiStreamException)?.KeepPartial(folded);
                ex.Model ??= message.Model;
                // The server may have echoed the token into what broke the stream.
                var redacted = ex.Redacted(message.Token);
                if (ReferenceEquals(redacted, ex)) throw;
                throw redacted;
            }
        }

        // A 200 that is not an event stream: an error object, or a proxy's page. Says what it is.
        private static async Task<GeminiApiException> NotAStreamAsync(TransportMessage message, string contentType)
        {
            var status = (int)message.Response!.StatusCode;
            var text = await ReadBodyAsync(message.Response, message.SendToken, MaxErrorBodyChars).ConfigureAwait(false);
            var error = GoogleErrorParser.FromResponse(status, text, message.RequestId, contentType);
            if (error.Status is null)
            {
                error = new GeminiApiException(
                    GeminiApiException.Describe(status, null, $"expected an event stream (text/event-stream) but got {contentType}", message.RequestId),
                    status, null, null, null, message.RequestId) { ResponseBody = GoogleErrorParser.Cut(text) };
            }
            error.Attempts = message.Attempt;
            return error;
        }

        private TransportMessage NewMessage(byte[] body, string? model, bool stream, CancellationToken cancellationToken)
            => new TransportMessage(HttpMethod.Post, _endpoint.ChatCompletionsUri, body, stream, model, cancellationToken);

        private byte[] Serialize(ChatRequest request, bool stream, out string? model)
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            if (request.Messages is null || request.Messages.Count == 0)
            {
                throw new ArgumentException("The request has no messages: give a prompt or pipe in messages.", nameof(request));
            }
            // The endpoint owns the publisher prefix (google/ on the managed endpoint only).
            model = _endpoint.ModelIdFor(request.Model);
            var copy = request.ShallowCopy();
            copy.Model = model;
            copy.Stream = stream;
            return WireWriter.SerializeRequest(copy);
        }

        internal static async Task<byte[]> ReadBodyBytesAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            using var reg = cancellationToken.Register(() => response.Dispose());
            var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return bytes;
        }

        // Error bodies only: read up to maxChars (a hostile or broken server may send far more).
        private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken, int maxChars)
        {
            using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            using var reg = cancellationToken.Register(() => response.Dispose());
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var buffer = new char[Math.Min(maxChars, 16 * 1024)];
            var sb = new StringBuilder();
            int read;
            while (sb.Length < maxChars && (read = await reader.ReadAsync(buffer, 0, Math.Min(buffer.Length, maxChars - sb.Length)).ConfigureAwait(false)) > 0)
            {
                sb.Append(buffer, 0, read);
            }
            return sb.ToString();
        }
    }
}
