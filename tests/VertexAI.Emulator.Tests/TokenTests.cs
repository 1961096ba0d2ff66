using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Emulator.Tests;

public sealed class TokenTests : EmulatorTestBase
{
    private const string Scope = "https://www.googleapis.com/auth/cloud-platform";

    protected override EmulatorOptions Options => new() { TokenLifetime = TimeSpan.FromMinutes(30) };

    [Fact]
    public void The_service_account_key_file_has_Google_shape_and_points_at_the_emulator()
    {
        var key = JsonNode.Parse(Emulator.CreateServiceAccountKeyJson("sa@proj.iam.gserviceaccount.com", "proj"))!;
        Assert.Equal("service_account", key["type"]!.GetValue<string>());
        Assert.Equal("proj", key["project_id"]!.GetValue<string>());
        Assert.Equal("sa@proj.iam.gserviceaccount.com", key["client_email"]!.GetValue<string>());
        Assert.Equal(Emulator.TokenUri.ToString(), key["token_uri"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(key["private_key_id"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(key["client_id"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(key["auth_uri"]!.GetValue<string>()));
        var pem = key["private_key"]!.GetValue<string>();
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", pem);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        Assert.Equal(2048, rsa.KeySize);
    }

    [Fact]
    public async Task A_signed_jwt_bearer_grant_gets_a_token_that_chat_accepts()
    {
        var key = JsonNode.Parse(Emulator.CreateServiceAccountKeyJson())!;
        var jwt = SignJwt(key, Claims(key));
        var token = await RequestTokenAsync(jwt, expectedStatus: 200);

        Assert.Equal("Bearer", token["token_type"]!.GetValue<string>());
        Assert.Equal(1800, token["expires_in"]!.GetValue<int>());
        using var chat = await PostChatAsync(UserRequest("Hi"), token["access_token"]!.GetValue<string>());
        Assert.Equal(200, (int)chat.StatusCode);
        Assert.Equal(1, Emulator.TokenRequestCount);

        var recorded = Emulator.Requests.First(r => r.Kind == "token");
        Assert.Contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer", recorded.Body);
        Assert.Equal(200, recorded.ResponseStatus);
    }

    [Fact]
    public async Task Googles_own_token_audience_is_accepted_as_Google_Apis_Auth_signs_for_it()
    {
        var key = JsonNode.Parse(Emulator.CreateServiceAccountKeyJson())!;
        var claims = Claims(key);
        claims["aud"] = "https://oauth2.googleapis.com/token";
        var token = await RequestTokenAsync(SignJwt(key, claims), expectedStatus: 200);
        Assert.StartsWith("ya29.", token["access_token"]!.GetValue<string>());
    }

    [Fact]
    public async Task TokenLifetime_can_change_at_run_time()
    {
        var key = JsonNode.Parse(Emulator.CreateServiceAccountKeyJson())!;
        Emulator.TokenLifetime = TimeSpan.FromSeconds(90);
        var token = await RequestTokenAsync(SignJwt(key, Claims(key)), expectedStatus: 200);
        Assert.Equal(90, token["expires_in"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_bad_signature_is_an_invalid_grant()
    {
        var key = JsonNode.Parse(Emulator.CreateServiceAccountKeyJson())!;
        var jwt = SignJwt(key, Claims(key));
        var tampered = jwt[..^4] + (jwt[^4] == 'A' ? "BAAA" : "AAAA");
        var error = await RequestTokenAsync(tampered, expectedStatus: 400);
        Assert.Equal("invalid_grant", error["error"]!.GetValue<string>());
        Assert.Contains("Signature", error["error_description"]!.GetValue<string>());
        Assert.Equal(1, Emulator.TokenRequestCount);
    }

    [Fact]
    public async Task A_key_the_emulator_did_not_create_is_rejected()
    {
        var key = JsonNode.Parse(Emulator.CreateServiceAccountKeyJson())!;
        using var other = RSA.Create(2048);
        key["private_key"] = other.ExportPkcs8PrivateKeyPem();
        var error = await RequestTokenAsync(SignJwt(key, Claims(key)), expectedStatus: 400);
        Assert.Equal("invalid_grant", error["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("aud")]
    [InlineData("scope")]
    [InlineData("expired")]
    [InlineData("too-long")]
    [InlineData("issuer")]
    public async Task Wrong_claims_are_invalid_grants(string what)
    {
        var key = JsonNode.Parse(Emulator.CreateServiceAccountKeyJson())!;
        var claims = Claims(key);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        switch (what)
        {
            case "aud": claims["aud"] = "https://example.com/token"; break;
            case "scope": claims["scope"] = "https://www.googleapis.com/auth/userinfo.email"; break;
            case "expired": claims["iat"] = now - 7200; claims["exp"] = now - 3600; break;
            case "too-long": claims["exp"] = now + 7200; break;
            case "issuer": claims["iss"] = "someone-else@proj.iam.gserviceaccount.com"; break;
        }

        var error = await RequestTokenAsync(SignJwt(key, claims), expectedStatus: 400);
        Assert.Equal("invalid_grant", error["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_grant_types_are_refused()
    {
        using var response = await Http.PostAsync("token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "password" }));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("unsupported_grant_type", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_self_signed_jwt_is_accepted_as_a_bearer_token()
    {
        // What Google.Apis.Auth sends for a service-account credential without explicit scopes.
        var key = JsonNode.Parse(Emulator.CreateServiceAccountKeyJson())!;
        var claims = Claims(key);
        claims.Remove("scope");
        claims["aud"] = "https://aiplatform.googleapis.com/";
        using var response = await PostChatAsync(UserRequest("Hi"), SignJwt(key, claims));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(0, Emulator.TokenRequestCount);
    }

    [Fact]
    public async Task An_authorized_user_refresh_token_is_accepted()
    {
        var user = JsonNode.Parse(Emulator.CreateAuthorizedUserJson())!;
        Assert.Equal("authorized_user", user["type"]!.GetValue<string>());
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = user["client_id"]!.GetValue<string>(),
            ["client_secret"] = user["client_secret"]!.GetValue<string>(),
            ["refresh_token"] = user["refresh_token"]!.GetValue<string>(),
        };
        using (var ok = await Http.PostAsync("token", new FormUrlEncodedContent(form)))
        {
            Assert.Equal(200, (int)ok.StatusCode);
        }

        form["client_secret"] = "wrong";
        using var bad = await Http.PostAsync("token", new FormUrlEncodedContent(form));
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Equal(2, Emulator.TokenRequestCount);
    }

    [Fact]
    public async Task The_metadata_token_route_requires_Metadata_Flavor()
    {
        using (var refused = await Http.GetAsync(Emulator.MetadataTokenUri))
        {
            Assert.Equal(403, (int)refused.StatusCode);
        }

        var request = new HttpRequestMessage(HttpMethod.Get, Emulator.MetadataTokenUri);
        request.Headers.Add("Metadata-Flavor", "Google");
        using var response = await Http.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("Google", response.Headers.GetValues("Metadata-Flavor").Single());
        var token = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(1800, token["expires_in"]!.GetValue<int>());
        Assert.Equal("Bearer", token["token_type"]!.GetValue<string>());

        using var chat = await PostChatAsync(UserRequest("Hi"), token["access_token"]!.GetValue<string>());
        Assert.Equal(200, (int)chat.StatusCode);
        Assert.Equal(2, Emulator.TokenRequestCount);
        Assert.Equal(["metadata", "metadata", "chat"], Emulator.Requests.Select(r => r.Kind));
    }

    [Fact]
    public async Task The_metadata_ping_answers_with_the_flavor_header()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "computeMetadata/v1/");
        request.Headers.Add("Metadata-Flavor", "Google");
        using var v1 = await Http.SendAsync(request);
        Assert.Equal(200, (int)v1.StatusCode);
        Assert.Equal("Google", v1.Headers.GetValues("Metadata-Flavor").Single());

        using var root = await Http.GetAsync("");
        Assert.Equal(200, (int)root.StatusCode);
        Assert.Equal("Google", root.Headers.GetValues("Metadata-Flavor").Single());
        Assert.Equal(0, Emulator.TokenRequestCount);

        // A chat body posted to the root by mistake must not look like success.
        using var post = await PostChatAsync(UserRequest("Hi"), path: "");
        Assert.Equal(405, (int)post.StatusCode);
    }

    private async Task<JsonNode> RequestTokenAsync(string assertion, int expectedStatus)
    {
        using var response = await Http.PostAsync(Emulator.TokenUri, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
            ["assertion"] = assertion,
        }));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expectedStatus == (int)response.StatusCode, text);
        return JsonNode.Parse(text)!;
    }

    private JsonObject Claims(JsonNode key)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = key["client_email"]!.GetValue<string>(),
            ["scope"] = Scope,
            ["aud"] = key["token_uri"]!.GetValue<string>(),
            ["iat"] = now,
            ["exp"] = now + 3600,
        };
    }

    /// <summary>An RS256 JWT built by hand, the way Google's client libraries build the assertion.</summary>
    private static string SignJwt(JsonNode key, JsonObject claims)
    {
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = key["private_key_id"]!.GetValue<string>() };
        var signingInput = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString()))
            + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        using var rsa = RSA.Create();
        rsa.ImportFromPem(key["private_key"]!.GetValue<string>());
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }
}
