using System;
using System.Net.Http;
using VertexAI.Auth;

namespace VertexAI
{
    /// <summary>How a <see cref="GeminiClient"/> reaches Vertex AI.</summary>
    public sealed class GeminiClientOptions
    {
        /// <summary>Where requests go.</summary>
        public VertexEndpoint? Endpoint { get; set; }

        /// <summary>Where tokens come from; defaults to the session's Application Default Credentials.</summary>
        public IAccessTokenSource? TokenSource { get; set; }

        /// <summary>The HttpClient to use; defaults to one shared by the whole process (one per proxy).</summary>
        public HttpClient? HttpClient { get; set; }

        /// <summary>
        /// An HTTP proxy (<c>http://host:port</c>, credentials allowed as <c>http://user:pass@host:port</c>); when null,
        /// <c>HTTPS_PROXY</c>/<c>HTTP_PROXY</c>/<c>NO_PROXY</c> from the environment, else the system's proxy. Ignored when
        /// <see cref="HttpClient"/> is given.
        /// </summary>
        public Uri? Proxy { get; set; }

        /// <summary>Limit for one attempt: the whole response, or for a stream its headers. Default 5 minutes.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>
        /// Longest silence allowed between two stream events (and before the first) before the stream counts as stalled.
        /// Null (the default) uses <see cref="Timeout"/>, so one limit bounds every wait for the server while a stream that
        /// keeps sending may run as long as it needs.
        /// </summary>
        public TimeSpan? StreamIdleTimeout { get; set; }

        /// <summary>Retry rules.</summary>
        public RetryPolicy Retry { get; set; } = new RetryPolicy();

        /// <summary>
        /// Whether the debug log gets the request JSON (indented, media shortened by <see cref="RequestBodyLog"/>) rather
        /// than only its size. Off by default: it costs a parse of every body.
        /// </summary>
        public bool LogRequestBody { get; set; }

        /// <summary>
        /// The Google Cloud project billed for the calls' quota, sent as <c>x-goog-user-project</c> on every request. When
        /// null, the credential's own (Application Default Credentials read <c>GOOGLE_CLOUD_QUOTA_PROJECT</c>, else the
        /// credential file's <c>quota_project_id</c>), else none. User credentials (<c>gcloud auth application-default
        /// login</c>) need one for routes whose path names no project.
        /// </summary>
        public string? QuotaProject { get; set; }

        /// <summary>Where verbose and debug messages go.</summary>
        public IGeminiLog Log { get; set; } = NullGeminiLog.Instance;
    }
}
