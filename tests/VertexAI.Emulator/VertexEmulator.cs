using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace VertexAI.Emulator;

/// <summary>
/// A Vertex AI Chat Completions server on 127.0.0.1 for tests: chat routes, token routes,
/// scripted scenarios and a request log. Dispose it to stop it.
/// </summary>
public sealed class VertexEmulator : IAsyncDisposable
{
    private readonly CancellationTokenSource _shutdown = new();
    private readonly RequestLog _log = new();
    private readonly ConcurrencyGauge _inFlight = new();
    private volatile TokenBucketQuota? _quota;
    private readonly AccessTokenStore _tokens = new();
    private readonly CredentialRegistry _credentials = new();
    private readonly TokenIssuer _tokenIssuer;
    private readonly RequestDispatcher _dispatcher;
    private WebApplication? _app;
    private long _tokenLifetimeTicks;
    private long _clockOffsetTicks;
    private int _disposed;

    private VertexEmulator(EmulatorOptions options)
    {
        TokenLifetime = options.TokenLifetime;
        var requireAuth = options.RequireAuth;
        var pageSize = Math.Max(1, options.DefaultPageSize);
        DefaultToken = _tokens.Issue(TimeSpan.MaxValue);
        Caches = new CacheStore(() => Now);
        var verifier = new JwtBearerVerifier(_credentials);
        var signatures = new ThoughtSignatures();
        _tokenIssuer = new TokenIssuer(_tokens, _credentials, verifier, () => TokenUri, () => TokenLifetime);
        var chat = new ChatEndpoint(
            () => requireAuth,
            () => ReplyDelay,
            _tokens,
            verifier,
            Scenarios,
            () => ScenarioSelector,
            new ChatRequestValidator(signatures),
            new ReplyBuilder(signatures, Caches),
            Caches,
            () => Quota,
            _inFlight);
        Quota = options.Quota;
        var native = new NativeEndpoint(() => requireAuth, _tokens, verifier, Scenarios, new CachedContentsHandler(Caches, () => pageSize), () => pageSize);
        var control = new ControlEndpoint(_log, Scenarios, DefaultToken, delay => ReplyDelay = delay, () => Quota, q => Quota = q, _inFlight,
            (email, project) => CreateServiceAccountKeyJson(email ?? "tester@emulator-project.iam.gserviceaccount.com", project ?? "emulator-project"))
        {
            BatchJobs = BatchJobs,
            Storage = Storage,
            IssueUserToken = () => IssueUserToken(TimeSpan.FromHours(1)),
            AdvanceClock = AdvanceClock,
        };
        var bearer = new BearerCheck(() => requireAuth, _tokens, verifier);
        _dispatcher = new RequestDispatcher(_log, chat, native, _tokenIssuer, control,
            new StorageEndpoint(bearer, Storage), new BatchJobEndpoint(bearer, BatchJobs, Storage, Scenarios), _shutdown.Token);
    }

    /// <summary>Root of the server, always ending with '/', e.g. <c>http://127.0.0.1:43123/</c>.</summary>
    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>A token accepted for the emulator's whole lifetime.</summary>
    public string DefaultToken { get; }

    /// <summary>The OAuth2 token endpoint (<c>BaseUri + "token"</c>); service-account key files point here.</summary>
    public Uri TokenUri => new(BaseUri, "token");

    /// <summary>The GCE metadata server's token route on this emulator.</summary>
    public Uri MetadataTokenUri => new(BaseUri, TokenIssuer.MetadataTokenPath.TrimStart('/'));

