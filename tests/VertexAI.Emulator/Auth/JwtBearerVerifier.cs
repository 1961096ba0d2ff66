using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace VertexAI.Emulator;

/// <summary>Verifies RS256 JWTs signed with a registered service-account key, as Google's token endpoint does.</summary>
internal sealed class JwtBearerVerifier(CredentialRegistry registry)
{
    public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    /// <summary>
    /// Audiences Google's own token endpoint accepts; Google.Apis.Auth always signs for the first one, whatever
    /// <c>token_uri</c> says, and only posts to <c>token_uri</c>.
    /// </summary>
    private static readonly string[] GoogleTokenAudiences =
    [
        "https://oauth2.googleapis.com/token",
        "https://www.googleapis.com/oauth2/v4/token",
        "https://accounts.google.com/o/oauth2/token",
    ];

    /// <summary>Google tolerates this much clock difference between client and server.</summary>
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    /// <summary>Google refuses assertions valid for longer than an hour.</summary>
    private static readonly TimeSpan MaxAssertionLifetime = TimeSpan.FromHours(1);

    /// <summary>Checks a JWT-bearer grant assertion: signature, <c>aud</c> = token URI (or Google's), cloud-platform scope, times.</summary>
    /// <returns>null when valid, else an <c>error_description</c>.</returns>
    public string? VerifyAssertion(string assertion, Uri tokenUri)
    {
        if (Decode(assertion, out var claims) is { } error)
        {
            return error;
        }

        TryGetString(claims, "aud", out var aud);
        if (!SameUri(aud, tokenUri) && !GoogleTokenAudiences.Contains(aud))
        {
            return $"Invalid JWT: aud must be {tokenUri} or {GoogleTokenAudiences[0]}, not '{aud}'.";
        }

        if (!TryGetString(claims, "scope", out var scope)
            || !scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(CloudPlatformScope))
        {
            return "Invalid JWT: scope must include " + CloudPlatformScope;
        }

        return CheckTimes(claims, requireIat: true);
    }

    /// <summary>
    /// Checks a self-signed JWT used directly as a bearer token (what Google.Apis.Auth sends for an unscoped
    /// service-account credential); Google accepts these instead of OAuth access tokens.
    /// </summary>
    public bool IsValidSelfSignedAccessToken(string token) =>
        token.Count(c => c == '.') == 2 && Decode(token, out var claims) is null && CheckTimes(claims, requireIat: false) is null;

    private string? Decode(string jwt, out JsonElement claims)
    {
        claims = default;
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return "Invalid JWT: not three dot-separated parts.";
        }

        if (!TryParseSegment(parts[0], out var header) || !TryParseSegment(parts[1], out claims))
        {
            return "Invalid JWT: header or claim set is not base64url-encoded JSON.";
        }

        if (!TryGetString(header, "alg", out var alg) || alg != "RS256")
        {
            return "Invalid JWT: alg must be RS256.";
        }

        if (!TryGetString(claims, "iss", out var issuer))
        {
            return "Invalid JWT: iss is missing.";
        }

        TryGetString(header, "kid", out var keyId);
        var keys = registry.KeysFor(issuer, keyId);
        if (keys.Count == 0)
        {
            return "Invalid JWT Signature.";
        }

        if (!TryDecode(parts[2], out var signature))
        {
            return "Invalid JWT Signature.";
        }

        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        foreach (var key in keys)
        {
            if (key.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return null;
            }
        }

        return "Invalid JWT Signature.";
    }

    private static string? CheckTimes(JsonElement claims, bool requireIat)
    {
        var now = DateTimeOffset.UtcNow;
        if (!TryGetSeconds(claims, "exp", out var exp))
        {
            return "Invalid JWT: exp is missing.";
        }

        if (exp + Skew < now)
        {
            return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.";
        }

        if (!TryGetSeconds(claims, "iat", out var iat))
        {
            return requireIat ? "Invalid JWT: iat is missing." : null;
        }

        if (iat - Skew > now || exp < iat || exp - iat > MaxAssertionLifetime)
        {
            return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.";
        }

        return null;
    }

    private static bool SameUri(string aud, Uri expected) =>
        string.Equals(aud.TrimEnd('/'), expected.ToString().TrimEnd('/'), StringComparison.Ordinal);

    private static bool TryParseSegment(string segment, out JsonElement element)
    {
        element = default;
        if (!TryDecode(segment, out var bytes))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            element = doc.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryDecode(string segment, out byte[] bytes)
    {
        try
        {
            bytes = Base64Url.DecodeFromChars(segment);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    private static bool TryGetString(JsonElement obj, string name, out string value)
    {
        if (obj.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String)
        {
            value = p.GetString()!;
            return true;
        }

        value = string.Empty;
        return false;
    }

    private static bool TryGetSeconds(JsonElement obj, string name, out DateTimeOffset value)
    {
        if (obj.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt64(out var seconds)
            && seconds >= 0 && seconds <= 253402300799L)
        {
            value = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        value = default;
        return false;
    }
}
