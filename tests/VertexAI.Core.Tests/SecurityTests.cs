using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using VertexAI;
using VertexAI.Auth;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Core.Tests;

public class SecurityTests : ScriptedEmulatorTests
{
    private readonly EmulatorFixture _f;

    public SecurityTests(EmulatorFixture f) : base(f) => _f = f;

    [Fact]
    public async Task An_untrusted_tls_certificate_fails_at_once_and_no_request_or_token_reaches_the_server()
    {
        var requests = 0;
        using var cert = SelfSigned();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(cert)));
        await using var app = builder.Build();
        app.Run(ctx => { Interlocked.Increment(ref requests); return ctx.Response.WriteAsync("{}"); });
        await app.StartAsync();
        var port = new Uri(app.Urls.First()).Port;

        var endpoint = VertexEndpoint.Resolve(new EndpointSettings { Project = "p-123456", Location = "global", BaseUri = new Uri($"https://127.0.0.1:{port}/") }, _ => null);
        var client = new GeminiClient(new GeminiClientOptions
        {
            Endpoint = endpoint,
            TokenSource = new StaticTokenSource("ya29.must-not-leave"),
            Retry = new RetryPolicy { MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(1) },
        });
        var ex = await Assert.ThrowsAsync<GeminiApiException>(() => client.CompleteAsync(EmulatorFixture.UserPrompt("x")));
        Assert.True(ex.IsTlsFailure);
        Assert.False(ex.IsTransient);
        Assert.Equal(1, ex.Attempts);
        Assert.Contains("certificate", ex.Message);
        Assert.Equal(0, requests);
    }

    [Fact]
    public async Task A_token_echoed_by_the_server_is_scrubbed_from_errors()
    {
        var token = _f.Emulator.IssueToken(TimeSpan.FromHours(1));
        var client = _f.Client(tokens: new StaticTokenSource(token), retry: RetryPolicy.None);

        _f.Emulator.Scenarios.Enqueue(Scenario.GoogleError(400, "INVALID_ARGUMENT", "Bad header: Bearer " + token,
            detailsJson: "[{\"@type\":\"type.googleapis.com/google.rpc.BadRequest\",\"fieldViolations\":[{\"description\":\"" + token + "\"}]}]"));
        var http = await Assert.ThrowsAsync<GeminiApiException>(() => client.CompleteAsync(EmulatorFixture.UserPrompt("x")));
        AssertScrubbed(http, token);
        Assert.Contains("Bearer [redacted]", http.Message);

        _f.Emulator.Scenarios.Enqueue(Scenario.Respond(200, "not json " + token));
        AssertScrubbed(await Assert.ThrowsAsync<GeminiApiException>(() => client.CompleteAsync(EmulatorFixture.UserPrompt("x"))), token);

        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(
            SseStep.Data("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}"),
            SseStep.Data("{\"error\":{\"code\":500,\"message\":\"leaked " + token + "\",\"status\":\"INTERNAL\"}}")));
        AssertScrubbed(await Assert.ThrowsAsync<GeminiStreamException>(() => client.StreamAsync(EmulatorFixture.UserPrompt("x"), _ => { })), token);

        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(SseStep.Data("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}"), SseStep.Raw("data: {bad " + token + "\n\n")));
        AssertScrubbed(await Assert.ThrowsAsync<GeminiStreamException>(() => client.StreamAsync(EmulatorFixture.UserPrompt("x"), _ => { })), token);
    }

    private static void AssertScrubbed(GeminiApiException ex, string token)
    {
        Assert.DoesNotContain(token, ex.ToString());
        Assert.DoesNotContain(token, ex.Message);
        Assert.DoesNotContain(token, ex.ErrorMessage ?? "");
        Assert.DoesNotContain(token, ex.ResponseBody ?? "");
        Assert.DoesNotContain(token, VertexAI.Json.PlainJson.Serialize(ex.Details));
        Assert.Contains("[redacted]", ex.Message + ex.ResponseBody);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }
}
