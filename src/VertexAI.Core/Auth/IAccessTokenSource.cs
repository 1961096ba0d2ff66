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

    /// <summary>
    /// A source whose token requests travel over the network: the client tells it the proxy of the call, so a token
    /// fetch takes the same way out as the request that needs it.
    /// </summary>
    internal interface IProxiedTokenSource
    {
        Task<string> GetTokenAsync(System.Uri? proxy, CancellationToken cancellationToken);
    }

    /// <summary>
    /// A source whose credential names a quota project (a credential file's <c>quota_project_id</c>, or
    /// <c>GOOGLE_CLOUD_QUOTA_PROJECT</c> for Application Default Credentials), known once the credential is loaded.
    /// </summary>
    internal interface IQuotaProjectSource
    {
        /// <summary>The quota project, or null (none, or the credential not loaded yet).</summary>
        string? QuotaProject { get; }
    }
}
