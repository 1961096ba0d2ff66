using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using System.Collections.Concurrent;
using System.Net.Http;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Http;

namespace VertexAI.Auth
{
    /// <summary>
    /// The only place that names Google.Apis.Auth types, so that those assemblies (and Newtonsoft.Json) load when a
    /// token is first needed, not when the module is imported.
    /// </summary>
    internal static class GoogleAuth
    {
        internal const string CredentialsVariable = "GOOGLE_APPLICATION_CREDENTIALS";
        private const string WellKnownFileName = "application_default_credentials.json";
        private const string HelpLink = "https://cloud.google.com/docs/authentication/external/set-up-adc";

        /// <summary>
        /// Application Default Credentials, looked up afresh on every call in Google's documented order:
        /// GOOGLE_APPLICATION_CREDENTIALS, gcloud's well-known file, the GCE metadata server.
        /// </summary>
        /// <remarks>
        /// Not <see cref="GoogleCredential.GetApplicationDefaultAsync(CancellationToken)"/>: Google.Apis.Auth keeps its
        /// first answer for the process, failures included, so a session that asked before the user ran
        /// 'gcloud auth application-default login' or set GOOGLE_APPLICATION_CREDENTIALS would stay broken until
        /// restarted. The caller caches a success.
        /// </remarks>
        internal static async Task<TokenGetter> ApplicationDefaultAsync(CancellationToken cancellationToken)
        {
            var credential = FromVariable() ?? FromWellKnownFile() ?? await FromComputeEngineAsync().ConfigureAwait(false)
                ?? throw new InvalidOperationException(
                    $"Your default credentials were not found: {CredentialsVariable} is not set, there is no '{WellKnownFilePath()}', and no Google Cloud metadata server answered. See {HelpLink}.");
            cancellationToken.ThrowIfCancellationRequested();
            // As GetApplicationDefaultAsync does: GOOGLE_CLOUD_QUOTA_PROJECT applies to ADC. The metadata server is a
            // link-local address that no proxy reaches: its requests keep Google's own client.
            return new TokenGetter(Scope(credential.CreateWithEnvironmentQuotaProject()), viaTransport: !(credential.UnderlyingCredential is ComputeCredential));
        }

        private static GoogleCredential? FromVariable()
        {
            var path = Environment.GetEnvironmentVariable(CredentialsVariable);
            if (string.IsNullOrWhiteSpace(path)) return null;
            // Set but wrong is an error, not a reason to fall through to other credentials the user did not choose.
            if (!File.Exists(path))
                throw new InvalidOperationException($"{CredentialsVariable} names '{path}', which does not exist.");
            try
            {
                return Load(path);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"The credential file '{path}' named by {CredentialsVariable} could not be read: {ex.Message}", ex);
            }
        }

        private static GoogleCredential? FromWellKnownFile()
        {
            var path = WellKnownFilePath();
            if (!File.Exists(path)) return null;
            try
            {
                return Load(path);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException(
                    $"The gcloud credential file '{path}' could not be read: {ex.Message} Rerun 'gcloud auth application-default login' to write it again.", ex);
            }
        }

        private static async Task<GoogleCredential?> FromComputeEngineAsync()
        {
            // Google's probe: GCE_METADATA_HOST or 169.254.169.254 with short timeouts, plus the BIOS name; it caches
            // its answer for the process, which is right since a machine does not move on or off Google Cloud.
            return await ComputeCredential.IsRunningOnComputeEngine().ConfigureAwait(false)
                ? new ComputeCredential().ToGoogleCredential()
                : null;
        }

