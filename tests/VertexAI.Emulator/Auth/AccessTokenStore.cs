using System.Collections.Concurrent;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace VertexAI.Emulator;

/// <summary>Result of looking up a bearer token.</summary>
internal enum TokenState
{
    Missing,
    Unknown,
    Expired,
    Valid,
}

/// <summary>Every access token the emulator handed out, with its expiry, so chat requests can be checked.</summary>
internal sealed class AccessTokenStore
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _expiry = new(StringComparer.Ordinal);

    // Tokens obtained with a user's refresh token (gcloud's authorized_user ADC): Google bills those calls to a quota
    // project, which the native routes without a project in their path insist on (see NativeEndpoint).
    private readonly ConcurrentDictionary<string, bool> _userTokens = new(StringComparer.Ordinal);

    /// <summary>Issues a token as if from an <c>authorized_user</c> refresh grant (a person's gcloud login).</summary>
    public string IssueUserToken(TimeSpan lifetime)
    {
        var token = Issue(lifetime);
        _userTokens[token] = true;
        return token;
    }

    /// <summary>True for tokens from <see cref="IssueUserToken"/>.</summary>
    public bool IsUserToken(string? token) => token is not null && _userTokens.ContainsKey(token);

    /// <summary>Issues a fresh random token; a zero or negative lifetime gives an already-expired one.</summary>
    public string Issue(TimeSpan lifetime)
    {
        // "ya29." like Google's user/SA access tokens, so clients that sniff the prefix behave normally.
        var token = "ya29.emulator-" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = DateTimeOffset.UtcNow;
        var expires = lifetime <= TimeSpan.Zero ? now.AddSeconds(-1)
            : lifetime >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue
            : now + lifetime;
        _expiry[token] = expires;
        return token;
    }

    public TokenState Check(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return TokenState.Missing;
        }

        if (!_expiry.TryGetValue(token, out var expires))
        {
            return TokenState.Unknown;
        }

        return DateTimeOffset.UtcNow < expires ? TokenState.Valid : TokenState.Expired;
    }
}
