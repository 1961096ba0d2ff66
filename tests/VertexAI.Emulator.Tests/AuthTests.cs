using System.Text.Json.Nodes;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Emulator.Tests;

public sealed class AuthTests : EmulatorTestBase
{
    private const string Unauthenticated =
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.";

    [Theory]
    [InlineData(null, "CREDENTIALS_MISSING")]
    [InlineData("not-a-token-it-issued", "ACCESS_TOKEN_TYPE_UNSUPPORTED")]
    public async Task Missing_or_unknown_tokens_get_401_UNAUTHENTICATED(string? token, string reason)
    {
        using var response = await PostChatAsync(UserRequest("Hi"), token);
        var error = await AssertGoogleErrorAsync(response, 401, "UNAUTHENTICATED");
        Assert.Equal(Unauthenticated, error["message"]!.GetValue<string>());
        Assert.Equal(reason, error["details"]![0]!["reason"]!.GetValue<string>());
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(401, Assert.Single(Emulator.ChatRequests).ResponseStatus);
    }

    [Fact]
    public async Task An_expired_token_gets_ACCESS_TOKEN_EXPIRED_ErrorInfo()
    {
        var expired = Emulator.IssueToken(TimeSpan.Zero);
        using var response = await PostChatAsync(UserRequest("Hi"), expired);
        var error = await AssertGoogleErrorAsync(response, 401, "UNAUTHENTICATED");

        var detail = Assert.Single(error["details"]!.AsArray())!;
        Assert.Equal("type.googleapis.com/google.rpc.ErrorInfo", detail["@type"]!.GetValue<string>());
        Assert.Equal("ACCESS_TOKEN_EXPIRED", detail["reason"]!.GetValue<string>());
        Assert.Equal("googleapis.com", detail["domain"]!.GetValue<string>());
        Assert.Equal("aiplatform.googleapis.com", detail["metadata"]!["service"]!.GetValue<string>());
        Assert.Equal("google.cloud.aiplatform.v1.PredictionService.ChatCompletions", detail["metadata"]!["method"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_token_works_until_its_lifetime_ends()
    {
        var lifetime = TimeSpan.FromSeconds(2);
        var age = System.Diagnostics.Stopwatch.StartNew();
        var shortLived = Emulator.IssueToken(lifetime);
        using (var ok = await PostChatAsync(UserRequest("Hi"), shortLived))
        {
            Assert.Equal(200, (int)ok.StatusCode);
        }

        var remaining = lifetime - age.Elapsed + TimeSpan.FromMilliseconds(100);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }

        using var expired = await PostChatAsync(UserRequest("Hi"), shortLived);
        var error = await AssertGoogleErrorAsync(expired, 401, "UNAUTHENTICATED");
        Assert.Equal("ACCESS_TOKEN_EXPIRED", error["details"]![0]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Issued_and_default_tokens_are_accepted_and_distinct()
    {
        var issued = Emulator.IssueToken(TimeSpan.FromHours(1));
        Assert.NotEqual(Emulator.DefaultToken, issued);
        using var response = await PostChatAsync(UserRequest("Hi"), issued);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task A_rejected_token_does_not_consume_a_scenario()
    {
        Emulator.Scenarios.Enqueue(Scenario.Respond(418, "{}"));
        using (var rejected = await PostChatAsync(UserRequest("Hi"), "bogus"))
        {
            Assert.Equal(401, (int)rejected.StatusCode);
        }

        Assert.Equal(1, Emulator.Scenarios.Count);
        using var accepted = await PostChatAsync(UserRequest("Hi"));
        Assert.Equal(418, (int)accepted.StatusCode);
        Assert.Equal(0, Emulator.Scenarios.Count);
    }

    [Fact]
    public async Task The_selector_is_not_consulted_for_rejected_tokens()
    {
        var calls = 0;
        Emulator.ScenarioSelector = _ =>
        {
            calls++;
            return null;
        };
        using (await PostChatAsync(UserRequest("Hi"), token: null)) { }
        Assert.Equal(0, calls);
        using (await PostChatAsync(UserRequest("Hi"))) { }
        Assert.Equal(1, calls);
    }
}

public sealed class NoAuthTests : EmulatorTestBase
{
    protected override EmulatorOptions Options => new() { RequireAuth = false };

    [Fact]
    public async Task With_RequireAuth_off_requests_without_a_token_are_answered()
    {
        using var response = await PostChatAsync(UserRequest("Hi"), token: null);
        Assert.Equal(200, (int)response.StatusCode);
        var reply = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Echo: Hi", reply["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }
}
