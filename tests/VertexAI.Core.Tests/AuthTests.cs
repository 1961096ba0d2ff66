using System.Text.Json.Nodes;
using Google.Apis.Auth.OAuth2;
using VertexAI;
using VertexAI.Auth;
using Xunit;

namespace VertexAI.Core.Tests;

/// <summary>Real Google.Apis.Auth flows against the emulator's OAuth and metadata token routes.</summary>
public class AuthTests : ScriptedEmulatorTests
{
    private readonly EmulatorFixture _f;

    public AuthTests(EmulatorFixture f) : base(f) => _f = f;

    private static string BearerOf(VertexAI.Emulator.RecordedRequest r) => r.Headers["Authorization"].Substring("Bearer ".Length);

    [Fact]
    public async Task A_service_account_key_whose_token_uri_is_the_emulator_yields_a_token_and_50_requests_fetch_it_once()
    {
        var json = _f.Emulator.CreateServiceAccountKeyJson("fifty@emulator-project.iam.gserviceaccount.com");
        var tokens = GoogleCredentialTokenSource.FromJson(json);
        var client = _f.Client(tokens: tokens);
        _f.Emulator.ClearLog();
        var before = _f.Emulator.TokenRequestCount;

        for (var i = 0; i < 50; i++)
        {
            var c = await client.CompleteAsync(EmulatorFixture.UserPrompt("n" + i));
            Assert.Equal("Echo: n" + i, c.Content);
        }

        Assert.Equal(1, _f.Emulator.TokenRequestCount - before);
        var tokenRequest = Assert.Single(_f.Emulator.Requests, r => r.Kind == "token");
        Assert.Contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer", tokenRequest.Body);
        var bearers = _f.Emulator.ChatRequests.Select(BearerOf).Distinct().ToList();
        Assert.Single(bearers);
        Assert.NotEqual(_f.Emulator.DefaultToken, bearers[0]);
    }

