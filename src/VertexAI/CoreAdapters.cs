using System;
using System.Threading;
using System.Threading.Tasks;
using VertexAI.Auth;

namespace VertexAI.Commands
{
    /// <summary>
    /// The core's log, written to the cmdlet's verbose and debug streams. The core calls it from worker threads, so it
    /// posts to the cmdlet's pump; messages appear while the request runs.
    /// </summary>
    internal sealed class CmdletLog : IGeminiLog
    {
        private readonly CancellableCmdlet _cmdlet;

        internal CmdletLog(CancellableCmdlet cmdlet) => _cmdlet = cmdlet;

        public void Verbose(string message) => _cmdlet.PostVerbose(message);

        public void Debug(string message) => _cmdlet.PostDebug(message);
    }

    /// <summary>
    /// Wraps a token source so that a failure to get a token (no Application Default Credentials, a refused refresh) is
    /// told apart from a failed API call: it surfaces as <see cref="TokenUnavailableException"/>.
    /// </summary>
    internal sealed class ReportingTokenSource : IAccessTokenSource, IProxiedTokenSource, IQuotaProjectSource
    {
        private readonly IAccessTokenSource _inner;

        internal ReportingTokenSource(IAccessTokenSource inner) => _inner = inner;

        public string Description => _inner.Description;

        // The credential file's quota project, once loaded.
        public string? QuotaProject => (_inner as IQuotaProjectSource)?.QuotaProject;

        public Task<string> GetTokenAsync(CancellationToken cancellationToken) => GetTokenAsync(null, cancellationToken);

        // Passes the call's proxy on, so a token fetch takes the same way out as the call (-Proxy included).
        public async Task<string> GetTokenAsync(Uri? proxy, CancellationToken cancellationToken)
        {
            try
            {
                return _inner is IProxiedTokenSource proxied
                    ? await proxied.GetTokenAsync(proxy, cancellationToken).ConfigureAwait(false)
                    : await _inner.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                throw new TokenUnavailableException(_inner.Description, ex);
            }
        }

        public bool Invalidate(string rejectedToken) => _inner.Invalidate(rejectedToken);
    }

    /// <summary>No access token could be had from the configured credentials.</summary>
    internal sealed class TokenUnavailableException : Exception
    {
        internal TokenUnavailableException(string description, Exception inner)
            // The core reports credentials it cannot load as an InvalidOperationException that already says which and how
            // to fix it; other failures (a refused refresh, an unreachable token endpoint) get the source named here.
            : base(inner is InvalidOperationException ? inner.Message : $"Could not get an access token from {description}: {inner.Message}", inner)
        {
            Description = description;
        }

        internal string Description { get; }
    }
}
