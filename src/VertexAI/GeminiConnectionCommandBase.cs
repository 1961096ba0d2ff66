using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using VertexAI.Auth;

namespace VertexAI.Commands
{
    /// <summary>
    /// What every cmdlet that calls Vertex AI shares: where requests go (project, location, API version, service root),
    /// with which credential and quota project, and how (retries, time limit, proxy); and how a call runs (under Ctrl+C,
    /// with its failures turned into ErrorRecords). The chat cmdlets and the native-route cmdlets (caches, token counts,
    /// embeddings, models, batch jobs) derive from it, so each setting is written and resolved once.
    /// </summary>
    public abstract class GeminiConnectionCommandBase : CancellableCmdlet
    {
        /// <summary>The Google Cloud project; defaults to the GOOGLE_CLOUD_PROJECT environment variable.</summary>
        [Parameter]
        public string? Project { get; set; }

        /// <summary>The location, <c>global</c> or a region; defaults to the GOOGLE_CLOUD_LOCATION environment variable.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(LocationCompleter))]
        public string? Location { get; set; }

        /// <summary>The API version: v1 (default) or v1beta1.</summary>
        [Parameter]
        [ValidateSet("v1", "v1beta1")]
        public string? ApiVersion { get; set; }

        /// <summary>A service root to use instead of https://{location}-aiplatform.googleapis.com (plain http only to loopback).</summary>
        [Parameter]
        public Uri? BaseUri { get; set; }

        /// <summary>An OAuth access token to use instead of Application Default Credentials (a string is accepted too).</summary>
        [Parameter]
        [SecureStringTransformation]
        public SecureString? AccessToken { get; set; }

        /// <summary>The project billed for quota (sent as <c>x-goog-user-project</c>); defaults to GOOGLE_CLOUD_QUOTA_PROJECT,
        /// else the credential file's <c>quota_project_id</c>. User credentials need one for the model list.</summary>
        [Parameter]
        public string? QuotaProject { get; set; }

        /// <summary>How many times a failed attempt (408, 429, 5xx, a dropped connection) is retried, with capped exponential
        /// backoff and jitter or the server's Retry-After; 0 disables retrying. Default 3.</summary>
        [Parameter]
        [ValidateRange(0, 20)]
        public int MaxRetries { get; set; } = 3;

        /// <summary>How long to wait for the server, in seconds: for one attempt the whole answer; for a stream its start and
        /// then every silence between two events (a stream that keeps sending may run as long as it needs). Default 300.</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 300;

        /// <summary>An HTTP proxy (http://host:port; credentials as http://user:password@host:port). Without it, HTTPS_PROXY,
        /// HTTP_PROXY and NO_PROXY from the environment are honoured, else the system's proxy.</summary>
        [Parameter]
        public Uri? Proxy { get; set; }

        /// <summary>
        /// Where requests go: parameters (and $PSDefaultParameterValues) win over Set-GeminiContext, which wins over the
        /// environment. A setting that cannot work stops the command before anything is sent.
        /// </summary>
        /// <param name="model">The model (chat cmdlets: -Model, else the context's).</param>
        /// <param name="endpointId">A self-deployed endpoint's id (chat cmdlets only).</param>
        protected VertexEndpoint ResolveEndpoint(string? model = null, string? endpointId = null)
        {
            var context = GeminiContext.Current;
            return Translate(() => VertexEndpoint.Resolve(new EndpointSettings
            {
                Project = Project ?? context.Project,
                Location = Location ?? context.Location,
                ApiVersion = ApiVersion ?? context.ApiVersion,
                EndpointId = endpointId,
                BaseUri = BaseUri ?? context.BaseUri,
                Model = model,
            }), "Gemini.InvalidSettings", ex => ex.ParamName);
        }

        /// <summary>
        /// The client options for <paramref name="endpoint"/>: the credential (-AccessToken, else Set-GeminiContext's, else
        /// Application Default Credentials), the quota project, retries, time limit, proxy and the log. A bound
        /// -MaxRetries or -TimeoutSec wins over the context, which wins over the parameter's default.
        /// </summary>
        protected GeminiClientOptions BuildClientOptions(VertexEndpoint endpoint)
        {
            var context = GeminiContext.Current;
            var tokens = Translate(
                () => AccessToken is not null
                    ? StaticTokenSource.FromSecureString(AccessToken)
                    : context.TokenSource ?? GoogleCredentialTokenSource.ApplicationDefault,
                "Gemini.InvalidAccessToken", _ => nameof(AccessToken));
            // The request JSON is worth building only when a debug record can be shown.
            var debug = Wanted("Debug", "DebugPreference");
            return new GeminiClientOptions
            {
                Endpoint = endpoint,
                TokenSource = new ReportingTokenSource(tokens),
                // Without a listener the client builds no log lines: each one posted would wake the pipeline thread for nothing.
                Log = debug || Wanted("Verbose", "VerbosePreference") ? new CmdletLog(this) : (IGeminiLog)NullGeminiLog.Instance,
                LogRequestBody = debug,
                Retry = new RetryPolicy { MaxRetries = EffectiveMaxRetries(context) },
                Timeout = TimeSpan.FromSeconds(EffectiveTimeoutSec(context)),
                Proxy = Proxy ?? context.Proxy,
                QuotaProject = QuotaProject ?? context.QuotaProject,
            };
        }

