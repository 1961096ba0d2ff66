using VertexAI.Auth;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Core.Tests;

/// <summary>One emulator per test class (classes run in parallel; each reads its own request log).</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public VertexEmulator Emulator { get; private set; } = null!;

    public async Task InitializeAsync() => Emulator = await VertexEmulator.StartAsync();

    public async Task DisposeAsync() => await Emulator.DisposeAsync();

    /// <summary>A client for the emulator; fast retries so fault tests take milliseconds.</summary>
    public GeminiClient Client(string location = "us-central1", string version = "v1", string? endpointId = null, string? model = "gemini-2.0-flash-001",
        IAccessTokenSource? tokens = null, RetryPolicy? retry = null, IGeminiLog? log = null, TimeSpan? idleTimeout = null,
        TimeSpan? timeout = null, string? quotaProject = null)
        => new GeminiClient(Options(location, version, endpointId, model, tokens, retry, log, idleTimeout, timeout, quotaProject));

    /// <summary>A client for the native REST routes of the emulator, with the same settings.</summary>
    public VertexRestClient RestClient(string location = "us-central1", string version = "v1", IAccessTokenSource? tokens = null,
        RetryPolicy? retry = null, IGeminiLog? log = null, string? quotaProject = null)
        => new VertexRestClient(Options(location, version, null, null, tokens, retry, log, null, null, quotaProject));

    private GeminiClientOptions Options(string location, string version, string? endpointId, string? model, IAccessTokenSource? tokens,
        RetryPolicy? retry, IGeminiLog? log, TimeSpan? idleTimeout, TimeSpan? timeout, string? quotaProject)
    {
        var endpoint = VertexEndpoint.Resolve(new EndpointSettings
        {
            Project = "test-project",
            Location = location,
            ApiVersion = version,
            EndpointId = endpointId,
            Model = model,
            BaseUri = Emulator.BaseUri,
        }, _ => null);
        return new GeminiClientOptions
        {
            QuotaProject = quotaProject,
            Endpoint = endpoint,
            TokenSource = tokens ?? new StaticTokenSource(Emulator.DefaultToken),
            Retry = retry ?? new RetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20) },
            Log = log ?? NullGeminiLog.Instance,
            // With a timeout given and no idle limit, the stream's silences are bounded by the timeout (the default).
            StreamIdleTimeout = idleTimeout ?? (timeout is null ? TimeSpan.FromMinutes(1) : null),
            Timeout = timeout ?? TimeSpan.FromMinutes(5),
        };
    }

    public static ChatRequest UserPrompt(string text) => new() { Messages = { new ChatMessage("user", text) } };
}

/// <summary>Collects log lines (thread-safe).</summary>
public sealed class ListLog : IGeminiLog
{
    private readonly List<string> _lines = new();

    public IReadOnlyList<string> Lines { get { lock (_lines) return _lines.ToArray(); } }

    public void Verbose(string message) { lock (_lines) _lines.Add("VERBOSE: " + message); }

    public void Debug(string message) { lock (_lines) _lines.Add("DEBUG: " + message); }
}
