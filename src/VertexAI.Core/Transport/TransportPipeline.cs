using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using VertexAI.Auth;

namespace VertexAI
{
    /// <summary>
    /// The transport as composed stages, as openai-dotnet's <c>ClientPipeline</c> does it: one per-call stage
    /// (<see cref="RetryStage"/>, which owns the only retry loop) around per-try stages (<see cref="AuthStage"/>: the
    /// bearer token and the one 401 refresh; <see cref="LogStage"/>: what is sent and what came back, never a token;
    /// <see cref="HttpStage"/>: the time limit of one send and the HttpClient). Every route of the API uses it; the
    /// caller only builds the message and classifies the answer.
    /// </summary>
    internal sealed class TransportPipeline
    {
        private readonly RetryStage _retry;
        private readonly TransportStage _perTry;

        internal TransportPipeline(HttpClient http, IAccessTokenSource tokens, GeminiClientOptions options)
        {
            var log = options.Log;
            // Log lines are built only when someone listens.
            var logging = !(log is NullGeminiLog);
            TransportStage perTry = new HttpStage(http, options.Timeout);
            if (logging)
            {
                // The proxy a shared client goes through, for the log (a caller's own HttpClient hides its own); read from
                // the environment only here, as no one else needs it and a batch builds a client per command.
                var proxyDescription = options.HttpClient is null ? SharedHttp.DescribeProxy(options.Proxy) : null;
                perTry = new LogStage(log, tokens, proxyDescription, options.LogRequestBody, perTry);
            }
            // A caller's own HttpClient hides its proxy: token fetches then take the environment's, as a plain call would.
            _perTry = new AuthStage(tokens, options.HttpClient is null ? options.Proxy : null, QuotaProjectOf(options), log, perTry);
            _retry = new RetryStage(options.Retry, options.Timeout, log, options.Quota);
        }

        /// <summary>The environment variable naming the quota project, as Google's SDKs read it.</summary>
        internal const string QuotaProjectVariable = "GOOGLE_CLOUD_QUOTA_PROJECT";

        // The option, else the environment; null leaves it to the credential (its file's quota_project_id).
        private static string? QuotaProjectOf(GeminiClientOptions options)
        {
            var quota = options.QuotaProject;
            var source = "-QuotaProject";
            if (string.IsNullOrWhiteSpace(quota))
            {
                quota = Environment.GetEnvironmentVariable(QuotaProjectVariable);
                source = QuotaProjectVariable;
            }
            if (string.IsNullOrWhiteSpace(quota)) return null;
            quota = quota!.Trim();
            if (!VertexEndpoint.IsProjectId(quota))
            {
                throw new ArgumentException($"'{quota}' ({source}) is not a valid Google Cloud project id for the quota project: use lowercase letters, digits and hyphens (e.g. 'my-project-123') or the project number.", "QuotaProject");
            }
            return quota;
        }

        /// <summary>
        /// Sends <paramref name="message"/> and hands each answer to <paramref name="classify"/>, trying again (by the one
        /// rule of <see cref="RetryStage"/>) while a send fails to connect or <paramref name="classify"/> throws
        /// <see cref="TryFailedException"/>. The message keeps the successful try's response until it is disposed.
        /// </summary>
        internal Task<T> SendAsync<T>(TransportMessage message, Func<TransportMessage, Task<T>> classify)
            => _retry.RunAsync(message, _perTry, classify);
    }

    /// <summary>A per-try stage: sends the message's current request through the rest of the pipeline.</summary>
    internal abstract class TransportStage
    {
        protected TransportStage(TransportStage? next) => Next = next;

        protected TransportStage? Next { get; }

        /// <summary>Sends; sets and returns <see cref="TransportMessage.Response"/>.</summary>
        internal abstract Task<HttpResponseMessage> SendAsync(TransportMessage message);
    }

    /// <summary>
    /// The one retry loop: transient statuses and connection failures, <c>Retry-After</c>/<c>retry-after-ms</c> up to
    /// <see cref="RetryPolicy.MaxServerDelay"/>, else capped exponential backoff with jitter. Whatever it gives up with is
    /// scrubbed of the token.
    /// </summary>
    internal sealed class RetryStage
    {
        private readonly RetryPolicy _policy;
        private readonly TimeSpan _timeout;
        private readonly IGeminiLog _log;
        private readonly Batch.QuotaGovernor? _quota;

        internal RetryStage(RetryPolicy policy, TimeSpan timeout, IGeminiLog log, Batch.QuotaGovernor? quota = null)
        {
            _policy = policy;
            _timeout = timeout;
            _log = log;
            _quota = quota;
        }

