using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Reflection;
using System.Runtime.InteropServices;

namespace VertexAI
{
    /// <summary>
    /// HttpClients shared by the process: one per proxy setting, so connections are pooled and reused across every
    /// request and cmdlet call. Timeouts are per attempt (cancellation tokens), so the clients' own timeout is infinite.
    /// TLS certificate validation is never relaxed.
    /// </summary>
    internal static class SharedHttp
    {
        internal static readonly string UserAgent =
            "VertexAI-PowerShell/" + (typeof(SharedHttp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0");

        private static readonly ConcurrentDictionary<string, Lazy<Shared>> s_clients = new ConcurrentDictionary<string, Lazy<Shared>>(StringComparer.Ordinal);

        /// <summary>The client for <paramref name="proxy"/>; null means the environment's proxy variables, else the system default.</summary>
        internal static HttpClient For(Uri? proxy) => SharedFor(proxy).Client;

        /// <summary>
        /// A handler over the same connections as <see cref="For"/>, for another library's HTTP client (Google's token
        /// requests): disposing it leaves the shared handler alone, and it may send a request twice (Google's own retries
        /// do), which HttpClient refuses.
        /// </summary>
        internal static HttpMessageHandler HandlerFor(Uri? proxy) => new Forwarder(SharedFor(proxy).Invoker);

        private static Shared SharedFor(Uri? proxy)
        {
            var key = proxy?.AbsoluteUri ?? string.Empty;
            return s_clients.GetOrAdd(key, _ => new Lazy<Shared>(() => new Shared(CreateHandler(proxy)))).Value;
        }

        /// <summary>Describes the proxy a client for <paramref name="proxy"/> uses, for verbose output (no credentials).</summary>
        internal static string? DescribeProxy(Uri? proxy)
        {
            if (proxy is not null) return new UriBuilder(proxy.Scheme, proxy.Host, proxy.Port).Uri.ToString();
            return ProxySettings.FromEnvironment()?.ToString();
        }

        private sealed class Shared
        {
            internal Shared(HttpClientHandler handler)
            {
                Client = new HttpClient(handler, disposeHandler: false) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
                Invoker = new HttpMessageInvoker(handler, disposeHandler: false);
            }

            internal HttpClient Client { get; }

            internal HttpMessageInvoker Invoker { get; }
        }

        private sealed class Forwarder : HttpMessageHandler
        {
            private readonly HttpMessageInvoker _invoker;

            internal Forwarder(HttpMessageInvoker invoker) => _invoker = invoker;

            protected override System.Threading.Tasks.Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, System.Threading.CancellationToken cancellationToken)
                => _invoker.SendAsync(request, cancellationToken);
        }

        /// <summary>
        /// On .NET Framework (Windows PowerShell 5.1), adds TLS 1.2 to <see cref="ServicePointManager.SecurityProtocol"/>
        /// when it is missing, as PowerShellGet 2.2.4 does: that runtime's HttpClient follows the process-wide setting,
        /// which is <c>Ssl3, Tls</c> on machines without the strong-crypto registry values, and Google refuses TLS 1.0.
        /// Nothing the user set is removed. .NET Core ignores the setting (its handler negotiates with the OS), so it is left alone there.
        /// </summary>
        internal static void EnsureTls12()
        {
            if (!RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal)) return;
            var current = ServicePointManager.SecurityProtocol;
            var wanted = WithTls12(current);
            if (wanted != current) ServicePointManager.SecurityProtocol = wanted;
        }

        /// <summary>
        /// <paramref name="current"/> with TLS 1.2 added; SystemDefault (0, the OS chooses, TLS 1.2 included wherever the
        /// OS has it) is kept, since naming versions would narrow it.
        /// </summary>
        internal static SecurityProtocolType WithTls12(SecurityProtocolType current)
            => current == 0 ? current : current | SecurityProtocolType.Tls12;

        private static HttpClientHandler CreateHandler(Uri? proxy)
        {
            // Before the first connection of this handler; token requests share it, so they get the same TLS.
            EnsureTls12();
            var handler = new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false };
            IWebProxy? chosen = proxy is not null ? ProxySettings.Create(proxy) : ProxySettings.FromEnvironment();
            if (chosen is not null)
            {
                handler.Proxy = chosen;
                handler.UseProxy = true;
            }
            try
            {
                // .NET Framework allows 2 connections per host by default, which would serialize batches in Windows PowerShell.
                handler.MaxConnectionsPerServer = 256;
            }
            catch (PlatformNotSupportedException)
            {
            }
            return handler;
        }
    }
}