        // The core's TransportPipeline reads it when no quota project is set (internal there).
        private const string QuotaProjectVariable = "GOOGLE_CLOUD_QUOTA_PROJECT";

        // A bound parameter wins over the context, which wins over the parameter's default.
        private int EffectiveMaxRetries(GeminiContext context)
            => MyInvocation.BoundParameters.ContainsKey(nameof(MaxRetries)) ? MaxRetries : context.MaxRetries ?? MaxRetries;

        private int EffectiveTimeoutSec(GeminiContext context)
            => MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeoutSec : context.TimeoutSec ?? TimeoutSec;

        /// <summary>
        /// What the client of <see cref="ResolveEndpoint"/>(<paramref name="model"/>, <paramref name="endpointId"/>) and
        /// <see cref="BuildClientOptions"/> is built from, for <see cref="ChatClientCache"/>; null when that client must be
        /// built afresh: a log listens (the client writes to this command), the access token is this call's
        /// (-AccessToken), or the context's credential cannot be had (the build then reports it as before).
        /// </summary>
        private protected ChatClientKey? ChatClientKeyFor(string? model, string? endpointId)
        {
            if (AccessToken is not null || LogWanted()) return null;
            var context = GeminiContext.Current;
            IAccessTokenSource tokens;
            try
            {
                tokens = context.TokenSource ?? GoogleCredentialTokenSource.ApplicationDefault;
            }
            catch (ArgumentException)
            {
                return null;
            }
            var project = Project ?? context.Project;
            var location = Location ?? context.Location;
            var quotaProject = QuotaProject ?? context.QuotaProject;
            return new ChatClientKey(
                new[]
                {
                    project,
                    location,
                    ApiVersion ?? context.ApiVersion,
                    (BaseUri ?? context.BaseUri)?.OriginalString,
                    model,
                    endpointId,
                    (Proxy ?? context.Proxy)?.OriginalString,
                    quotaProject,
                    // What VertexEndpoint.Resolve and the transport read when the settings leave them open (and only then:
                    // reading a variable costs a microsecond on Unix).
                    string.IsNullOrWhiteSpace(project) ? Environment.GetEnvironmentVariable(VertexEndpoint.ProjectVariable) : null,
                    string.IsNullOrWhiteSpace(location) ? Environment.GetEnvironmentVariable(VertexEndpoint.LocationVariable) : null,
                    string.IsNullOrWhiteSpace(quotaProject) ? Environment.GetEnvironmentVariable(QuotaProjectVariable) : null,
                },
                tokens, EffectiveMaxRetries(context), EffectiveTimeoutSec(context));
        }

        /// <summary>A client for the native REST routes, with this command's settings.</summary>
        protected VertexRestClient BuildRestClient(string? model = null)
        {
            var options = BuildClientOptions(ResolveEndpoint(model));
            return Translate(() => new VertexRestClient(options), "Gemini.InvalidSettings", ex => ex.ParamName);
        }

        /// <summary>
        /// Runs an API call through the pump (Ctrl+C cancels it at once). A failed call becomes a non-terminating error
        /// and null is returned; credentials that give no token and requests that cannot be written are terminating errors.
        /// </summary>
        /// <param name="operation">The call.</param>
        /// <param name="target">What the error records name (the prompt, the resource).</param>
        protected T? Call<T>(Func<CancellationToken, Task<T>> operation, object? target) where T : class
        {
            ErrorRecord terminating;
            try
            {
                return RunPumped(operation);
            }
            catch (GeminiApiException ex)
            {
                WriteError(ErrorRecords.FromApiException(ex, target));
                return null;
            }
            catch (TokenUnavailableException ex)
            {
                terminating = ErrorRecords.Credentials(ex, ex.Description);
            }
            catch (ArgumentException ex)
            {
                terminating = ErrorRecords.InvalidArgument(ex, "Gemini.InvalidRequest", target);
            }
            ThrowTerminatingError(terminating);
            return null;
        }

        /// <summary>Builds something from the parameters; an <see cref="ArgumentException"/> stops the command before
        /// anything is sent, as an InvalidArgument error with <paramref name="errorId"/>.</summary>
        protected T Translate<T>(Func<T> build, string errorId, Func<ArgumentException, object?> target)
        {
            try
            {
                return build();
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(ErrorRecords.InvalidArgument(ex, errorId, target(ex)));
                throw; // not reached: ThrowTerminatingError always throws
            }
        }

        // Whether a verbose or debug record of this command can be shown: -Verbose or -Debug given (also through
        // $PSDefaultParameterValues), or $VerbosePreference / $DebugPreference (as this command sees them) other than
        // SilentlyContinue or Ignore. When unsure, yes.
        private protected bool LogWanted() => Wanted("Verbose", "VerbosePreference") || Wanted("Debug", "DebugPreference");

        private protected bool Wanted(string flag, string preferenceVariable)
        {
            if (MyInvocation.BoundParameters.TryGetValue(flag, out var given))
            {
                return given is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(given);
            }
            // A local "$DebugPreference = 'Continue'" is a plain string, not an ActionPreference: convert it.
            var value = GetVariableValue(preferenceVariable);
            if (value is null) return false;
            if (!LanguagePrimitives.TryConvertTo(value, out ActionPreference preference)) return true;
            return preference != ActionPreference.SilentlyContinue && preference != ActionPreference.Ignore;
        }
    }
}
