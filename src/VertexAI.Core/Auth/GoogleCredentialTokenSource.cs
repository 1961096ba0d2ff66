using System;
using System.Threading;
using System.Threading.Tasks;

namespace VertexAI.Auth
{
    /// <summary>
    /// Tokens from Google.Apis.Auth: Application Default Credentials or a credential file. The credential caches its
    /// token and refreshes it from the token's own expiry, so this source fetches a token only when one is due.
    /// Google's assemblies load on the first token request, not when the module is imported.
    /// </summary>
    public sealed class GoogleCredentialTokenSource : IAccessTokenSource, IProxiedTokenSource, IQuotaProjectSource
    {
        /// <summary>The OAuth scope Vertex AI needs.</summary>
        public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

        private static readonly Lazy<GoogleCredentialTokenSource> s_applicationDefault =
            new Lazy<GoogleCredentialTokenSource>(NewApplicationDefault);

        private readonly Func<CancellationToken, Task<GoogleAuth.TokenGetter>> _factory;
        private readonly object _gate = new object();
        private Task<GoogleAuth.TokenGetter>? _getter;

        private GoogleCredentialTokenSource(Func<CancellationToken, Task<GoogleAuth.TokenGetter>> factory, string description)
        {
            _factory = factory;
            Description = description;
        }

        /// <summary>The process-wide Application Default Credentials source: one credential for the whole session.</summary>
        public static GoogleCredentialTokenSource ApplicationDefault => s_applicationDefault.Value;

        /// <summary>A source from the JSON of a credential file (service-account key, authorized user, external account).</summary>
        public static GoogleCredentialTokenSource FromJson(string json, string description = "credential file")
            => new GoogleCredentialTokenSource(_ => Task.FromResult(GoogleAuth.FromJson(json)), description);

        /// <summary>A source from a credential file the user named.</summary>
        public static GoogleCredentialTokenSource FromFile(string path)
            => new GoogleCredentialTokenSource(_ => Task.FromResult(GoogleAuth.FromJson(System.IO.File.ReadAllText(path))), $"credential file {path}");

        /// <summary>A source from the GCE metadata server at <paramref name="tokenUrl"/> (tests and non-standard hosts).</summary>
        public static GoogleCredentialTokenSource FromMetadataServer(string tokenUrl)
            => new GoogleCredentialTokenSource(_ => Task.FromResult(GoogleAuth.FromMetadataServer(tokenUrl)), "metadata server");

        /// <summary>
        /// An Application Default Credentials source of its own: what <see cref="ApplicationDefault"/> is, for tests that
        /// must start from no credential found yet. Each lookup until one succeeds reads the environment afresh.
        /// </summary>
        internal static GoogleCredentialTokenSource NewApplicationDefault()
            => new GoogleCredentialTokenSource(ct => GoogleAuth.ApplicationDefaultAsync(ct), "Application Default Credentials");

        internal static GoogleCredentialTokenSource FromGetter(GoogleAuth.TokenGetter getter, string description)
            => new GoogleCredentialTokenSource(_ => Task.FromResult(getter), description);

        /// <inheritdoc/>
        public string Description { get; }

        /// <inheritdoc/>
        public Task<string> GetTokenAsync(CancellationToken cancellationToken) => GetTokenViaAsync(null, cancellationToken);

        Task<string> IProxiedTokenSource.GetTokenAsync(Uri? proxy, CancellationToken cancellationToken) => GetTokenViaAsync(proxy, cancellationToken);

        // A token whose fetch, when one is due, goes through the proxy of the call (null: the environment's).
        private async Task<string> GetTokenViaAsync(Uri? proxy, CancellationToken cancellationToken)
        {
            Task<GoogleAuth.TokenGetter> getterTask;
            lock (_gate)
            {
                // A failed discovery (no ADC configured yet) is retried on the next call rather than cached forever;
                // GoogleAuth looks the credentials up afresh each time, so a key set up since then is found.
                if (_getter is null || _getter.IsFaulted || _getter.IsCanceled) _getter = _factory(CancellationToken.None);
                getterTask = _getter;
            }
            GoogleAuth.TokenGetter getter;
            try
            {
                getter = await getterTask.ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                throw new InvalidOperationException(
                    $"Could not load {Description}: {ex.Message} Run 'gcloud auth application-default login', set GOOGLE_APPLICATION_CREDENTIALS to a key file, name one with Set-GeminiContext -CredentialFile, or pass -AccessToken.", ex);
            }
            return await getter.GetAsync(proxy, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The credential's quota project, once it is loaded (the first token request loads it).</summary>
        public string? QuotaProject
        {
            get
            {
                var getter = _getter;
                return getter is { Status: TaskStatus.RanToCompletion } ? getter.Result.QuotaProject : null;
            }
        }

        /// <inheritdoc/>
        public bool Invalidate(string rejectedToken)
        {
            var getter = _getter;
            return getter is { Status: TaskStatus.RanToCompletion } && getter.Result.Invalidate(rejectedToken);
        }

        /// <inheritdoc/>
        public override string ToString() => Description;
    }
}