        internal async Task<T> RunAsync<T>(TransportMessage message, TransportStage perTry, Func<TransportMessage, Task<T>> classify)
        {
            for (message.Attempt = 1; ; message.Attempt++)
            {
                message.CallToken.ThrowIfCancellationRequested();
                // In a batch, every attempt waits for the batch's window and its shared wait after a 429.
                var ticket = _quota is null ? null : await _quota.EnterAsync(message.CallToken).ConfigureAwait(false);
                var outcome = Batch.QuotaOutcome.Other;
                GeminiApiException? error = null;
                string reason;
                try
                {
                    message.NewRequest();
                    await perTry.SendAsync(message).ConfigureAwait(false);
                    var result = await classify(message).ConfigureAwait(false);
                    outcome = Batch.QuotaOutcome.Succeeded;
                    return result;
                }
                catch (TryFailedException ex)
                {
                    error = ex.Error;
                    reason = ex.Reason;
                    if (error.HttpStatus == 429) outcome = Batch.QuotaOutcome.Throttled;
                }
                catch (Exception ex) when (message.SendStarted && IsConnectionFailure(ex, message.CallToken))
                {
                    // No answer, or a body that broke off mid-way: the same thing, a connection that gave out.
                    error = ConnectionFailure(ex, message.Uri, _timeout);
                    reason = error.Message;
                }
                finally
                {
                    if (ticket is not null)
                    {
                        // The batch waits no longer than a call would: a longer Retry-After fails the call that got it
                        // (WaitBeforeRetry), and the others try again after the longest wait this client honours.
                        var asked = error?.RetryAfter is TimeSpan ra && ra > _policy.MaxServerDelay ? _policy.MaxServerDelay : error?.RetryAfter;
                        _quota!.Exit(ticket, outcome, asked, error is null ? null : $"{error.HttpStatus} {error.Status}".Trim());
                    }
                }
                message.EndTry();
                error!.Attempts = message.Attempt;
                var wait = WaitBeforeRetry(error.Redacted(message.Token), message.Attempt);
                if (_quota is not null && outcome == Batch.QuotaOutcome.Throttled)
                {
                    // The batch's shared wait (which this 429 set or extended) replaces this call's own; the next
                    // attempt's EnterAsync waits it out, with every other worker.
                    _log.Verbose(FormattableString.Invariant($"Retry {message.Attempt} of {_policy.MaxRetries} in {_quota.SharedWait.TotalSeconds:0.###} s (the batch's shared wait) after ") + reason + ".");
                    continue;
                }
                _log.Verbose(FormattableString.Invariant($"Retry {message.Attempt} of {_policy.MaxRetries} in {wait.TotalSeconds:0.###} s after ") + reason + ".");
                await Task.Delay(wait, message.CallToken).ConfigureAwait(false);
            }
        }

        // The "retry or give up" decision, written once: throws the error when giving up, else returns the wait.
        private TimeSpan WaitBeforeRetry(GeminiApiException error, int attempt)
        {
            if (!error.IsTransient || attempt > _policy.MaxRetries) throw error;
            if (!(error.RetryAfter is TimeSpan asked)) return _policy.Backoff(attempt);
            if (asked <= _policy.MaxServerDelay) return asked;
            throw new GeminiApiException(
                error.Message + FormattableString.Invariant($" The server asked to wait {asked.TotalSeconds:0} s before retrying, longer than the {_policy.MaxServerDelay.TotalSeconds:0} s this client waits; not retried."),
                error.HttpStatus, error.Status, error.ErrorMessage, error.Details, error.RequestId)
            { RetryAfter = asked, Attempts = attempt, ResponseBody = error.ResponseBody };
        }

        // The caller's own cancellation is never a connection failure; the try's time limit is.
        internal static bool IsConnectionFailure(Exception ex, CancellationToken callerToken)
            => !callerToken.IsCancellationRequested
               && (ex is HttpRequestException || ex is IOException || ex is OperationCanceledException || ex is ObjectDisposedException);

