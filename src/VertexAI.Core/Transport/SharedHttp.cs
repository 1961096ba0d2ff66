using System;
using System.Net.Http;
using System.Reflection;

namespace VertexAI
{
    /// <summary>
    /// One HttpClient for the process: connections are pooled and reused across every request and cmdlet call.
    /// Timeouts are per attempt (cancellation tokens), so the client's own timeout is infinite.
    /// </summary>
    internal static class SharedHttp
    {
        internal static readonly string UserAgent =
            "VertexAI-PowerShell/" + (typeof(SharedHttp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0");

        private static readonly Lazy<HttpClient> s_client = new Lazy<HttpClient>(Create);

        internal static HttpClient Client => s_client.Value;

        private static HttpClient Create()
        {
            var handler = new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false };
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