    [Fact]
    public async Task Fifty_concurrent_requests_also_share_one_token_fetch()
    {
        var tokens = GoogleCredentialTokenSource.FromJson(_f.Emulator.CreateServiceAccountKeyJson("concurrent@emulator-project.iam.gserviceaccount.com"));
        var client = _f.Client(tokens: tokens);
        var before = _f.Emulator.TokenRequestCount;
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => client.CompleteAsync(EmulatorFixture.UserPrompt("c" + i))));
        Assert.Equal(1, _f.Emulator.TokenRequestCount - before);
    }

    [Fact]
    public async Task A_token_is_refreshed_from_its_own_expires_in_not_an_assumed_hour()
    {
        // 400 s tokens: fresh at first (more than Google.Apis.Auth's 6-minute refresh window away from expiry).
        // Starts 5 minutes back so the JWTs it dates stay within the token server's clock-skew allowance throughout.
        var clock = new FakeClock(DateTime.UtcNow.AddMinutes(-5));
        var key = JsonNode.Parse(_f.Emulator.CreateServiceAccountKeyJson("clock@emulator-project.iam.gserviceaccount.com"))!;
        var initializer = new ServiceAccountCredential.Initializer((string)key["client_email"]!, _f.Emulator.TokenUri.ToString())
        {
            Scopes = new[] { GoogleCredentialTokenSource.CloudPlatformScope },
            Clock = clock,
            KeyId = (string?)key["private_key_id"],
        }.FromPrivateKey((string)key["private_key"]!);
        var tokens = GoogleCredentialTokenSource.FromGetter(GoogleAuth.FromCredential(new ServiceAccountCredential(initializer).ToGoogleCredential()), "test credential");
        var client = _f.Client(tokens: tokens);
        var lifetime = _f.Emulator.TokenLifetime;
        _f.Emulator.TokenLifetime = TimeSpan.FromSeconds(400);
        try
        {
            _f.Emulator.ClearLog();
            var before = _f.Emulator.TokenRequestCount;
            await client.CompleteAsync(EmulatorFixture.UserPrompt("one"));
            clock.Advance(TimeSpan.FromSeconds(30));
            await client.CompleteAsync(EmulatorFixture.UserPrompt("two"));
            Assert.Equal(1, _f.Emulator.TokenRequestCount - before);

            // Past the token's own expiry (400 s): the next request must carry a new token.
            clock.Advance(TimeSpan.FromSeconds(380));
            await client.CompleteAsync(EmulatorFixture.UserPrompt("three"));
            Assert.Equal(2, _f.Emulator.TokenRequestCount - before);
            var bearers = _f.Emulator.ChatRequests.Select(BearerOf).ToList();
            Assert.Equal(bearers[0], bearers[1]);
            Assert.NotEqual(bearers[1], bearers[2]);
        }
        finally
        {
            _f.Emulator.TokenLifetime = lifetime;
        }
    }

    [Fact]
    public async Task A_token_rejected_as_expired_is_refreshed_once_and_the_request_retried()
    {
        var tokens = GoogleCredentialTokenSource.FromJson(_f.Emulator.CreateServiceAccountKeyJson("revoked@emulator-project.iam.gserviceaccount.com"));
        var client = _f.Client(tokens: tokens);
        await client.CompleteAsync(EmulatorFixture.UserPrompt("warm"));
        var before = _f.Emulator.TokenRequestCount;
        _f.Emulator.ClearLog();
        _f.Emulator.Scenarios.Enqueue(VertexAI.Emulator.Scenario.GoogleError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.",
            detailsJson: """[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"ACCESS_TOKEN_EXPIRED"}]"""));
        var c = await client.CompleteAsync(EmulatorFixture.UserPrompt("after refresh"));
        Assert.Equal("Echo: after refresh", c.Content);
        Assert.Equal(1, _f.Emulator.TokenRequestCount - before);
        var bearers = _f.Emulator.ChatRequests.Select(BearerOf).ToList();
        Assert.Equal(2, bearers.Count);
        Assert.NotEqual(bearers[0], bearers[1]);
    }

    [Fact]
    public async Task An_expired_explicit_token_gives_401_with_the_ACCESS_TOKEN_EXPIRED_reason()
    {
        var expired = _f.Emulator.IssueToken(TimeSpan.Zero);
        var client = _f.Client(tokens: new StaticTokenSource(expired));
        var ex = await Assert.ThrowsAsync<GeminiApiException>(() => client.CompleteAsync(EmulatorFixture.UserPrompt("x")));
        Assert.Equal(401, ex.HttpStatus);
        Assert.Equal("UNAUTHENTICATED", ex.Status);
        Assert.Equal("ACCESS_TOKEN_EXPIRED", ex.Reason);
        Assert.DoesNotContain(expired, ex.Message);
        Assert.DoesNotContain(expired, ex.ResponseBody ?? "");
    }

    [Fact]
    public async Task The_metadata_server_flow_works_and_caches()
    {
        var tokens = GoogleCredentialTokenSource.FromMetadataServer(_f.Emulator.MetadataTokenUri.ToString());
        var client = _f.Client(tokens: tokens);
        var before = _f.Emulator.TokenRequestCount;
        for (var i = 0; i < 5; i++) await client.CompleteAsync(EmulatorFixture.UserPrompt("m" + i));
        Assert.Equal(1, _f.Emulator.TokenRequestCount - before);
        var metadata = Assert.Single(_f.Emulator.Requests, r => r.Kind == "metadata");
        Assert.Equal("Google", metadata.Headers["Metadata-Flavor"]);
    }

    [Fact]
    public async Task Explicit_tokens_are_trimmed_and_never_shown()
    {
        var source = new StaticTokenSource("  Bearer ya29.secret-token\n");
        Assert.Equal("ya29.secret-token", await source.GetTokenAsync(default));
        Assert.DoesNotContain("secret", source.ToString());
        Assert.DoesNotContain("secret", source.Description);
        using var secure = new System.Security.SecureString();
        foreach (var ch in "ya29.from-secure") secure.AppendChar(ch);
        Assert.Equal("ya29.from-secure", await StaticTokenSource.FromSecureString(secure).GetTokenAsync(default));
        Assert.Throws<ArgumentException>(() => new StaticTokenSource("two words"));
        Assert.Throws<ArgumentException>(() => new StaticTokenSource("  "));
    }

    private sealed class FakeClock : Google.Apis.Util.IClock
    {
        private DateTime _utc;

        public FakeClock(DateTime utc) => _utc = utc;

        public DateTime Now => _utc.ToLocalTime();

        public DateTime UtcNow => _utc;

        public void Advance(TimeSpan by) => _utc += by;
    }
}

