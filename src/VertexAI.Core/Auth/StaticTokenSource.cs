using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Threading;
using System.Threading.Tasks;

namespace VertexAI.Auth
{
    /// <summary>An access token given by the caller (e.g. from <c>gcloud auth print-access-token</c>); never refreshed.</summary>
    public sealed class StaticTokenSource : IAccessTokenSource
    {
        private readonly Task<string> _token;

        /// <summary>Wraps a token string.</summary>
        public StaticTokenSource(string token)
        {
            if (string.IsNullOrWhiteSpace(token)) throw new ArgumentException("The access token is empty.", nameof(token));
            // A pasted token often carries a trailing newline or the "Bearer " prefix; neither belongs in the header value.
            token = token.Trim();
            if (token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) token = token.Substring(7).Trim();
            if (token.IndexOfAny(new[] { '\r', '\n', ' ' }) >= 0)
            {
                throw new ArgumentException("The access token contains whitespace; pass the token alone.", nameof(token));
            }
            _token = Task.FromResult(token);
        }

        /// <summary>Wraps a token held in a <see cref="SecureString"/>.</summary>
        public static StaticTokenSource FromSecureString(SecureString token)
        {
            if (token is null) throw new ArgumentNullException(nameof(token));
            var ptr = Marshal.SecureStringToGlobalAllocUnicode(token);
            try
            {
                return new StaticTokenSource(Marshal.PtrToStringUni(ptr) ?? string.Empty);
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }

        /// <inheritdoc/>
        public string Description => "explicit access token";

        /// <inheritdoc/>
        public Task<string> GetTokenAsync(CancellationToken cancellationToken) => _token;

        /// <inheritdoc/>
        public bool Invalidate(string rejectedToken) => false;

        /// <inheritdoc/>
        public override string ToString() => Description;
    }
}
