using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using VertexAI.Auth;

namespace VertexAI.Storage
{
    /// <summary>
    /// The Cloud Storage JSON API calls a batch job needs, through the module's own transport (the retry loop, the bearer
    /// token with its 401 refresh, the proxy, TLS and the log): a resumable upload from a stream, a listing by prefix, and
    /// a download to a file. Shapes from https://cloud.google.com/storage/docs/json_api/v1/objects (insert, list, get) and
    /// "Perform resumable uploads" (https://cloud.google.com/storage/docs/performing-resumable-uploads).
    /// </summary>
    /// <remarks>
    /// Hand-written rather than Google.Apis.Storage.v1: that library sends through its own ConfigurableHttpClient, with its
    /// own retries and no place for this module's log redaction, proxy rules and error mapping; three calls are all that is
    /// needed (BENCHMARKS.md, "Cloud Storage").
    /// </remarks>
    public sealed class CloudStorageClient
    {
        /// <summary>Google's Cloud Storage root.</summary>
        public static readonly Uri DefaultRoot = new Uri("https://storage.googleapis.com/");

        /// <summary>The environment variable Google's client libraries read for a Cloud Storage emulator (host[:port] or a URL).</summary>
        public const string EmulatorHostVariable = "STORAGE_EMULATOR_HOST";

        /// <summary>Chunks of a resumable upload: a multiple of 256 KiB, as Cloud Storage requires (8 MiB: its recommended size).</summary>
        public const int DefaultChunkSize = 32 * 256 * 1024;

        private readonly TransportPipeline _pipeline;
        private readonly IGeminiLog _log;

        /// <summary>Creates a client with the settings (credential, proxy, retries, timeout, log) of <paramref name="options"/>.</summary>
        /// <param name="options">The same options as the Vertex calls.</param>
        /// <param name="root">The service root (<see cref="ResolveRoot"/>).</param>
        public CloudStorageClient(GeminiClientOptions options, Uri root)
        {
            if (options is null) throw new ArgumentNullException(nameof(options));
            Root = root ?? throw new ArgumentNullException(nameof(root));
            try
            {
                // The same rule as for Vertex: https, or plain http to loopback only (a token never travels in clear text).
                VertexEndpoint.ValidateBaseUri(root);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException(ex.Message.Replace("the service root", "the Cloud Storage root"), "StorageBaseUri", ex);
            }
            var tokens = options.TokenSource ?? GoogleCredentialTokenSource.ApplicationDefault;
            if (options.Proxy is not null) ProxySettings.Validate(options.Proxy);
            var http = options.HttpClient ?? SharedHttp.For(options.Proxy);
            _pipeline = new TransportPipeline(http, tokens, options);
            _log = options.Log;
        }

        /// <summary>The service root requests go to.</summary>
        public Uri Root { get; }

        /// <summary>Bytes per chunk of an upload (a multiple of 256 KiB).</summary>
        public int ChunkSize { get; set; } = DefaultChunkSize;

        /// <summary>
        /// Where Cloud Storage is: <paramref name="storageBaseUri"/> when given; else <c>STORAGE_EMULATOR_HOST</c>; else, when
        /// the Vertex calls go to a loopback address (the repository's emulator serves both APIs), that root; else
        /// <see cref="DefaultRoot"/>.
        /// </summary>
        public static Uri ResolveRoot(Uri? storageBaseUri, Uri? vertexBaseUri)
        {
            if (storageBaseUri is not null) return WithSlash(storageBaseUri);
            var emulator = Environment.GetEnvironmentVariable(EmulatorHostVariable);
            if (!string.IsNullOrWhiteSpace(emulator))
            {
                var text = emulator!.Trim();
                if (text.IndexOf("://", StringComparison.Ordinal) < 0) text = "http://" + text;
                if (Uri.TryCreate(text, UriKind.Absolute, out var fromEnvironment)) return WithSlash(fromEnvironment);
                throw new ArgumentException($"{EmulatorHostVariable}='{emulator}' is not a host[:port] or URL.", "StorageBaseUri");
            }
            if (vertexBaseUri is not null && vertexBaseUri.IsLoopback) return WithSlash(vertexBaseUri);
            return DefaultRoot;
        }

