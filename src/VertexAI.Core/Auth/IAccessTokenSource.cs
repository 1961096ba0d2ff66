using System.Threading;
using System.Threading.Tasks;

namespace VertexAI.Auth
{
    /// <summary>Supplies OAuth2 access tokens for <c>Authorization: Bearer</c>.</summary>
    public interface IAccessTokenSource
    {
        /// <summary>A token valid for at least the next request; cached by the source, never fetched per request.</summary>
        Task<string> GetTokenAsync(CancellationToken cancellationToken);

        /// <summary>What kind of credential this is, for verbose output (never the token itself).</summary>
        string Description { get; }

        /// <summary>
        /// Called when the server rejected <paramref name="rejectedToken"/> as expired or revoked; returns whether a
        /// fresh token can be had (the next <see cref="GetTokenAsync"/> fetches it).
        /// </summary>
        bool Invalidate(string rejectedToken);
    }
}
