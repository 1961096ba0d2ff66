using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Reflection;

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

        private static readonly ConcurrentDictionary<string, Lazy<HttpClient>> s_clients = new ConcurrentDictionary<string, Lazy<HttpClient>>(StringComparer.Ordinal);

        /// <summary>The client for <paramref name="proxy"/>; null means the environment's proxy variables, else the system default.</summary>
        internal static HttpClient For(Uri? proxy)
        {
            var key = proxy?.AbsoluteUri ?? string.Empty;
            return s_clients.GetOrAdd(key, _ => new Lazy<HttpClient>(() => Create(proxy))).Value;
        }

        /// <summary>Describes the proxy a client for <paramref name="proxy"/> uses, for verbose output (no credentials).</summary>
        internal static string? DescribeProxy(Uri? proxy)
        {
            if (proxy is not null) return new UriBuilder(proxy.Scheme, proxy.Host, proxy.Port).Uri.ToString();
            return ProxySettings.FromEnvironment()?.ToString();
        }

        private static HttpClient Create(Uri? proxy)
        {
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
            return new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        }
    }
}