        /// <summary>
        /// gcloud's ADC file: under CLOUDSDK_CONFIG when set (gcloud's own override, which Google.Apis.Auth 1.78 does not
        /// read), else %APPDATA%\gcloud on Windows, else ~/.config/gcloud.
        /// </summary>
        internal static string WellKnownFilePath()
        {
            var config = Environment.GetEnvironmentVariable("CLOUDSDK_CONFIG");
            if (string.IsNullOrEmpty(config))
            {
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    var appData = Environment.GetEnvironmentVariable("APPDATA");
                    config = Path.Combine(string.IsNullOrEmpty(appData) ? Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData) : appData, "gcloud");
                }
                else
                {
                    var home = Environment.GetEnvironmentVariable("HOME");
                    config = Path.Combine(string.IsNullOrEmpty(home) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : home, ".config", "gcloud");
                }
            }
            return Path.Combine(config, WellKnownFileName);
        }

        private static GoogleCredential Load(string path)
        {
            // Every credential type ADC accepts (service account, authorized user, external account), as Google's ADC
            // loads them; the user chose this file by setting it up as their default.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
#pragma warning disable CS0618 // FromStream accepts every type; CredentialFactory's typed replacement would need one named.
            return GoogleCredential.FromStream(stream);
#pragma warning restore CS0618
        }

        internal static TokenGetter FromJson(string json)
        {
#pragma warning disable CS0618 // FromJson accepts every credential type ADC does; the caller named the file.
            var credential = GoogleCredential.FromJson(json);
#pragma warning restore CS0618
            return new TokenGetter(Scope(credential));
        }

        internal static TokenGetter FromMetadataServer(string tokenUrl)
            => new TokenGetter(new ComputeCredential(new ComputeCredential.Initializer(tokenUrl)).ToGoogleCredential(), viaTransport: false);

        internal static TokenGetter FromCredential(GoogleCredential credential) => new TokenGetter(Scope(credential));

        private static GoogleCredential Scope(GoogleCredential credential)
            => credential.IsCreateScopedRequired ? credential.CreateScoped(GoogleCredentialTokenSource.CloudPlatformScope) : credential;

        /// <summary>
        /// Gets tokens from one credential; Google's library caches and refreshes them. Token requests (JWT grant,
        /// refresh, STS exchange) go through the module's own HTTP handler for the proxy of the call that needs the token,
        /// so they take the same way out as the Vertex calls (proxy, TLS), rather than Google's default client, which
        /// knows neither <c>-Proxy</c> nor, on .NET Framework, <c>HTTPS_PROXY</c>.
        /// </summary>
        internal sealed class TokenGetter
        {
            private readonly GoogleCredential _credential;
            private readonly bool _viaTransport;
            private readonly ConcurrentDictionary<string, GoogleCredential> _byProxy = new ConcurrentDictionary<string, GoogleCredential>(StringComparer.Ordinal);
            private readonly object _gate = new object();
            private string? _rejected;
            private GoogleCredential? _lastUsed;

            internal TokenGetter(GoogleCredential credential, bool viaTransport = true)
            {
                _credential = credential;
                _viaTransport = viaTransport;
            }

            // One credential (and so one cached token) per proxy; nearly always there is one.
            private GoogleCredential For(Uri? proxy)
                => !_viaTransport ? _credential
                    : _byProxy.GetOrAdd(proxy?.AbsoluteUri ?? string.Empty, _ => _credential.CreateWithHttpClientFactory(new TransportHttpClientFactory(proxy)));

            /// <summary>The credential's quota project (x-goog-user-project), if it names one.</summary>
            internal string? QuotaProject => string.IsNullOrWhiteSpace(_credential.QuotaProject) ? null : _credential.QuotaProject;

            internal async Task<string> GetAsync(Uri? proxy, CancellationToken cancellationToken)
            {
                var credential = For(proxy);
                ITokenAccess access = credential;
                var token = await access.GetAccessTokenForRequestAsync(null, cancellationToken).ConfigureAwait(false);
                lock (_gate) _lastUsed = credential;
                string? rejected;
                lock (_gate) rejected = _rejected;
                if (rejected is not null && token == rejected
                    && credential.UnderlyingCredential is ServiceCredential service)
                {
                    // The server said this token is no longer good although it has not reached its expiry: fetch anew.
                    await service.RequestAccessTokenAsync(cancellationToken).ConfigureAwait(false);
                    token = await access.GetAccessTokenForRequestAsync(null, cancellationToken).ConfigureAwait(false);
                    lock (_gate) _rejected = null;
                }
                return token;
            }

            internal bool Invalidate(string rejectedToken)
            {
                GoogleCredential credential;
                lock (_gate) credential = _lastUsed ?? _credential;
                if (!(credential.UnderlyingCredential is ServiceCredential)) return false;
                lock (_gate) _rejected = rejectedToken;
                return true;
            }
        }

        /// <summary>Google's HTTP client factory, over the module's shared handler for one proxy.</summary>
        private sealed class TransportHttpClientFactory : HttpClientFactory
        {
            private readonly Uri? _proxy;

            internal TransportHttpClientFactory(Uri? proxy) => _proxy = proxy;

            protected override HttpMessageHandler CreateHandler(CreateHttpClientArgs args) => SharedHttp.HandlerFor(_proxy);
        }
    }
}