/// <summary>Application Default Credentials are process-wide, so this runs alone and only here.</summary>
[CollectionDefinition("ADC", DisableParallelization = true)]
public class AdcCollection { }

[Collection("ADC")]
public class ApplicationDefaultCredentialsTests : ScriptedEmulatorTests
{
    private readonly EmulatorFixture _f;

    public ApplicationDefaultCredentialsTests(EmulatorFixture f) : base(f) => _f = f;

    [Fact]
    public async Task GOOGLE_APPLICATION_CREDENTIALS_is_found_by_ADC_and_its_token_used()
    {
        var path = Path.Combine(Path.GetTempPath(), "vertexai-adc-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(path, _f.Emulator.CreateServiceAccountKeyJson("adc@emulator-project.iam.gserviceaccount.com"));
        var previous = Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS");
        Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", path);
        try
        {
            var before = _f.Emulator.TokenRequestCount;
            // No token source given: the client uses the session's Application Default Credentials.
            var endpoint = VertexEndpoint.Resolve(new EndpointSettings { Project = "test-project", Location = "global", BaseUri = _f.Emulator.BaseUri }, _ => null);
            var client = new GeminiClient(new GeminiClientOptions { Endpoint = endpoint });
            for (var i = 0; i < 3; i++) Assert.Equal("Echo: adc" + i, (await client.CompleteAsync(EmulatorFixture.UserPrompt("adc" + i))).Content);
            Assert.Equal(1, _f.Emulator.TokenRequestCount - before);
            // Process-wide: another client without a token source shares the credential and its token, so it asks for none.
            var second = new GeminiClient(new GeminiClientOptions { Endpoint = endpoint });
            Assert.Equal("Echo: shared", (await second.CompleteAsync(EmulatorFixture.UserPrompt("shared"))).Content);
            Assert.Equal(1, _f.Emulator.TokenRequestCount - before);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", previous);
            File.Delete(path);
        }
    }

    /// <summary>
    /// Sets the variables ADC reads for one test and restores them: no gcloud folder of the developer's, and a
    /// metadata host that refuses at once, so a lookup never waits on or reaches a real metadata server.
    /// </summary>
    private sealed class AdcEnvironment : IDisposable
    {
        private static readonly string[] s_names = { "GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_CONFIG", "GCE_METADATA_HOST", "GOOGLE_CLOUD_QUOTA_PROJECT" };
        private readonly Dictionary<string, string?> _saved = s_names.ToDictionary(n => n, Environment.GetEnvironmentVariable);

        public AdcEnvironment()
        {
            Folder = Directory.CreateTempSubdirectory("vertexai-adc-").FullName;
            Set("GOOGLE_APPLICATION_CREDENTIALS", null);
            Set("CLOUDSDK_CONFIG", Path.Combine(Folder, "gcloud"));
            Set("GCE_METADATA_HOST", "127.0.0.1:1");
            Set("GOOGLE_CLOUD_QUOTA_PROJECT", null);
        }

        public string Folder { get; }

        public void Set(string name, string? value) => Environment.SetEnvironmentVariable(name, value);

        public void Dispose()
        {
            foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
            Directory.Delete(Folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_failed_lookup_is_not_remembered_and_a_key_file_set_afterwards_is_used_then_kept()
    {
        using var env = new AdcEnvironment();
        var missing = Path.Combine(env.Folder, "not-there.json");
        env.Set("GOOGLE_APPLICATION_CREDENTIALS", missing);
        var tokens = GoogleCredentialTokenSource.NewApplicationDefault();
        var client = _f.Client(tokens: tokens);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.CompleteAsync(EmulatorFixture.UserPrompt("before")));
        Assert.Contains("GOOGLE_APPLICATION_CREDENTIALS", ex.Message);
        Assert.Contains(missing, ex.Message);
        Assert.Contains("gcloud auth application-default login", ex.Message);
        Assert.Contains("-AccessToken", ex.Message);
        // Asked again, still unset up: the same answer, not a stale or different one.
        ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.CompleteAsync(EmulatorFixture.UserPrompt("again")));
        Assert.Contains(missing, ex.Message);

        var key = Path.Combine(env.Folder, "key.json");
        await File.WriteAllTextAsync(key, _f.Emulator.CreateServiceAccountKeyJson("later@emulator-project.iam.gserviceaccount.com"));
        env.Set("GOOGLE_APPLICATION_CREDENTIALS", key);
        var before = _f.Emulator.TokenRequestCount;
        Assert.Equal("Echo: after", (await client.CompleteAsync(EmulatorFixture.UserPrompt("after"))).Content);
        Assert.Equal(1, _f.Emulator.TokenRequestCount - before);

        // Success is kept for the session: the variable no longer matters, and the token is reused.
        env.Set("GOOGLE_APPLICATION_CREDENTIALS", missing);
        Assert.Equal("Echo: kept", (await client.CompleteAsync(EmulatorFixture.UserPrompt("kept"))).Content);
        Assert.Equal(1, _f.Emulator.TokenRequestCount - before);
    }

    [Fact]
    public async Task With_nothing_set_up_the_error_says_so_and_gclouds_well_known_file_written_afterwards_is_found()
    {
        using var env = new AdcEnvironment();
        var tokens = GoogleCredentialTokenSource.NewApplicationDefault();
        var client = _f.Client(tokens: tokens);
        var wellKnown = Path.Combine(env.Folder, "gcloud", "application_default_credentials.json");

        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.CompleteAsync(EmulatorFixture.UserPrompt("before")));
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(10), $"the metadata probe took {elapsed.Elapsed}");
        Assert.Contains("Your default credentials were not found", ex.Message);
        Assert.Contains(wellKnown, ex.Message);
        Assert.Contains("gcloud auth application-default login", ex.Message);

        // What 'gcloud auth application-default login' does: write the well-known file.
        Directory.CreateDirectory(Path.GetDirectoryName(wellKnown)!);
        await File.WriteAllTextAsync(wellKnown, _f.Emulator.CreateServiceAccountKeyJson("gcloud@emulator-project.iam.gserviceaccount.com"));
        Assert.Equal("Echo: after", (await client.CompleteAsync(EmulatorFixture.UserPrompt("after"))).Content);
    }

    [Fact]
    public async Task A_broken_key_file_named_by_the_variable_is_reported_with_its_path()
    {
        using var env = new AdcEnvironment();
        var broken = Path.Combine(env.Folder, "broken.json");
        await File.WriteAllTextAsync(broken, "{ not json");
        env.Set("GOOGLE_APPLICATION_CREDENTIALS", broken);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => GoogleCredentialTokenSource.NewApplicationDefault().GetTokenAsync(default));
        Assert.Contains(broken, ex.Message);
        Assert.Contains("GOOGLE_APPLICATION_CREDENTIALS", ex.Message);
    }
}
