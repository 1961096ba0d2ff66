using System.Net.Http;
using System.Text.Json.Nodes;
using VertexAI;
using VertexAI.Auth;
using Xunit;

namespace VertexAI.Core.Tests;

/// <summary>
/// The quota project (x-goog-user-project), as Google's SDKs send it: the option, else the credential file's
/// quota_project_id; and the native REST client on the same transport. GOOGLE_CLOUD_QUOTA_PROJECT is process-wide, so it
/// is tested in a child pwsh (tests/pester/Context.Tests.ps1), not here.
/// </summary>
public class QuotaProjectTests : ScriptedEmulatorTests
{
    private const string Header = "x-goog-user-project";
    private readonly EmulatorFixture _f;

    public QuotaProjectTests(EmulatorFixture f) : base(f) => _f = f;

    private static string? QuotaOf(VertexAI.Emulator.RecordedRequest r) => r.Headers.TryGetValue(Header, out var v) ? v : null;

    [Fact]
    public async Task The_option_is_sent_as_x_goog_user_project_on_every_attempt()
    {
        _f.Emulator.ClearLog();
        _f.Emulator.Scenarios.Enqueue(VertexAI.Emulator.Scenario.GoogleError(503, "UNAVAILABLE", "busy"));
        var client = _f.Client(quotaProject: "billing-project-1");

        await client.CompleteAsync(EmulatorFixture.UserPrompt("hi"));

        var sent = _f.Emulator.ChatRequests;
        Assert.Equal(2, sent.Count);
        Assert.All(sent, r => Assert.Equal("billing-project-1", QuotaOf(r)));
    }

    [Fact]
    public async Task Without_a_quota_project_no_header_is_sent()
    {
        _f.Emulator.ClearLog();
        await _f.Client().CompleteAsync(EmulatorFixture.UserPrompt("hi"));
        Assert.Null(QuotaOf(Assert.Single(_f.Emulator.ChatRequests)));
    }

    [Fact]
    public async Task A_credential_files_quota_project_id_is_sent_once_the_credential_is_loaded()
    {
        // A service-account key: Google.Apis.Auth sends an authorized_user file's refresh to Google's own token URL,
        // whatever its token_uri says, so only a key reaches the emulator. Both types carry quota_project_id alike.
        var json = JsonNode.Parse(_f.Emulator.CreateServiceAccountKeyJson("quota@emulator-project.iam.gserviceaccount.com"))!;
        json["quota_project_id"] = "from-the-adc-file";
        var tokens = GoogleCredentialTokenSource.FromJson(json.ToJsonString());
        _f.Emulator.ClearLog();

        await _f.Client(tokens: tokens).CompleteAsync(EmulatorFixture.UserPrompt("first"));
        await _f.Client(tokens: tokens).CompleteAsync(EmulatorFixture.UserPrompt("second"));

        var sent = _f.Emulator.ChatRequests;
        Assert.Equal(2, sent.Count);
        Assert.All(sent, r => Assert.Equal("from-the-adc-file", QuotaOf(r)));
    }

    [Fact]
    public async Task The_option_wins_over_the_credential_files_quota_project()
    {
        var json = JsonNode.Parse(_f.Emulator.CreateServiceAccountKeyJson("quota2@emulator-project.iam.gserviceaccount.com"))!;
        json["quota_project_id"] = "from-the-key-file";
        var tokens = GoogleCredentialTokenSource.FromJson(json.ToJsonString());
        _f.Emulator.ClearLog();
        await _f.Client(tokens: tokens, quotaProject: "explicit-project").CompleteAsync(EmulatorFixture.UserPrompt("hi"));
        Assert.Equal("explicit-project", QuotaOf(Assert.Single(_f.Emulator.ChatRequests)));
    }

    [Fact]
    public void A_malformed_quota_project_is_refused_before_anything_is_sent()
    {
        var ex = Assert.Throws<ArgumentException>(() => _f.Client(quotaProject: "Not A Project!"));
        Assert.Equal("QuotaProject", ex.ParamName);
        Assert.Contains("Not A Project!", ex.Message);
    }

    [Fact]
    public async Task The_verbose_line_names_the_quota_project_and_never_the_token()
    {
        var log = new ListLog();
        _f.Emulator.ClearLog();
        await _f.Client(log: log, quotaProject: "billing-project-2").CompleteAsync(EmulatorFixture.UserPrompt("hi"));
        Assert.Contains(log.Lines, l => l.Contains("quota project billing-project-2", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, l => l.Contains(_f.Emulator.DefaultToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_rest_client_sends_through_the_same_transport_and_reads_Googles_error()
    {
        var log = new ListLog();
        var client = _f.RestClient(log: log, quotaProject: "billing-project-3");
        _f.Emulator.ClearLog();

        var uri = client.Endpoint.LocationUri("cachedContents/1234567890");
        var ex = await Assert.ThrowsAsync<GeminiApiException>(() => client.SendAsync(HttpMethod.Get, uri, null, "get cache"));

        Assert.Equal(404, ex.HttpStatus);
        Assert.Equal("NOT_FOUND", ex.Status);
        var sent = Assert.Single(_f.Emulator.Requests);
        Assert.Equal("GET", sent.Method);
        Assert.Equal("/v1/projects/test-project/locations/us-central1/cachedContents/1234567890", sent.Path);
        Assert.Equal("Bearer " + _f.Emulator.DefaultToken, sent.Headers["Authorization"]);
        Assert.Equal("billing-project-3", QuotaOf(sent));
        Assert.Contains(log.Lines, l => l.Contains("(get cache, explicit access token, quota project billing-project-3, attempt 1)", StringComparison.Ordinal));
    }
}
