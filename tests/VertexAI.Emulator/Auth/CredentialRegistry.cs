using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>
/// Service-account public keys and authorized-user refresh tokens the emulator accepts,
/// and the Google-format JSON key files that go with them.
/// </summary>
internal sealed class CredentialRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, RSA>> _keysByEmail = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string ClientId, string ClientSecret)> _refreshTokens = new(StringComparer.Ordinal);

    /// <summary>Creates an RSA-2048 key, keeps its public half for <paramref name="clientEmail"/>, returns the key file JSON.</summary>
    public string CreateServiceAccountKeyJson(string clientEmail, string projectId, Uri tokenUri)
    {
        using var rsa = RSA.Create(2048);
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        var publicKey = RSA.Create();
        publicKey.ImportParameters(rsa.ExportParameters(includePrivateParameters: false));
        _keysByEmail.GetOrAdd(clientEmail, _ => new ConcurrentDictionary<string, RSA>(StringComparer.Ordinal))[keyId] = publicKey;

        // Same members, in the same order, as a key downloaded from the Cloud console.
        var json = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = projectId,
            ["private_key_id"] = keyId,
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem() + "\n",
            ["client_email"] = clientEmail,
            ["client_id"] = DigitsFrom(clientEmail),
            ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
            ["token_uri"] = tokenUri.ToString(),
            ["auth_provider_x509_cert_url"] = "https://www.googleapis.com/oauth2/v1/certs",
            ["client_x509_cert_url"] = "https://www.googleapis.com/robot/v1/metadata/x509/" + Uri.EscapeDataString(clientEmail),
            ["universe_domain"] = "googleapis.com",
        };
        return json.ToJsonString(new() { WriteIndented = true });
    }

    /// <summary>Public keys registered for a service account; the one named by <paramref name="keyId"/> first.</summary>
    public IReadOnlyList<RSA> KeysFor(string issuer, string? keyId)
    {
        if (!_keysByEmail.TryGetValue(issuer, out var keys))
        {
            return [];
        }

        if (keyId is not null && keys.TryGetValue(keyId, out var named))
        {
            return [named];
        }

        return keys.Values.ToArray();
    }

    /// <summary>Creates an <c>authorized_user</c> ADC file whose refresh token <c>/token</c> accepts.</summary>
    public string CreateAuthorizedUserJson(Uri tokenUri)
    {
        var clientId = DigitsFrom(Guid.NewGuid().ToString()) + "-emulator.apps.googleusercontent.com";
        var clientSecret = "GOCSPX-" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(21));
        var refreshToken = "1//emulator-" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        _refreshTokens[refreshToken] = (clientId, clientSecret);
        var json = new JsonObject
        {
            ["account"] = "",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
            ["quota_project_id"] = "emulator-project",
            ["refresh_token"] = refreshToken,
            ["type"] = "authorized_user",
            ["token_uri"] = tokenUri.ToString(),
            ["universe_domain"] = "googleapis.com",
        };
        return json.ToJsonString(new() { WriteIndented = true });
    }

    public bool IsValidRefreshToken(string refreshToken, string? clientId, string? clientSecret) =>
        _refreshTokens.TryGetValue(refreshToken, out var client)
        && client.ClientId == clientId
        && client.ClientSecret == clientSecret;

    public void Dispose()
    {
        foreach (var key in _keysByEmail.Values.SelectMany(k => k.Values))
        {
            key.Dispose();
        }
    }

    /// <summary>A 21-digit numeric id like Google's, stable for a given seed.</summary>
    private static string DigitsFrom(string seed)
    {
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed));
        return "1" + string.Concat(hash.Take(20).Select(b => (b % 10).ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