        private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? uri : new Uri(uri.AbsoluteUri + "/");

        /// <summary>
        /// Uploads <paramref name="content"/> (read from its current position to its end, chunk by chunk: never held whole in
        /// memory) to <paramref name="target"/> with a resumable upload. A chunk that fails is sent again from where Cloud
        /// Storage says it stopped, which needs a seekable stream; returns the object's size.
        /// </summary>
        public async Task<long> UploadAsync(GcsUri target, Stream content, string contentType, CancellationToken cancellationToken = default)
        {
            if (target is null) throw new ArgumentNullException(nameof(target));
            if (content is null) throw new ArgumentNullException(nameof(content));
            if (ChunkSize <= 0 || ChunkSize % (256 * 1024) != 0) throw new ArgumentException("The chunk size must be a positive multiple of 256 KiB.", nameof(ChunkSize));
            var session = await StartUploadAsync(target, contentType, cancellationToken).ConfigureAwait(false);
            var start = content.Position;
            long total = content.Length - start;
            long sent = 0;
            while (true)
            {
                var size = (int)Math.Min(ChunkSize, total - sent);
                var chunk = new byte[size];
                content.Position = start + sent;
                var read = 0;
                while (read < size)
                {
                    var n = await content.ReadAsync(chunk, read, size - read, cancellationToken).ConfigureAwait(false);
                    if (n == 0) throw new IOException("The upload's content ended before its length.");
                    read += n;
                }
                var range = size == 0
                    ? $"bytes */{total}"
                    : string.Format(CultureInfo.InvariantCulture, "bytes {0}-{1}/{2}", sent, sent + size - 1, total);
                using var message = new TransportMessage(HttpMethod.Put, session, chunk, stream: false, model: null, cancellationToken, "upload " + target)
                {
                    BodyContentType = contentType,
                    ExtraHeaders = new List<KeyValuePair<string, string>> { new KeyValuePair<string, string>("Content-Range", range) },
                    BodyLogged = true, // a chunk is data, not JSON to show with -Debug
                    // The session URI lets anyone holding it write the object: the log shows it without its upload_id.
                    LogUri = RedactUploadId(session),
                };
                var persisted = await _pipeline.SendAsync(message, ReadChunkAnswerAsync).ConfigureAwait(false);
                if (persisted < 0) return total;
                _log.Verbose(string.Format(CultureInfo.InvariantCulture, "Uploaded {0:N0} of {1:N0} bytes to {2}.", persisted, total, target));
                sent = persisted;
            }
        }

