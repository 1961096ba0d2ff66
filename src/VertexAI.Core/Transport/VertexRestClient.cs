using System;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using VertexAI.Auth;

namespace VertexAI
{
    /// <summary>
    /// Calls Vertex AI's native REST routes (context caches, token counts, embeddings, the model list, batch jobs) with
    /// JSON bodies, through the same transport as <see cref="GeminiClient"/>: the one retry loop, the bearer token with its
    /// one 401 refresh and the quota project, the log without tokens, and Google's error bodies turned into
    /// <see cref="GeminiApiException"/>. Thread-safe; cheap to create. The route classes build on it; the cmdlets call
    /// those, never this with System.Text.Json types.
    /// </summary>
    public sealed class VertexRestClient
    {
        private static readonly byte[] s_emptyObject = Encoding.UTF8.GetBytes("{}");
        private readonly TransportPipeline _pipeline;

        /// <summary>Creates a client from the same options a <see cref="GeminiClient"/> takes.</summary>
        public VertexRestClient(GeminiClientOptions options)
        {
            Options = options ?? throw new ArgumentNullException(nameof(options));
            Endpoint = options.Endpoint ?? throw new ArgumentException("An endpoint is required.", nameof(options));
            var tokens = options.TokenSource ?? GoogleCredentialTokenSource.ApplicationDefault;
            if (options.Proxy is not null) ProxySettings.Validate(options.Proxy);
            var http = options.HttpClient ?? SharedHttp.For(options.Proxy);
            _pipeline = new TransportPipeline(http, tokens, options);
        }

        /// <summary>The endpoint whose service root, project, location and API version the routes use.</summary>
        public VertexEndpoint Endpoint { get; }

        /// <summary>The options this client was made with (its log, for the route classes' own lines).</summary>
        public GeminiClientOptions Options { get; }

        /// <summary>
        /// Sends a request and returns the answer's JSON (an empty body reads as <c>{}</c>). Transient failures are retried;
        /// an error status, or an error object in a 200, throws <see cref="GeminiApiException"/>; a request that cannot be
        /// sent throws <see cref="ArgumentException"/>.
        /// </summary>
        /// <param name="method">GET, POST, PATCH or DELETE.</param>
        /// <param name="uri">The route (see <see cref="VertexEndpoint.LocationUri"/> and <see cref="VertexEndpoint.ApiUri"/>).</param>
        /// <param name="jsonBody">The UTF-8 JSON body, or null.</param>
        /// <param name="operation">What the call does, for the verbose log (e.g. "create cache").</param>
        /// <param name="cancellationToken">Stops the call and any wait before a retry.</param>
        public async Task<JsonDocument> SendAsync(HttpMethod method, Uri uri, byte[]? jsonBody, string operation, CancellationToken cancellationToken = default)
        {
            if (method is null) throw new ArgumentNullException(nameof(method));
            if (uri is null) throw new ArgumentNullException(nameof(uri));
            using var message = new TransportMessage(method, uri, jsonBody, stream: false, model: null, cancellationToken, operation);
            return await _pipeline.SendAsync(message, ReadJsonAsync).ConfigureAwait(false);
        }

        // Classifies an answer: an error status is a try that failed (retried when transient); a 200 that is an error
        // object or not JSON is final.
        private static async Task<JsonDocument> ReadJsonAsync(TransportMessage message)
        {
            var response = message.Response!;
            if (!response.IsSuccessStatusCode) throw await GeminiClient.StatusErrorAsync(message).ConfigureAwait(false);
            var bytes = await GeminiClient.ReadBodyBytesAsync(response, message.SendToken).ConfigureAwait(false);
            if (bytes.Length == 0) bytes = s_emptyObject;
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(bytes);
            }
            catch (JsonException ex)
            {
                var text = Encoding.UTF8.GetString(bytes);
                var contentType = response.Content.Headers.ContentType?.MediaType;
                var what = text.TrimStart().StartsWith("<", StringComparison.Ordinal)
                    ? GoogleErrorParser.DescribeNonJson(text, contentType)
                    : "the response is not valid JSON: " + ex.Message;
                throw new GeminiApiException(GeminiApiException.Describe((int)response.StatusCode, null, what, message.RequestId),
                    (int)response.StatusCode, null, ex.Message, null, message.RequestId, ex) { ResponseBody = GoogleErrorParser.Cut(text) }.Redacted(message.Token);
            }
            // Resources may carry an "error" member of their own (a failed batch job's status): only a body that is nothing
            // but an error object is one.
            if (IsBareError(doc.RootElement) && GoogleErrorParser.TryReadError(doc.RootElement, out var code, out var status, out var errorText, out var details))
            {
                doc.Dispose();
                throw new GeminiApiException(GeminiApiException.Describe(code ?? 200, status, errorText, message.RequestId),
                    code ?? 200, status, errorText, details, message.RequestId) { ResponseBody = GoogleErrorParser.Cut(Encoding.UTF8.GetString(bytes)) }.Redacted(message.Token);
            }
            return doc;
        }

        private static bool IsBareError(JsonElement root)
        {
            if (root.ValueKind == JsonValueKind.Array) return root.GetArrayLength() > 0 && IsBareError(root[0]);
            if (root.ValueKind != JsonValueKind.Object) return false;
            var count = 0;
            var hasError = false;
            foreach (var property in root.EnumerateObject())
            {
                count++;
                hasError |= property.NameEquals("error");
            }
            return hasError && count == 1;
        }
    }
}
