using System;
using System.Collections.Generic;
using System.Net;
using System.Text;

namespace VertexAI
{
    /// <summary>
    /// Vertex AI refused or failed a request: an HTTP error, an error object in a stream, or a transport failure.
    /// Carries what a person or a retry policy needs: the HTTP status, Google's status, message, details and request id.
    /// </summary>
    public class GeminiApiException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public GeminiApiException(string message, int? httpStatus = null, string? googleStatus = null, string? errorMessage = null,
            IReadOnlyList<object?>? details = null, string? requestId = null, Exception? innerException = null)
            : base(message, innerException)
        {
            HttpStatus = httpStatus;
            Status = googleStatus;
            ErrorMessage = errorMessage;
            Details = details ?? Array.Empty<object?>();
            RequestId = requestId;
        }

        /// <summary>The HTTP status code, if the server answered (null for connection failures).</summary>
        public int? HttpStatus { get; }

        /// <summary>Google's canonical status, e.g. <c>RESOURCE_EXHAUSTED</c>, <c>INVALID_ARGUMENT</c>.</summary>
        public string? Status { get; }

        /// <summary>The server's own message, as sent.</summary>
        public string? ErrorMessage { get; }

        /// <summary>The <c>details</c> array of a Google error (plain values).</summary>
        public IReadOnlyList<object?> Details { get; }

        /// <summary>The request id the server returned (from its response headers), when it gave one.</summary>
        public string? RequestId { get; }

        /// <summary>The <c>reason</c> of the first <c>google.rpc.ErrorInfo</c> detail (e.g. <c>ACCESS_TOKEN_EXPIRED</c>).</summary>
        public string? Reason
        {
            get
            {
                foreach (var d in Details)
                {
                    if (Json.PlainJson.GetPath(d, "reason") is string r) return r;
                }
                return null;
            }
        }

        /// <summary>The model id the failed request asked for (as sent, e.g. <c>google/gemini-2.5-flash</c>), when known.</summary>
        public string? Model { get; set; }

        /// <summary>
        /// <c>Gemini.</c> followed by Google's status (<c>RESOURCE_EXHAUSTED</c>), else the HTTP status (<c>503</c>); a
        /// response that came with a success status but could not be used is <c>Gemini.InvalidResponse</c>, a broken
        /// stream <c>Gemini.StreamBroken</c>, a request that got no answer <c>Gemini.ConnectionFailure</c>, our own time
        /// limit <c>Gemini.Timeout</c>. The ErrorId of the module's error records.
        /// </summary>
        public string ErrorId
        {
            get
            {
                if (!string.IsNullOrEmpty(Status)) return "Gemini." + Status;
                if (HttpStatus is int status)
                {
                    return status >= 200 && status < 300 ? "Gemini.InvalidResponse" : "Gemini." + status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                if (IsTimeout) return "Gemini.Timeout";
                if (this is GeminiStreamException) return "Gemini.StreamBroken";
                return IsConnectionFailure ? "Gemini.ConnectionFailure" : "Gemini.RequestFailed";
            }
        }

        /// <summary>How long the server asked the client to wait (from <c>Retry-After</c>), if it said.</summary>
        public TimeSpan? RetryAfter { get; set; }

        /// <summary>How many attempts were made before giving up (1 when not retried).</summary>
        public int Attempts { get; set; } = 1;

        /// <summary>The response body as received (cut to a few kilobytes), for diagnosis.</summary>
        public string? ResponseBody { get; set; }

        /// <summary>Whether retrying the same request later can succeed (408, 429, 5xx, connection failures).</summary>
        public bool IsTransient => HttpStatus is null ? IsConnectionFailure && !IsTlsFailure : IsTransientStatus(HttpStatus.Value);

        /// <summary>Whether the request never got an HTTP answer (refused, reset, timed out).</summary>
        public bool IsConnectionFailure { get; set; }

        /// <summary>
        /// Whether the client's own time limit ran out: no answer within the timeout, or a stream silent for that long.
        /// The server may be reachable but slow, so the cure is more time rather than a network check.
        /// </summary>
        public bool IsTimeout { get; set; }

        /// <summary>Whether the TLS handshake failed (e.g. an untrusted or mismatched certificate); never retried, never bypassed.</summary>
        public bool IsTlsFailure { get; set; }

        /// <summary>HTTP statuses worth retrying.</summary>
        public static bool IsTransientStatus(int status)
            => status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;

        /// <summary>
        /// Returns this exception, or a copy with <paramref name="secret"/> replaced wherever a server echoed it (message,
        /// body, details), so a token can never travel on in an error.
        /// </summary>
        internal GeminiApiException Redacted(string? secret)
        {
            if (string.IsNullOrEmpty(secret) || !Mentions(this, secret!)) return this;
            const string Mask = "[redacted]";
            string? R(string? s) => s?.Replace(secret!, Mask);
            var details = new object?[Details.Count];
            for (var i = 0; i < details.Length; i++) details[i] = RedactPlain(Details[i], secret!, Mask);
            var inner = InnerException is not null && InnerException.ToString().Contains(secret!) ? null : InnerException;
            GeminiApiException copy = this is GeminiStreamException stream
                ? new GeminiStreamException(R(Message)!, stream.ChunksReceived, stream.PartialCompletion, HttpStatus, Status, R(ErrorMessage), details, RequestId, inner)
                : new GeminiApiException(R(Message)!, HttpStatus, Status, R(ErrorMessage), details, RequestId, inner);
            copy.RetryAfter = RetryAfter;
            copy.Attempts = Attempts;
            copy.ResponseBody = R(ResponseBody);
            copy.IsConnectionFailure = IsConnectionFailure;
            copy.IsTlsFailure = IsTlsFailure;
            copy.IsTimeout = IsTimeout;
            copy.Model = Model;
            return copy;
        }

        private static bool Mentions(GeminiApiException ex, string secret)
            => ex.ToString().Contains(secret) || (ex.ResponseBody?.Contains(secret) ?? false) || (ex.ErrorMessage?.Contains(secret) ?? false)
               || Json.PlainJson.Serialize(ex.Details).Contains(secret);

        private static object? RedactPlain(object? value, string secret, string mask)
        {
            switch (value)
            {
                case string s:
                    return s.Replace(secret, mask);
                case Dictionary<string, object?> map:
                    var m = new Dictionary<string, object?>(map.Count, StringComparer.Ordinal);
                    foreach (var kv in map) m[kv.Key] = RedactPlain(kv.Value, secret, mask);
                    return m;
                case object?[] array:
                    var a = new object?[array.Length];
                    for (var i = 0; i < a.Length; i++) a[i] = RedactPlain(array[i], secret, mask);
                    return a;
                default:
                    return value;
            }
        }

        internal static string Describe(int? httpStatus, string? googleStatus, string? message, string? requestId)
        {
            var sb = new StringBuilder("Vertex AI");
            if (httpStatus is int s)
            {
                sb.Append(" returned ").Append(s);
                var reason = ReasonPhrase(s);
                if (googleStatus is not null) sb.Append(' ').Append(googleStatus);
                else if (reason is not null) sb.Append(' ').Append(reason);
            }
            else if (googleStatus is not null)
            {
                sb.Append(" reported ").Append(googleStatus);
            }
            sb.Append(": ").Append(string.IsNullOrWhiteSpace(message) ? "(no message)" : message!.Trim());
            if (requestId is not null) sb.Append(" (request id ").Append(requestId).Append(')');
            return sb.ToString();
        }

        private static string? ReasonPhrase(int status)
            => Enum.IsDefined(typeof(HttpStatusCode), status) ? ((HttpStatusCode)status).ToString() : null;
    }

