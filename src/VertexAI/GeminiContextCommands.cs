using System;
using System.IO;
using System.Management.Automation;
using System.Security;

namespace VertexAI.Commands
{
    /// <summary>
    /// <para>Sets the session defaults of the Gemini cmdlets in one call: project, location, model, endpoint, API version,
    /// base URI, access token or credential file, quota project, retries, timeout and proxy.</para>
    /// <para>Only the settings given change; -Clear starts from none. A parameter given to a command wins over the
    /// context, and the context wins over GOOGLE_CLOUD_PROJECT / GOOGLE_CLOUD_LOCATION and Application Default
    /// Credentials.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "GeminiContext")]
    [OutputType(typeof(GeminiContext))]
    public sealed class SetGeminiContextCommand : PSCmdlet
    {
        /// <summary>The Google Cloud project.</summary>
        [Parameter]
        [AllowEmptyString]
        public string? Project { get; set; }

        /// <summary>The location: global or a region.</summary>
        [Parameter]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(LocationCompleter))]
        public string? Location { get; set; }

        /// <summary>The model id (default gemini-2.5-flash).</summary>
        [Parameter]
        [AllowEmptyString]
        [ArgumentCompleter(typeof(ModelCompleter))]
        public string? Model { get; set; }

        /// <summary>A self-deployed endpoint's id.</summary>
        [Parameter]
        [AllowEmptyString]
        [Alias("EndpointId")]
        public string? Endpoint { get; set; }

        /// <summary>v1 or v1beta1.</summary>
        [Parameter]
        [ValidateSet("v1", "v1beta1")]
        public string? ApiVersion { get; set; }

        /// <summary>A service root instead of Vertex AI's (plain http only to loopback).</summary>
        [Parameter]
        public Uri? BaseUri { get; set; }

        /// <summary>An OAuth access token used instead of Application Default Credentials (a string is accepted too).</summary>
        [Parameter]
        [SecureStringTransformation]
        public SecureString? AccessToken { get; set; }

        /// <summary>A credential file (service-account key, authorized user or external account JSON) used instead of
        /// Application Default Credentials.</summary>
        [Parameter]
        public string? CredentialFile { get; set; }

        /// <summary>The project billed for quota (sent as x-goog-user-project), for user credentials.</summary>
        [Parameter]
        [AllowEmptyString]
        public string? QuotaProject { get; set; }

        /// <summary>How many times a failed attempt is retried (0 to 20).</summary>
        [Parameter]
        [ValidateRange(0, 20)]
        public int MaxRetries { get; set; }

        /// <summary>The time limit of one attempt, and of the silence between a stream's events, in seconds.</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; }

        /// <summary>An HTTP proxy (http://host:port).</summary>
        [Parameter]
        public Uri? Proxy { get; set; }

        /// <summary>Removes every setting first (then applies the ones given).</summary>
        [Parameter]
        public SwitchParameter Clear { get; set; }

        /// <summary>Writes the context.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Applies the settings given.</summary>
        protected override void EndProcessing()
        {
            var bound = MyInvocation.BoundParameters;
            var context = GeminiContext.Current;
            string? credentialFile = null;
            if (bound.ContainsKey(nameof(CredentialFile)) && !string.IsNullOrEmpty(CredentialFile))
            {
                credentialFile = SessionState.Path.GetUnresolvedProviderPathFromPSPath(CredentialFile);
                if (!File.Exists(credentialFile))
                {
                    ThrowTerminatingError(ErrorRecords.FileNotFound(new FileNotFoundException($"The credential file '{credentialFile}' does not exist.", credentialFile),
                        credentialFile, "Gemini.CredentialFileNotFound"));
                }
            }
            if (BaseUri is not null && !BaseUri.IsAbsoluteUri)
            {
                ThrowTerminatingError(ErrorRecords.InvalidArgument(new ArgumentException($"-BaseUri '{BaseUri}' is not an absolute URI."), "Gemini.InvalidArgument", BaseUri));
            }

            if (Clear.IsPresent) context.Clear();
            if (bound.ContainsKey(nameof(Project))) context.Project = Blank(Project);
            if (bound.ContainsKey(nameof(Location))) context.Location = Blank(Location);
            if (bound.ContainsKey(nameof(Model))) context.Model = Blank(Model);
            if (bound.ContainsKey(nameof(Endpoint))) context.Endpoint = Blank(Endpoint);
            if (bound.ContainsKey(nameof(ApiVersion))) context.ApiVersion = ApiVersion;
            if (bound.ContainsKey(nameof(BaseUri))) context.BaseUri = BaseUri;
            if (bound.ContainsKey(nameof(AccessToken))) context.AccessToken = AccessToken is { Length: > 0 } ? AccessToken : null;
            if (bound.ContainsKey(nameof(CredentialFile))) context.SetCredentialFile(credentialFile);
            if (bound.ContainsKey(nameof(QuotaProject))) context.QuotaProject = Blank(QuotaProject);
            if (bound.ContainsKey(nameof(MaxRetries))) context.MaxRetries = MaxRetries;
            if (bound.ContainsKey(nameof(TimeoutSec))) context.TimeoutSec = TimeoutSec;
            if (bound.ContainsKey(nameof(Proxy))) context.Proxy = Proxy;
            if (context.AccessToken is not null && context.CredentialFile is not null)
            {
                WriteWarning("Both an access token and a credential file are set: the access token is used.");
            }
            WriteVerbose($"Gemini context: project {context.Project ?? "(not set)"}, location {context.Location ?? "(not set)"}, model {context.Model ?? "(default)"}, "
                + $"credential {(context.HasAccessToken ? "access token" : context.CredentialFile ?? "Application Default Credentials")}.");
            if (PassThru.IsPresent) WriteObject(context);
        }

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
    }

    /// <summary>
    /// <para>Gets the session defaults set with Set-GeminiContext (an access token is shown only as HasAccessToken).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GeminiContext")]
    [OutputType(typeof(GeminiContext))]
    public sealed class GetGeminiContextCommand : PSCmdlet
    {
        /// <summary>Writes the context of this session.</summary>
        protected override void EndProcessing() => WriteObject(GeminiContext.Current);
    }
}
