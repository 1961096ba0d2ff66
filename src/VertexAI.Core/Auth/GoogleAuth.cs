using System;
using System.Threading;
using System.Threading.Tasks;
using Google.Apis.Auth.OAuth2;

namespace VertexAI.Auth
{
    /// <summary>
    /// The only place that names Google.Apis.Auth types, so that those assemblies (and Newtonsoft.Json) load when a
    /// token is first needed, not when the module is imported.
    /// </summary>
    internal static class GoogleAuth
    {
        internal static async Task<TokenGetter> ApplicationDefaultAsync(CancellationToken cancellationToken)
        {
            var credential = await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false);
            return new TokenGetter(Scope(credential));
        }

        internal static TokenGetter FromJson(string json)
        {
#pragma warning disable CS0618 // FromJson accepts every credential type ADC does; the caller named the file.
            var credential = GoogleCredential.FromJson(json);
#pragma warning restore CS0618
            return new TokenGetter(Scope(credential));
        }

        internal static TokenGetter FromMetadataServer(string tokenUrl)
            => new TokenGetter(new ComputeCredential(new ComputeCredential.Initializer(tokenUrl)).ToGoogleCredential());

        internal static TokenGetter FromCredential(GoogleCredential credential) => new TokenGetter(Scope(credential));

        private static GoogleCredential Scope(GoogleCredential credential)
            => credential.IsCreateScopedRequired ? credential.CreateScoped(GoogleCredentialTokenSource.CloudPlatformScope) : credential;

        /// <summary>Gets tokens from one credential; Google's library caches and refreshes them.</summary>
        internal sealed class TokenGetter
        {
            private readonly GoogleCredential _credential;
            private readonly object _gate = new object();
            private string? _rejected;

            internal TokenGetter(GoogleCredential credential) => _credential = credential;

            internal async Task<string> GetAsync(CancellationToken cancellationToken)
            {
                ITokenAccess access = _credential;
                var token = await access.GetAccessTokenForRequestAsync(null, cancellationToken).ConfigureAwait(false);
                string? rejected;
                lock (_gate) rejected = _rejected;
                if (rejected is not null && token == rejected
                    && _credential.UnderlyingCredential is ServiceCredential service)
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
                if (!(_credential.UnderlyingCredential is ServiceCredential)) return false;
                lock (_gate) _rejected = rejectedToken;
                return true;
            }
        }
    }
}