        // POST ...?uploadType=resumable&name=N with the metadata: the session URI comes back in Location.
        private async Task<Uri> StartUploadAsync(GcsUri target, string contentType, CancellationToken cancellationToken)
        {
            var uri = new Uri(Root, $"upload/storage/v1/b/{Uri.EscapeDataString(target.Bucket)}/o?uploadType=resumable&name={Uri.EscapeDataString(target.Name)}");
            var metadata = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["name"] = target.Name, ["contentType"] = contentType });
            using var message = new TransportMessage(HttpMethod.Post, uri, metadata, stream: false, model: null, cancellationToken, "start upload " + target)
            {
                ExtraHeaders = new List<KeyValuePair<string, string>> { new KeyValuePair<string, string>("X-Upload-Content-Type", contentType) },
            };
            return await _pipeline.SendAsync(message, async m =>
            {
                var response = m.Response!;
                if (!response.IsSuccessStatusCode) throw await GeminiClient.StatusErrorAsync(m).ConfigureAwait(false);
                var location = response.Headers.Location
                    ?? throw new GeminiApiException($"Cloud Storage started no upload session for {target}: the answer has no Location header.", (int)response.StatusCode);
                return location.IsAbsoluteUri ? location : new Uri(Root, location);
            }).ConfigureAwait(false);
        }

        internal static string RedactUploadId(Uri session)
            => System.Text.RegularExpressions.Regex.Replace(session.AbsoluteUri, "([?&]upload_id=)[^&]*", "$1(redacted)");

        // 200/201: done (-1). 308: the bytes persisted so far ("Range: bytes=0-N", none when nothing yet).
        private static async Task<long> ReadChunkAnswerAsync(TransportMessage message)
        {
            var response = message.Response!;
            var status = (int)response.StatusCode;
            if (status == 200 || status == 201) return -1;
            if (status != 308) throw await GeminiClient.StatusErrorAsync(message).ConfigureAwait(false);
            if (!response.Headers.TryGetValues("Range", out var values)) return 0;
            var range = values.FirstOrDefault() ?? string.Empty;
            var dash = range.LastIndexOf('-');
            return dash > 0 && long.TryParse(range.Substring(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var last) ? last + 1 : 0;
        }

        /// <summary>The names of the objects under <paramref name="prefix"/>, in name order (every page).</summary>
        public async Task<IReadOnlyList<string>> ListAsync(GcsUri prefix, CancellationToken cancellationToken = default)
        {
            if (prefix is null) throw new ArgumentNullException(nameof(prefix));
            var names = new List<string>();
            string? pageToken = null;
            do
            {
                var query = "prefix=" + Uri.EscapeDataString(prefix.Name) + (pageToken is null ? "" : "&pageToken=" + Uri.EscapeDataString(pageToken));
                var uri = new Uri(Root, $"storage/v1/b/{Uri.EscapeDataString(prefix.Bucket)}/o?{query}");
                using var message = new TransportMessage(HttpMethod.Get, uri, null, stream: false, model: null, cancellationToken, "list " + prefix);
                pageToken = await _pipeline.SendAsync(message, async m =>
                {
                    if (!m.Response!.IsSuccessStatusCode) throw await GeminiClient.StatusErrorAsync(m).ConfigureAwait(false);
                    var bytes = await GeminiClient.ReadBodyBytesAsync(m.Response, m.SendToken).ConfigureAwait(false);
                    using var doc = JsonDocument.Parse(bytes);
                    if (doc.RootElement.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var item in items.EnumerateArray())
                        {
                            if (item.TryGetProperty("name", out var name) && name.GetString() is string n) names.Add(n);
                        }
                    }
                    return doc.RootElement.TryGetProperty("nextPageToken", out var next) ? next.GetString() : null;
                }).ConfigureAwait(false);
            }
            while (pageToken is not null);
            return names;
        }

        /// <summary>Downloads an object into <paramref name="destination"/> (streamed: never held whole in memory).</summary>
        public async Task DownloadAsync(GcsUri source, Stream destination, CancellationToken cancellationToken = default)
        {
            if (source is null) throw new ArgumentNullException(nameof(source));
            if (destination is null) throw new ArgumentNullException(nameof(destination));
            var uri = new Uri(Root, $"storage/v1/b/{Uri.EscapeDataString(source.Bucket)}/o/{Uri.EscapeDataString(source.Name)}?alt=media");
            var start = destination.CanSeek ? destination.Position : 0;
            using var message = new TransportMessage(HttpMethod.Get, uri, null, stream: false, model: null, cancellationToken, "download " + source);
            await _pipeline.SendAsync(message, async m =>
            {
                if (!m.Response!.IsSuccessStatusCode) throw await GeminiClient.StatusErrorAsync(m).ConfigureAwait(false);
                // A retried download starts over.
                if (destination.CanSeek)
                {
                    destination.Position = start;
                    destination.SetLength(start);
                }
                using var body = await m.Response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                await body.CopyToAsync(destination, 81920, m.SendToken).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
        }
    }
}
