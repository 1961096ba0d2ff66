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
        private static readonly MediaTypeHeaderValue s_json = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        private static readonly MediaTypeWithQualityHeaderValue s_acceptJson = new MediaTypeWithQualityHeaderValue("application/json");
        private static readonly MediaTypeWithQualityHeaderValue s_acceptEventStream = new MediaTypeWithQualityHeaderValue("text/event-stream");
        private static readonly ProductInfoHeaderValue s_userAgent = ProductInfoHeaderValue.Parse(SharedHttp.UserAgent);

        private readonly VertexEndpoint _endpoint;
        private readonly IAccessTokenSource _tokens;
        private readonly HttpClient _http;
        private readonly GeminiClientOptions _options;
        private readonly string? _proxyDescription;

        // Log lines are built only when someone listens.
        private readonly bool _logging;

        /// <summary>Creates a client.</summary>
        public GeminiClient(GeminiClientOptions options)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            _logging = !(options.Log is NullGeminiLog);
            _endpoint = options.Endpoint ?? throw new ArgumentException("An endpoint is required.", nameof(options));
            _tokens = options.TokenSource ?? GoogleCredentialTokenSource.ApplicationDefault;
            if (options.Proxy is not null) ProxySettings.Validate(options.Proxy);
            _http = options.HttpClient ?? SharedHttp.For(options.Proxy);
            _proxyDescription = options.HttpClient is null ? SharedHttp.DescribeProxy(options.Proxy) : null;
        }

        /// <summary>The endpoint this client calls.</summary>
        public VertexEndpoint Endpoint => _endpoint;

        /// <summary>Sends a request and returns the whole completion.</summary>
        public async Task<ChatCompletion> CompleteAsync(ChatRequest request, CancellationToken cancellationToken = default)
        {
            var body = Serialize(request, stream: false, out var model);
            var started = Stopwatch.StartNew();
            var attempt = 1;
            while (true)
            {
                using var exchange = await SendAsync(body, model, stream: false, attempt, cancellationToken).ConfigureAwait(false);
                byte[] bytes;
                try
                {
                    bytes = await ReadBodyBytesAsync(exchange.Response, exchange.AttemptToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsConnectionFailure(ex, cancellationToken))
                {
                    // The body broke off mid-way: the same as a failed connection, so retry while attempts remain.
                    var failure = ConnectionFailure(ex, exchange.Attempt);
                    if (exchange.Attempt > _options.Retry.MaxRetries) throw failure;
                    attempt = exchange.Attempt + 1;
                    await DelayAsync(_options.Retry.Backoff(exchange.Attempt), failure.Message, exchange.Attempt, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                ChatCompletion completion;
                try
                {
                    // Parsed from the UTF-8 bytes as they came: no intermediate string on the success path.
                    using var doc = JsonDocument.Parse(bytes);
                    if (GoogleErrorParser.TryReadError(doc.RootElement, out var code, out var status, out var message, out var details))
                    {
                        throw new GeminiApiException(GeminiApiException.Describe(code ?? 200, status, message, exchange.RequestId),
                            code ?? 200, status, message, details, exchange.RequestId) { ResponseBody = GoogleErrorParser.Cut(Encoding.UTF8.GetString(bytes)) }.Redacted(exchange.Token);
                    }
                    completion = WireReader.ReadCompletion(doc.RootElement);
                }
                catch (JsonException ex)
                {
                    var text = Encoding.UTF8.GetString(bytes);
                    var contentType = exchange.Response.Content.Headers.ContentType?.MediaType;
                    var what = text.TrimStart().StartsWith("<", StringComparison.Ordinal) || (contentType?.IndexOf("html", StringComparison.OrdinalIgnoreCase) ?? -1) >= 0
                        ? GoogleErrorParser.DescribeNonJson(text, contentType)
                        : "the response is not valid JSON: " + ex.Message;
                    throw new GeminiApiException(
                        GeminiApiException.Describe(200, null, what, exchange.RequestId),
                        200, null, ex.Message, null, exchange.RequestId, ex) { ResponseBody = GoogleErrorParser.Cut(text) }.Redacted(exchange.Token);
                }
                if (_logging) _options.Log.Verbose($"Completed in {started.ElapsedMilliseconds} ms: finish reason {completion.FinishReason ?? "none"}, {completion.Usage?.ToString() ?? "no usage"}.");
                return completion;
            }
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
        public async IAsyncEnumerable<ChatCompletionChunk> StreamChunksAsync(ChatRequest request, StreamAccumulator? accumulator = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var body = Serialize(request, stream: true, out var model);
            var started = Stopwatch.StartNew();
            accumulator ??= new StreamAccumulator();
            var attempt = 1;
            var yielded = 0;
            while (true)
            {
                GeminiApiException? retryable = null;
                var exchange = await SendAsync(body, model, stream: true, attempt, cancellationToken).ConfigureAwait(false);
                try
                {
                    var contentType = exchange.Response.Content.Headers.ContentType?.MediaType;
                    if (contentType is not null && contentType.IndexOf("event-stream", StringComparison.OrdinalIgnoreCase) < 0)
                    {
                        var error = (await NotAStreamAsync(exchange, contentType).ConfigureAwait(false)).Redacted(exchange.Token);
                        if (!error.IsTransient || exchange.Attempt > _options.Retry.MaxRetries) throw error;
                        retryable = error;
                    }
                    else
                    {
                        var stream = await exchange.Response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                        // On .NET Framework a pending read ignores its token; disposing the response is what interrupts it.
                        using var abort = cancellationToken.Register(() => exchange.Response.Dispose());
                        var chunks = ChunkStreamReader.ReadAsync(stream, accumulator, exchange.RequestId, _options.StreamIdleTimeout ?? _options.Timeout, cancellationToken)
                            .GetAsyncEnumerator(cancellationToken);
                        try
                        {
                            while (true)
                            {
                                bool moved;
                                try
                                {
                                    moved = await chunks.MoveNextAsync().ConfigureAwait(false);
                                }
                                catch (GeminiStreamException ex) when (yielded == 0 && ex.IsTransient && exchange.Attempt <= _options.Retry.MaxRetries)
                                {
                                    // Nothing has reached the caller yet, so trying again cannot duplicate output.
                                    retryable = ex;
                                    break;
                                }
                                catch (GeminiApiException ex)
                                {
                                    // The server may have echoed the token into what broke the stream.
                                    var redacted = ex.Redacted(exchange.Token);
                                    if (ReferenceEquals(redacted, ex)) throw;
                                    throw redacted;
                                }
                                if (!moved) break;
                                if (yielded++ == 0) _options.Log.Verbose($"First chunk after {started.ElapsedMilliseconds} ms.");
                                yield return chunks.Current;
                            }
                        }
                        finally
                        {
                            await chunks.DisposeAsync().ConfigureAwait(false);
                        }
                    }
                }
                finally
                {
                    exchange.Dispose();
                }

                if (retryable is null)
                {
                    _options.Log.Verbose($"Stream finished in {started.ElapsedMilliseconds} ms: {accumulator.ChunkCount} chunk(s).");
                    yield break;
                }
                var wait = retryable.RetryAfter is TimeSpan asked && asked <= _options.Retry.MaxServerDelay ? asked : _options.Retry.Backoff(exchange.Attempt);
                await DelayAsync(wait, "the stream failed before its first chunk: " + (retryable.ErrorMessage ?? retryable.Message), exchange.Attempt, cancellationToken).ConfigureAwait(false);
                attempt = exchange.Attempt + 1;
            }
        }

        // A 200 that is not an event stream: an error object, or a proxy's page. Says what it is.
        private static async Task<GeminiApiException> NotAStreamAsync(Exchange exchange, string contentType)
        {
            var status = (int)exchange.Response.StatusCode;
            var text = await ReadBodyAsync(exchange.Response, exchange.AttemptToken, MaxErrorBodyChars).ConfigureAwait(false);
            var error = GoogleErrorParser.FromResponse(status, text, exchange.RequestId, contentType);
            if (error.Status is null)
            {
                error = new GeminiApiException(
                    GeminiApiException.Describe(status, null, $"expected an event stream (text/event-stream) but got {contentType}", exchange.RequestId),
                    status, null, null, null, exchange.RequestId) { ResponseBody = GoogleErrorParser.Cut(text) };
            }
            error.Attempts = exchange.Attempt;
            return error;
        }

        private byte[] Serialize(ChatRequest request, bool stream, out string? model)
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            if (request.Messages is null || request.Messages.Count == 0)
            {
                throw new ArgumentException("The request has no messages: give a prompt or pipe in messages.", nameof(request));
            }
            model = request.Model ?? _endpoint.Model;
            if (model is not null && _endpoint.IsManaged && model.IndexOf('/') < 0) model = "google/" + model;
            var copy = request.ShallowCopy();
            copy.Model = model;
            copy.Stream = stream;
            return WireWriter.SerializeRequest(copy);
        }

        // Sends with retries until a success status; the caller owns (and disposes) the returned exchange.
        private async Task<Exchange> SendAsync(byte[] body, string? model, bool stream, int firstAttempt, CancellationToken cancellationToken)
        {
            var uri = _endpoint.ChatCompletionsUri;
            var refreshedAfter401 = false;
            for (var attempt = firstAttempt; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var token = await _tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
                var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attemptCts.CancelAfter(_options.Timeout);
                var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = s_json;
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                // Parsed once, shared by every request (header values are only read by the handler).
                request.Headers.Accept.Add(stream ? s_acceptEventStream : s_acceptJson);
                request.Headers.UserAgent.Add(s_userAgent);
                if (_logging) _options.Log.Verbose($"POST {uri} (model {model ?? "(endpoint default)"}{(stream ? ", streaming" : "")}, {_tokens.Description}"
                    + (_proxyDescription is null ? "" : $", via proxy {_proxyDescription}") + $", attempt {attempt}).");
                if (_logging)
                {
                    // The JSON itself only when asked for (-Debug): shortening a large body costs time.
                    _options.Log.Debug(_options.LogRequestBody && attempt == firstAttempt
                        ? $"Request body ({body.Length} bytes):{Environment.NewLine}{RequestBodyLog.Describe(body)}"
                        : $"Request body: {body.Length} bytes.");
                }
                var sw = Stopwatch.StartNew();

                HttpResponseMessage response;
                try
                {
                    response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCts.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsConnectionFailure(ex, cancellationToken))
                {
                    request.Dispose();
                    attemptCts.Dispose();
                    var failure = ConnectionFailure(ex, attempt);
                    if (attempt > _options.Retry.MaxRetries || !failure.IsTransient) throw failure;
                    await DelayAsync(_options.Retry.Backoff(attempt), failure.Message, attempt, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch
                {
                    request.Dispose();
                    attemptCts.Dispose();
                    throw;
                }

                var requestId = RequestIdOf(response);
                var status = (int)response.StatusCode;
                if (_logging) _options.Log.Verbose($"HTTP {status} after {sw.ElapsedMilliseconds} ms{(requestId is null ? "" : $" (request id {requestId})")}.");
                if (response.IsSuccessStatusCode)
                {
                    // A stream may run for as long as it keeps sending; silences are bounded by the idle limit instead.
                    if (stream) attemptCts.CancelAfter(Timeout.InfiniteTimeSpan);
                    return new Exchange(request, response, attemptCts, requestId, attempt, token);
                }

                GeminiApiException error;
                try
                {
                    var text = await ReadBodyAsync(response, attemptCts.Token, MaxErrorBodyChars).ConfigureAwait(false);
                    error = GoogleErrorParser.FromResponse(status, text, requestId, response.Content.Headers.ContentType?.MediaType);
                }
                catch (Exception ex) when (IsConnectionFailure(ex, cancellationToken))
                {
                    error = new GeminiApiException(GeminiApiException.Describe(status, null, "the error body could not be read: " + ex.Message, requestId), status, requestId: requestId, innerException: ex);
                }
                error.Attempts = attempt;
                var serverDelay = RetryPolicy.ServerDelay(response);
                error.RetryAfter = serverDelay;
                response.Dispose();
                request.Dispose();
                attemptCts.Dispose();

                if (status == 401 && !refreshedAfter401 && _tokens.Invalidate(token))
                {
                    // An expired or revoked token: fetch a fresh one and try once more, at once.
                    refreshedAfter401 = true;
                    _options.Log.Verbose("The token was rejected (401); fetching a fresh one and retrying.");
                    attempt--;
                    continue;
                }
                error = error.Redacted(token);
                if (!error.IsTransient || attempt > _options.Retry.MaxRetries) throw error;

                TimeSpan wait;
                if (serverDelay is TimeSpan asked)
                {
                    if (asked > _options.Retry.MaxServerDelay)
                    {
                        throw new GeminiApiException(
                            error.Message + FormattableString.Invariant($" The server asked to wait {asked.TotalSeconds:0} s before retrying, longer than the {_options.Retry.MaxServerDelay.TotalSeconds:0} s this client waits; not retried."),
                            error.HttpStatus, error.Status, error.ErrorMessage, error.Details, error.RequestId)
                        { RetryAfter = asked, Attempts = attempt, ResponseBody = error.ResponseBody };
                    }
                    wait = asked;
                }
                else
                {
                    wait = _options.Retry.Backoff(attempt);
                }
                await DelayAsync(wait, $"HTTP {status}{(error.Status is null ? "" : " " + error.Status)}", attempt, cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task DelayAsync(TimeSpan wait, string reason, int attempt, CancellationToken cancellationToken)
        {
            _options.Log.Verbose(FormattableString.Invariant($"Retry {attempt} of {_options.Retry.MaxRetries} in {wait.TotalSeconds:0.###} s after ") + reason + ".");
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }

        private static bool IsConnectionFailure(Exception ex, CancellationToken callerToken)
            => !callerToken.IsCancellationRequested
               && (ex is HttpRequestException || ex is IOException || ex is OperationCanceledException || ex is ObjectDisposedException);

        private GeminiApiException ConnectionFailure(Exception ex, int attempt)
        {
            var host = _endpoint.ChatCompletionsUri.GetLeftPart(UriPartial.Authority);
            if (ex is OperationCanceledException)
            {
                // Our own time limit fired: the server may well be reachable, only slow; saying "could not reach" misleads.
                return new GeminiApiException(FormattableString.Invariant(
                    $"No answer from Vertex AI at {host} within {_options.Timeout.TotalSeconds:0.#} s (the time limit of one attempt)."), innerException: ex)
                {
                    IsConnectionFailure = true,
                    IsTimeout = true,
                    Attempts = attempt,
                };
            }
            var tls = FindInner<System.Security.Authentication.AuthenticationException>(ex) is not null;
            return new GeminiApiException($"Could not reach Vertex AI at {host}: the connection failed: {Innermost(ex).Message}"
                + (tls ? " The server's TLS certificate was not accepted; this client never skips certificate checks." : ""), innerException: ex)
            {
                IsConnectionFailure = true,
                IsTlsFailure = tls,
                Attempts = attempt,
            };
        }

        private static T? FindInner<T>(Exception? ex) where T : Exception
        {
            for (; ex is not null; ex = ex.InnerException)
            {
                if (ex is T found) return found;
            }
            return null;
        }

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException is not null) ex = ex.InnerException;
            return ex;
        }

        private static async Task<byte[]> ReadBodyBytesAsync(HttpResponseMessage response, CancellationToken cancellationToken)
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

        private static string? RequestIdOf(HttpResponseMessage response)
        {
            foreach (var name in GoogleErrorParser.RequestIdHeaders)
            {
                if (response.Headers.TryGetValues(name, out var values))
                {
                    var v = values.FirstOrDefault();
                    if (!string.IsNullOrEmpty(v)) return v;
                }
            }
            return null;
        }

        private sealed class Exchange : IDisposable
        {
            private readonly HttpRequestMessage _request;
            private readonly CancellationTokenSource _attemptCts;

            internal Exchange(HttpRequestMessage request, HttpResponseMessage response, CancellationTokenSource attemptCts, string? requestId, int attempt, string token)
            {
                Token = token;
                _request = request;
                Response = response;
                _attemptCts = attemptCts;
                RequestId = requestId;
                Attempt = attempt;
            }

            internal HttpResponseMessage Response { get; }
            internal string? RequestId { get; }
            internal int Attempt { get; }
            internal CancellationToken AttemptToken => _attemptCts.Token;

            // The bearer token this exchange used: errors built from what the server sent back are scrubbed of it.
            internal string Token { get; }

            public void Dispose()
            {
                Response.Dispose();
                _request.Dispose();
                _attemptCts.Dispose();
            }
        }
    }
}
