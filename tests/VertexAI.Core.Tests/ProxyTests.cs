using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VertexAI;
using Xunit;

namespace VertexAI.Core.Tests;

public class ProxyTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _f;

    public ProxyTests(EmulatorFixture f) => _f = f;

    private GeminiClient ClientVia(Uri proxy, IGeminiLog? log = null)
    {
        var endpoint = VertexEndpoint.Resolve(new EndpointSettings { Project = "test-project", Location = "global", BaseUri = _f.Emulator.BaseUri }, _ => null);
        return new GeminiClient(new GeminiClientOptions
        {
            Endpoint = endpoint,
            TokenSource = new VertexAI.Auth.StaticTokenSource(_f.Emulator.DefaultToken),
            Proxy = proxy,
            Log = log ?? NullGeminiLog.Instance,
        });
    }

    [Fact]
    public async Task An_explicit_proxy_carries_plain_and_streamed_requests()
    {
        await using var proxy = await LoopbackProxy.StartAsync();
        _f.Emulator.ClearLog();
        var log = new ListLog();
        var client = ClientVia(new Uri($"http://user:secret@127.0.0.1:{proxy.Port}/"), log);

        Assert.Equal("Echo: via proxy", (await client.CompleteAsync(EmulatorFixture.UserPrompt("via proxy"))).Content);
        var chunks = new List<ChatCompletionChunk>();
        Assert.Equal("Echo: streamed via proxy", (await client.StreamAsync(EmulatorFixture.UserPrompt("streamed via proxy"), chunks.Add)).Content);
        Assert.True(chunks.Count >= 3);

        Assert.Equal(2, proxy.Forwarded.Count);
        Assert.All(proxy.Forwarded, target => Assert.StartsWith(_f.Emulator.BaseUri + "v1/projects/test-project/locations/global/", target));
        Assert.Equal(2, _f.Emulator.ChatRequests.Count);
        var verbose = string.Join("\n", log.Lines);
        Assert.Contains($"via proxy http://127.0.0.1:{proxy.Port}/", verbose);
        Assert.DoesNotContain("secret", verbose);
    }

    [Fact]
    public async Task Token_requests_take_the_same_proxy_as_the_calls()
    {
        await using var proxy = await LoopbackProxy.StartAsync();
        _f.Emulator.ClearLog();
        var endpoint = VertexEndpoint.Resolve(new EndpointSettings { Project = "test-project", Location = "global", BaseUri = _f.Emulator.BaseUri }, _ => null);
        // A service-account key whose token_uri is the emulator: the JWT grant is a real HTTP request of Google's library.
        var tokens = VertexAI.Auth.GoogleCredentialTokenSource.FromJson(_f.Emulator.CreateServiceAccountKeyJson("proxied@emulator-project.iam.gserviceaccount.com"));
        var client = new GeminiClient(new GeminiClientOptions { Endpoint = endpoint, TokenSource = tokens, Proxy = new Uri($"http://127.0.0.1:{proxy.Port}/") });
        var before = _f.Emulator.TokenRequestCount;

        Assert.Equal("Echo: token via proxy", (await client.CompleteAsync(EmulatorFixture.UserPrompt("token via proxy"))).Content);

        Assert.Equal(1, _f.Emulator.TokenRequestCount - before);
        Assert.Equal(2, proxy.Forwarded.Count);
        Assert.Contains(_f.Emulator.TokenUri.ToString(), proxy.Forwarded);
        Assert.Contains(proxy.Forwarded, target => target.Contains("/projects/test-project/"));
    }

    [Fact]
    public void Proxy_addresses_are_checked()
    {
        var ex = Assert.Throws<ArgumentException>(() => ClientVia(new Uri("ftp://127.0.0.1:21/")));
        Assert.Equal("Proxy", ex.ParamName);
    }

    [Fact]
    public void Environment_variables_name_the_proxy_and_its_exceptions()
    {
        var env = new Dictionary<string, string?>
        {
            ["https_proxy"] = "proxy.corp:3128",
            ["NO_PROXY"] = "internal.corp, .example.com,10.1.2.3:8443",
        };
        var proxy = ProxySettings.FromEnvironment(k => env.TryGetValue(k, out var v) ? v : null)!;
        Assert.Equal(new Uri("http://proxy.corp:3128/"), proxy.Address);
        Assert.False(proxy.IsBypassed(new Uri("https://us-central1-aiplatform.googleapis.com/")));
        Assert.Equal(new Uri("http://proxy.corp:3128/"), proxy.GetProxy(new Uri("https://aiplatform.googleapis.com/")));
        Assert.True(proxy.IsBypassed(new Uri("https://internal.corp/")));
        Assert.True(proxy.IsBypassed(new Uri("https://api.example.com/")));
        Assert.True(proxy.IsBypassed(new Uri("https://10.1.2.3:8443/")));
        Assert.False(proxy.IsBypassed(new Uri("https://10.1.2.3:443/")));
        Assert.True(proxy.IsBypassed(new Uri("http://127.0.0.1:5000/")));
        Assert.True(proxy.IsBypassed(new Uri("http://localhost:5000/")));

        Assert.Null(ProxySettings.FromEnvironment(_ => null));
        var upper = ProxySettings.FromEnvironment(k => k == "HTTP_PROXY" ? "http://up:8080" : null)!;
        Assert.Equal(new Uri("http://up:8080/"), upper.Address);
    }
}

/// <summary>A forward HTTP proxy on 127.0.0.1 that records the absolute-form targets it forwards, streaming replies through.</summary>
internal sealed class LoopbackProxy : IAsyncDisposable
{
    private static readonly HttpClient Direct = new(new HttpClientHandler { UseProxy = false });
    private readonly WebApplication _app;

    private LoopbackProxy(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public ConcurrentQueue<string> ForwardedQueue { get; } = new();

    public IReadOnlyList<string> Forwarded => ForwardedQueue.ToArray();

    public static async Task<LoopbackProxy> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        LoopbackProxy? self = null;
        app.Run(async ctx =>
        {
            // A proxied request carries an absolute-form target; Kestrel puts its host in Host and its path in Path.
            var target = $"http://{ctx.Request.Host}{ctx.Request.Path}{ctx.Request.QueryString}";
            self!.ForwardedQueue.Enqueue(target);
            using var forward = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), target);
            var body = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(body);
            forward.Content = new ByteArrayContent(body.ToArray());
            foreach (var h in ctx.Request.Headers)
            {
                if (h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase) || h.Key.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase)) continue;
                if (!forward.Headers.TryAddWithoutValidation(h.Key, h.Value.ToArray())) forward.Content.Headers.TryAddWithoutValidation(h.Key, h.Value.ToArray());
            }
            using var response = await Direct.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead);
            ctx.Response.StatusCode = (int)response.StatusCode;
            ctx.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            await using var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[8192];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                await ctx.Response.Body.WriteAsync(buffer.AsMemory(0, read));
                await ctx.Response.Body.FlushAsync();
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new LoopbackProxy(app, new Uri(address).Port);
        return self;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
