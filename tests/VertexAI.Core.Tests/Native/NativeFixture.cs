using VertexAI.Emulator;
using VertexAI.Auth;
using Xunit;

namespace VertexAI.Core.Tests.Native;

/// <summary>One emulator per test class, and the native calls pointed at it.</summary>
public sealed class NativeFixture : IAsyncLifetime
{
    public VertexEmulator Emulator { get; private set; } = null!;

    public async Task InitializeAsync() => Emulator = await VertexEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        await Emulator.DisposeAsync();
    }

    public VertexEndpoint Endpoint(string location = "us-central1", string version = "v1") =>
        VertexEndpoint.Resolve(new EndpointSettings { Project = "test-project", Location = location, ApiVersion = version, BaseUri = Emulator.BaseUri }, _ => null);

    /// <summary>A REST client on the module's transport (retries kept fast), with the emulator's token.</summary>
    public VertexRestClient Client(string location = "us-central1", string version = "v1", string? token = null, string? quotaProject = null) =>
        new(new GeminiClientOptions
        {
            Endpoint = Endpoint(location, version),
            TokenSource = new StaticTokenSource(token ?? Emulator.DefaultToken),
            Retry = new RetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20) },
            QuotaProject = quotaProject,
        });
}
