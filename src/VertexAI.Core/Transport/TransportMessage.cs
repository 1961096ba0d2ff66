using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;

namespace VertexAI
{
    /// <summary>
    /// One call through the <see cref="TransportPipeline"/>: what to send, and the state of the current try. An
    /// <see cref="HttpRequestMessage"/> cannot be sent twice (.NET Framework refuses), so each send builds a fresh one
    /// from <see cref="Body"/>; the message owns every try's request, response and timer and disposes them.
    /// </summary>
    internal sealed class TransportMessage : IDisposable
    {
        private static readonly MediaTypeHeaderValue s_json = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        private static readonly MediaTypeWithQualityHeaderValue s_acceptJson = new MediaTypeWithQualityHeaderValue("application/json");
        private static readonly MediaTypeWithQualityHeaderValue s_acceptEventStream = new MediaTypeWithQualityHeaderValue("text/event-stream");
        private static readonly ProductInfoHeaderValue s_userAgent = ProductInfoHeaderValue.Parse(SharedHttp.UserAgent);

        private List<IDisposable>? _tryResources;

        internal TransportMessage(HttpMethod method, Uri uri, byte[]? body, bool stream, string? model, CancellationToken callToken, string? operation = null)
        {
            Operation = operation;
            Method = method;
            Uri = uri;
            Body = body;
            Stream = stream;
            Model = model;
            CallToken = callToken;
        }

        internal HttpMethod Method { get; }

        /// <summary>What the log shows instead of <see cref="Uri"/> when that holds a secret (a resumable upload's session id).</summary>
        internal string? LogUri { get; set; }

        /// <summary>The body's media type when it is not JSON (a Cloud Storage upload); null sends <c>application/json</c>.</summary>
        internal string? BodyContentType { get; set; }

        /// <summary>Extra headers of every try (a resumable upload's <c>Content-Range</c>, <c>X-Upload-Content-Type</c>).</summary>
        internal List<KeyValuePair<string, string>>? ExtraHeaders { get; set; }
        internal Uri Uri { get; }
        internal byte[]? Body { get; }

        /// <summary>Whether the answer is an event stream: its headers are bounded by the try's timer, its body by the idle limit.</summary>
        internal bool Stream { get; }

        /// <summary>For the log only.</summary>
        internal string? Model { get; }

        /// <summary>For the log only: what a native REST call does (e.g. "create cache"); null for a chat call.</summary>
        internal string? Operation { get; }

        /// <summary>The caller's token (Ctrl+C): never retried, unlike the try's own time limit.</summary>
        internal CancellationToken CallToken { get; }

        /// <summary>The try being made, 1-based, as counted against <see cref="RetryPolicy.MaxRetries"/>.</summary>
        internal int Attempt { get; set; }

        /// <summary>Whether this call already spent its one token refresh after a 401.</summary>
        internal bool TokenRefreshed { get; set; }

        /// <summary>Whether the request body was already written to the debug log in full.</summary>
        internal bool BodyLogged { get; set; }

        // The current send.
        internal HttpRequestMessage? Request { get; private set; }

        /// <summary>
        /// Whether the current request went to the network: only then is a network error the endpoint's connection failing
        /// (a token fetch that fails before it is the credential's problem, reported as such).
        /// </summary>
        internal bool SendStarted { get; set; }
        internal HttpResponseMessage? Response { get; set; }
        internal CancellationTokenSource? SendTimer { get; set; }
        internal string? RequestId { get; set; }

        /// <summary>The quota project sent with the current try (x-goog-user-project), for the log.</summary>
        internal string? QuotaProject { get; set; }

        /// <summary>The bearer token of the current send: errors built from what the server sent back are scrubbed of it.</summary>
        internal string? Token { get; set; }

        /// <summary>The current send's token: the caller's, plus the try's time limit.</summary>
        internal CancellationToken SendToken => SendTimer?.Token ?? CallToken;

        /// <summary>Disposes the previous send's request and response and builds a fresh request (no credentials yet).</summary>
        internal HttpRequestMessage NewRequest()
        {
            Response?.Dispose();
            Response = null;
            Request?.Dispose();
            SendStarted = false;
            var request = new HttpRequestMessage(Method, Uri);
            if (Body is not null)
            {
                request.Content = new ByteArrayContent(Body);
                request.Content.Headers.ContentType = BodyContentType is null ? s_json : new MediaTypeHeaderValue(BodyContentType);
            }
            if (ExtraHeaders is not null)
            {
                foreach (var h in ExtraHeaders)
                {
                    // Content headers (Content-Range) go on the content, the rest on the request.
                    if (!request.Headers.TryAddWithoutValidation(h.Key, h.Value)) request.Content?.Headers.TryAddWithoutValidation(h.Key, h.Value);
                }
            }
            // Parsed once, shared by every request (header values are only read by the handler).
            request.Headers.Accept.Add(Stream ? s_acceptEventStream : s_acceptJson);
            request.Headers.UserAgent.Add(s_userAgent);
            Request = request;
            return request;
        }

        /// <summary>Something to dispose when this try ends (a registration that aborts the body, a reader).</summary>
        internal void OnTryEnd(IDisposable resource) => (_tryResources ??= new List<IDisposable>()).Add(resource);

        /// <summary>Releases the current try: its response (which aborts a pending read), request and timer.</summary>
        internal void EndTry()
        {
            if (_tryResources is not null)
            {
                foreach (var r in _tryResources) r.Dispose();
                _tryResources = null;
            }
            Response?.Dispose();
            Response = null;
            Request?.Dispose();
            Request = null;
            SendTimer?.Dispose();
            SendTimer = null;
            RequestId = null;
        }

        public void Dispose() => EndTry();
    }

    /// <summary>
    /// Thrown by a per-try stage or by the classification of an answer: this try failed in a way a later try may cure.
    /// Only <see cref="RetryStage"/> decides whether one comes; <see cref="Reason"/> is what its log line says.
    /// </summary>
    internal sealed class TryFailedException : Exception
    {
        internal TryFailedException(GeminiApiException error, string reason) : base(error.Message, error)
        {
            Error = error;
            Reason = reason;
        }

        internal GeminiApiException Error { get; }

        internal string Reason { get; }
    }
}