    /// <summary>
    /// A stream broke after it started: cut before <c>[DONE]</c>, an event that is not valid JSON, or an error object
    /// mid-stream. What arrived before the break is kept in <see cref="PartialCompletion"/>.
    /// </summary>
    public sealed class GeminiStreamException : GeminiApiException
    {
        /// <summary>Creates the exception.</summary>
        public GeminiStreamException(string message, int chunksReceived, ChatCompletion? partial, int? httpStatus = null,
            string? googleStatus = null, string? errorMessage = null, IReadOnlyList<object?>? details = null,
            string? requestId = null, Exception? innerException = null)
            : base(message, httpStatus, googleStatus, errorMessage, details, requestId, innerException)
        {
            ChunksReceived = chunksReceived;
            PartialCompletion = partial;
        }

        // What the stream reader knows when it breaks off: the message around the position, so that whoever folds the
        // chunks can say how much text arrived and keep it (KeepPartial) without the reader folding them itself.
        private readonly string? _before;
        private readonly string? _after;
        private string? _message;

        internal GeminiStreamException(string before, string after, int chunksReceived, int? httpStatus = null, string? googleStatus = null,
            string? errorMessage = null, IReadOnlyList<object?>? details = null, string? requestId = null, Exception? innerException = null)
            : this(before + Position(chunksReceived, null) + after, chunksReceived, null, httpStatus, googleStatus, errorMessage, details, requestId, innerException)
        {
            _before = before;
            _after = after;
        }

        /// <inheritdoc />
        public override string Message => _message ?? base.Message;

        /// <summary>How many chunks were received before the stream broke.</summary>
        public int ChunksReceived { get; }

        /// <summary>The message assembled from the chunks that did arrive (null when none did).</summary>
        public ChatCompletion? PartialCompletion { get; internal set; }

        /// <summary>
        /// Completes a failure of the stream reader with what the chunks folded so far make: the partial message, and its
        /// length in the error's message. Nothing changes when no chunk arrived or the exception did not come from the reader.
        /// </summary>
        internal void KeepPartial(StreamAccumulator folded)
        {
            if (_before is null || PartialCompletion is not null || folded.ChunkCount == 0) return;
            var partial = folded.ToCompletion();
            PartialCompletion = partial;
            _message = _before + Position(folded.ChunkCount, partial.Content?.Length ?? 0) + _after;
        }

        private static string Position(int chunks, int? textLength)
        {
            if (chunks == 0) return " before any chunk arrived.";
            if (textLength is null) return $" after {chunks} chunk(s).";
            return $" after {chunks} chunk(s) ({textLength} characters of text); the partial message is kept on the error.";
        }

    }
}