    /// <summary>Lifetime and <c>expires_in</c> of tokens issued from now on by the token and metadata routes.</summary>
    public TimeSpan TokenLifetime
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _tokenLifetimeTicks));
        set => Interlocked.Exchange(ref _tokenLifetimeTicks, value.Ticks);
    }

    /// <summary>
    /// How long every authenticated, valid chat request waits before it is answered (scripted or not): a model that takes
    /// its time, for runs that are stopped mid-way. Zero (the default) answers at once.
    /// </summary>
    public TimeSpan ReplyDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _replyDelayTicks));
        set => Interlocked.Exchange(ref _replyDelayTicks, value < TimeSpan.Zero ? 0 : value.Ticks);
    }

    private long _replyDelayTicks;

    /// <summary>Requests to <c>/token</c> and the metadata token route, successful or not.</summary>
    public int TokenRequestCount => _tokenIssuer.RequestCount;

    /// <summary>Every request received (chat, token, metadata, other), in arrival order; a snapshot.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _log.Snapshot();

    /// <summary>Only the chat/completions requests, in arrival order; a snapshot.</summary>
    public IReadOnlyList<RecordedRequest> ChatRequests => _log.Snapshot("chat");

    /// <summary>The Cloud Storage objects the storage routes serve (uploads land here; batch jobs read and write here).</summary>
    public ObjectStore Storage { get; } = new();

    /// <summary>The batch prediction jobs (and how many reads each state lasts).</summary>
    public BatchJobStore BatchJobs { get; } = new();

    /// <summary>Scripted answers, taken one per authenticated chat request.</summary>
    public ScenarioQueue Scenarios { get; } = new();

    /// <summary>
    /// Consulted for every authenticated chat request when <see cref="Scenarios"/> is empty:
    /// return a scenario to play, or null for the normal deterministic reply.
    /// </summary>
    public Func<RecordedRequest, Scenario?>? ScenarioSelector { get; set; }

    /// <summary>A per-second quota on chat requests (429 above it); null (the default) for none.</summary>
    public TokenBucketQuota? Quota
    {
        get => _quota;
        set => _quota = value;
    }

    /// <summary>Chat requests being answered now (from arrival until their response starts).</summary>
    public int ChatRequestsInFlight => _inFlight.Current;

    /// <summary>The most chat requests answered at once since the start or the last <see cref="ResetMaxChatRequestsInFlight"/>.</summary>
    public int MaxChatRequestsInFlight => _inFlight.Max;

    /// <summary>Starts counting <see cref="MaxChatRequestsInFlight"/> again.</summary>
    public void ResetMaxChatRequestsInFlight() => _inFlight.ResetMax();

    /// <summary>Starts a server on <c>http://127.0.0.1:{port}</c> (a free port when <see cref="EmulatorOptions.Port"/> is 0).</summary>
    public static async Task<VertexEmulator> StartAsync(EmulatorOptions? options = null)
    {
        options ??= new EmulatorOptions();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(VertexEmulator).Assembly.GetName().Name,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 256L * 1024 * 1024; // inline base64 media can be large
        });
        // No console lifetime: many emulators live in one test process and must not hook Ctrl+C or SIGTERM.
        builder.Services.AddSingleton<IHostLifetime, NoopHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

        var emulator = new VertexEmulator(options);
        var app = builder.Build();
        app.Run(emulator._dispatcher.InvokeAsync);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            emulator.DisposeOwned();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator._app = app;
        emulator.BaseUri = new Uri($"http://127.0.0.1:{new Uri(address).Port}/");
        return emulator;
    }

    /// <summary>Issues a token accepted until <paramref name="lifetime"/> has passed; zero or negative gives an expired one.</summary>
    public string IssueToken(TimeSpan lifetime) => _tokens.Issue(lifetime);

    /// <summary>
    /// Issues a token as an <c>authorized_user</c> refresh grant would (a person's <c>gcloud auth application-default
    /// login</c>): routes without a project in their path refuse it unless <c>x-goog-user-project</c> names a quota project.
    /// </summary>
    public string IssueUserToken(TimeSpan lifetime) => _tokens.IssueUserToken(lifetime);

    /// <summary>The emulator's clock for context-cache expiry: UTC now plus every <see cref="AdvanceClock"/>.</summary>
    public DateTimeOffset Now => DateTimeOffset.UtcNow + TimeSpan.FromTicks(Interlocked.Read(ref _clockOffsetTicks));

    /// <summary>Moves the cache clock forward, so expiry can be tested without waiting.</summary>
    public void AdvanceClock(TimeSpan by) => Interlocked.Add(ref _clockOffsetTicks, by.Ticks);

    /// <summary>Context caches created through the <c>cachedContents</c> routes.</summary>
    internal CacheStore Caches { get; }

    /// <summary>Empties the request log (not <see cref="TokenRequestCount"/>).</summary>
    public void ClearLog() => _log.Clear();

    /// <summary>
    /// Creates an RSA-2048 service-account key, registers its public key, and returns a Google key file
    /// (<c>"type":"service_account"</c>, PKCS#8 <c>private_key</c>, <c>token_uri</c> = <see cref="TokenUri"/>).
    /// </summary>
    public string CreateServiceAccountKeyJson(
        string clientEmail = "tester@emulator-project.iam.gserviceaccount.com",
        string projectId = "emulator-project") =>
        _credentials.CreateServiceAccountKeyJson(clientEmail, projectId, TokenUri);

    /// <summary>
    /// Returns an <c>authorized_user</c> ADC file whose refresh token <c>/token</c> accepts
    /// (<c>grant_type=refresh_token</c>); its <c>token_uri</c> is <see cref="TokenUri"/>. Google.Apis.Auth 1.78 ignores
    /// <c>token_uri</c> for user credentials, so use it through a flow whose token server URL is <see cref="TokenUri"/>.
    /// </summary>
    public string CreateAuthorizedUserJson() => _credentials.CreateAuthorizedUserJson(TokenUri);

    /// <summary>
    /// Test plumbing: a context cache of <paramref name="textTokens"/> text tokens in <c>projects/{project}/locations/{location}</c>,
    /// as <c>POST cachedContents</c> would make it; returns its name. For tests of the chat route's <c>cached_content</c>.
    /// </summary>
    public string CreateCache(string project = "test-project", string location = "us-central1", int textTokens = 4096, TimeSpan? ttl = null)
    {
        var usage = new TokenTally();
        usage.AddText(new string('x', textTokens * 4));
        return Caches.Add($"projects/{project}/locations/{location}", "publishers/google/models/gemini-2.5-flash", null, Now + (ttl ?? TimeSpan.FromHours(1)), usage).Name;
    }

    /// <summary>Stops the server promptly: waiting streams and delays are cancelled first.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _shutdown.CancelAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await _app!.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopping took too long; disposing below closes what is left.
            }
        }

        await _app!.DisposeAsync();
        DisposeOwned();
    }

    /// <summary>
    /// The shutdown source is only cancelled, never disposed: a request that outlived the stop timeout may still
    /// link to its token.
    /// </summary>
    private void DisposeOwned() => _credentials.Dispose();
}