        internal static GeminiApiException ConnectionFailure(Exception ex, Uri uri, TimeSpan timeout)
        {
            var host = uri.GetLeftPart(UriPartial.Authority);
            if (ex is OperationCanceledException)
            {
                // Our own time limit fired: the server may well be reachable, only slow; saying "could not reach" misleads.
                return new GeminiApiException(FormattableString.Invariant(
                    $"No answer from Vertex AI at {host} within {timeout.TotalSeconds:0.#} s (the time limit of one attempt)."), innerException: ex)
                {
                    IsConnectionFailure = true,
                    IsTimeout = true,
                };
            }
            var tls = FindInner<System.Security.Authentication.AuthenticationException>(ex) is not null;
            return new GeminiApiException($"Could not reach Vertex AI at {host}: the connection failed: {Innermost(ex).Message}"
                + (tls ? " The server's TLS certificate was not accepted; this client never skips certificate checks." : ""), innerException: ex)
            {
                IsConnectionFailure = true,
                IsTlsFailure = tls,
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
    }

    /// <summary>
    /// Puts the bearer token on each send; when the server rejects it (401) and the source can fetch a fresh one, sends
    /// once more at once with the fresh token. That resend is part of the same try: it is not counted as a retry.
    /// </summary>
    internal sealed class AuthStage : TransportStage
    {
        /// <summary>The header Google's SDKs send the quota project in.</summary>
        internal const string QuotaProjectHeader = "x-goog-user-project";

        private readonly IAccessTokenSource _tokens;
        private readonly IProxiedTokenSource? _proxied;
        private readonly Uri? _proxy;
        private readonly string? _quotaProject;
        private readonly IQuotaProjectSource? _credentialQuota;
        private readonly IGeminiLog _log;

        internal AuthStage(IAccessTokenSource tokens, Uri? proxy, string? quotaProject, IGeminiLog log, TransportStage next) : base(next)
        {
            _tokens = tokens;
            _proxied = tokens as IProxiedTokenSource;
            _proxy = proxy;
            _quotaProject = quotaProject;
            _credentialQuota = tokens as IQuotaProjectSource;
            _log = log;
        }

        internal override async Task<HttpResponseMessage> SendAsync(TransportMessage message)
        {
            while (true)
            {
                // A token fetch, when one is due, takes the same proxy as the call that needs it.
                var token = await (_proxied is null ? _tokens.GetTokenAsync(message.CallToken) : _proxied.GetTokenAsync(_proxy, message.CallToken)).ConfigureAwait(false);
                message.Token = token;
                var request = message.Request ?? message.NewRequest();
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                // Google bills a user credential's calls to this project (and refuses project-less routes without one).
                // The credential's own is known only once it has been loaded, which the token fetch above did.
                var quota = _quotaProject ?? _credentialQuota?.QuotaProject;
                if (quota is not null) request.Headers.TryAddWithoutValidation(QuotaProjectHeader, quota);
                message.QuotaProject = quota;
                var response = await Next!.SendAsync(message).ConfigureAwait(false);
                if ((int)response.StatusCode != 401 || message.TokenRefreshed || !_tokens.Invalidate(token)) return response;

                // An expired or revoked token: fetch a fresh one and try once more, at once.
                message.TokenRefreshed = true;
                _log.Verbose("The token was rejected (401); fetching a fresh one and retrying.");
                message.NewRequest();
            }
        }
    }

    /// <summary>What is sent and what came back, for -Verbose and -Debug: never the token, only the source's description.</summary>
    internal sealed class LogStage : TransportStage
    {
        private readonly IGeminiLog _log;
        private readonly IAccessTokenSource _tokens;
        private readonly string? _proxyDescription;
        private readonly bool _logBody;

        internal LogStage(IGeminiLog log, IAccessTokenSource tokens, string? proxyDescription, bool logBody, TransportStage next) : base(next)
        {
            _log = log;
            _tokens = tokens;
            _proxyDescription = proxyDescription;
            _logBody = logBody;
        }

        internal override async Task<HttpResponseMessage> SendAsync(TransportMessage message)
        {
            _log.Verbose($"{message.Method} {message.LogUri ?? message.Uri.ToString()} ({(message.Operation is { } operation ? operation : "model " + (message.Model ?? "(endpoint default)"))}{(message.Stream ? ", streaming" : "")}, {_tokens.Description}"
                + (_proxyDescription is null ? "" : $", via proxy {_proxyDescription}")
                + (message.QuotaProject is null ? "" : $", quota project {message.QuotaProject}") + $", attempt {message.Attempt}).");
            if (message.Body is { } body)
            {
                // The JSON itself only when asked for (-Debug), and once per call: shortening a large body costs time.
                _log.Debug(_logBody && !message.BodyLogged
                    ? $"Request body ({body.Length} bytes):{Environment.NewLine}{RequestBodyLog.Describe(body)}"
                    : $"Request body: {body.Length} bytes.");
                message.BodyLogged = true;
            }
            var sw = Stopwatch.StartNew();
            var response = await Next!.SendAsync(message).ConfigureAwait(false);
            var requestId = message.RequestId;
            _log.Verbose($"HTTP {(int)response.StatusCode} after {sw.ElapsedMilliseconds} ms{(requestId is null ? "" : $" (request id {requestId})")}.");
            return response;
        }
    }

    /// <summary>
    /// The end of the pipeline: the HttpClient, under the time limit of one send. A stream's limit covers its headers only;
    /// its silences are bounded by the reader's idle limit, so one that keeps sending may run as long as it needs.
    /// </summary>
    internal sealed class HttpStage : TransportStage
    {
        private readonly HttpClient _http;
        private readonly TimeSpan _timeout;

        internal HttpStage(HttpClient http, TimeSpan timeout) : base(null)
        {
            _http = http;
            _timeout = timeout;
        }

        internal override async Task<HttpResponseMessage> SendAsync(TransportMessage message)
        {
            message.SendTimer?.Dispose();
            var timer = CancellationTokenSource.CreateLinkedTokenSource(message.CallToken);
            message.SendTimer = timer;
            timer.CancelAfter(_timeout);
            message.SendStarted = true;
            var response = await _http.SendAsync(message.Request!, HttpCompletionOption.ResponseHeadersRead, timer.Token).ConfigureAwait(false);
            message.Response = response;
            message.RequestId = RequestIdOf(response);
            if (message.Stream && response.IsSuccessStatusCode) timer.CancelAfter(Timeout.InfiniteTimeSpan);
            return response;
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
    }
}
