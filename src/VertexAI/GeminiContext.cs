using System;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Security;
using VertexAI.Auth;

namespace VertexAI
{
    /// <summary>
    /// The session defaults set with <c>Set-GeminiContext</c>: where requests go and with which credential. A parameter
    /// given to a command (or through <c>$PSDefaultParameterValues</c>) wins over the context; the context wins over the
    /// GOOGLE_CLOUD_PROJECT / GOOGLE_CLOUD_LOCATION environment variables and Application Default Credentials.
    /// Each runspace has its own context.
    /// </summary>
    public sealed class GeminiContext
    {
        private static readonly ConditionalWeakTable<Runspace, GeminiContext> s_contexts = new ConditionalWeakTable<Runspace, GeminiContext>();
        private static readonly GeminiContext s_withoutRunspace = new GeminiContext();
        private IAccessTokenSource? _credentialSource;
        private SecureString? _accessToken;
        private IAccessTokenSource? _accessTokenSource;

        /// <summary>The Google Cloud project.</summary>
        public string? Project { get; internal set; }

        /// <summary>The location: <c>global</c> or a region.</summary>
        public string? Location { get; internal set; }

        /// <summary>The model id.</summary>
        public string? Model { get; internal set; }

        /// <summary>A self-deployed endpoint's id.</summary>
        public string? Endpoint { get; internal set; }

        /// <summary>v1 or v1beta1.</summary>
        public string? ApiVersion { get; internal set; }

        /// <summary>A service root instead of Vertex AI's (a proxy, a private endpoint, the emulator).</summary>
        public Uri? BaseUri { get; internal set; }

        /// <summary>A credential file (service-account key, authorized user, external account) used instead of ADC.</summary>
        public string? CredentialFile { get; internal set; }

        /// <summary>Whether an access token is set (the token itself is never shown).</summary>
        public bool HasAccessToken => AccessToken is not null;

        /// <summary>The project billed for quota (x-goog-user-project).</summary>
        public string? QuotaProject { get; internal set; }

        /// <summary>How many times a failed attempt is retried.</summary>
        public int? MaxRetries { get; internal set; }

        /// <summary>The time limit of one attempt, and of the silence between a stream's events, in seconds.</summary>
        public int? TimeoutSec { get; internal set; }

        /// <summary>An HTTP proxy.</summary>
        public Uri? Proxy { get; internal set; }

        // A read-only copy of the token given, so that the source made from it (below) stays what was set: changing the
        // caller's SecureString afterwards does not change the context; Set-GeminiContext does.
        internal SecureString? AccessToken
        {
            get => _accessToken;
            set
            {
                var copy = value?.Copy();
                copy?.MakeReadOnly();
                _accessToken = copy;
                _accessTokenSource = null;
            }
        }

        /// <summary>The context of the runspace the calling command runs in.</summary>
        internal static GeminiContext Current
        {
            get
            {
                var runspace = Runspace.DefaultRunspace;
                return runspace is null ? s_withoutRunspace : s_contexts.GetValue(runspace, _ => new GeminiContext());
            }
        }

        /// <summary>The credential of the context: its token, else its credential file (one source per file, so its token
        /// is cached for the session), else null (Application Default Credentials). The same source until the credential is
        /// set again, so that a command can tell it is the one its cached client was built with (ChatClientCache).</summary>
        internal IAccessTokenSource? TokenSource
        {
            get
            {
                if (_accessToken is not null) return _accessTokenSource ??= StaticTokenSource.FromSecureString(_accessToken);
                if (CredentialFile is null) return null;
                return _credentialSource ??= GoogleCredentialTokenSource.FromFile(CredentialFile);
            }
        }

        internal void SetCredentialFile(string? path)
        {
            CredentialFile = path;
            _credentialSource = null;
        }

        internal void Clear()
        {
            Project = Location = Model = Endpoint = ApiVersion = QuotaProject = null;
            BaseUri = Proxy = null;
            MaxRetries = TimeoutSec = null;
            AccessToken = null;
            SetCredentialFile(null);
        }
    }
}
