using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;

namespace VertexAI
{
    /// <summary>
    /// Proxies: an explicit one, or the standard environment variables (<c>HTTPS_PROXY</c>, <c>HTTP_PROXY</c>,
    /// <c>ALL_PROXY</c>, <c>NO_PROXY</c>, upper or lower case) read the same way on every runtime (.NET Framework, under
    /// Windows PowerShell, does not read them by itself).
    /// </summary>
    public static class ProxySettings
    {
        /// <summary>Checks a proxy address: absolute http or https, no path.</summary>
        public static void Validate(Uri proxy)
        {
            if (!proxy.IsAbsoluteUri || (proxy.Scheme != Uri.UriSchemeHttp && proxy.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"'{proxy}' is not a proxy address: use http://host:port (or https://host:port).", "Proxy");
            }
        }

        /// <summary>A proxy for an explicit address (user:password in the address become its credentials).</summary>
        public static IWebProxy Create(Uri proxy)
        {
            Validate(proxy);
            var address = new UriBuilder(proxy.Scheme, proxy.Host, proxy.Port).Uri;
            var webProxy = new WebProxy(address) { BypassProxyOnLocal = false };
            if (!string.IsNullOrEmpty(proxy.UserInfo))
            {
                var parts = proxy.UserInfo.Split(new[] { ':' }, 2);
                webProxy.Credentials = new NetworkCredential(Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty);
            }
            return webProxy;
        }

        /// <summary>
        /// The proxy the environment names for https requests (this API is https; plain http only reaches loopback,
        /// which is never proxied from the environment), or null when none is set.
        /// </summary>
        public static EnvironmentProxy? FromEnvironment(Func<string, string?>? environment = null)
        {
            environment ??= Environment.GetEnvironmentVariable;
            string? Read(string name) => FirstNonEmpty(environment(name), environment(name.ToLowerInvariant()));
            var value = Read("HTTPS_PROXY") ?? Read("HTTP_PROXY") ?? Read("ALL_PROXY");
            if (value is null) return null;
            if (value.IndexOf("://", StringComparison.Ordinal) < 0) value = "http://" + value;
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                return null;
            }
            var bypass = (Read("NO_PROXY") ?? string.Empty)
                .Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(s => s.Trim().ToLowerInvariant())
                .ToArray();
            return new EnvironmentProxy(uri, bypass);
        }

        private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
    }

    /// <summary>A proxy from the environment with its <c>NO_PROXY</c> list (loopback is always direct).</summary>
    public sealed class EnvironmentProxy : IWebProxy
    {
        private readonly IWebProxy _proxy;
        private readonly IReadOnlyList<string> _bypass;

        internal EnvironmentProxy(Uri address, IReadOnlyList<string> bypass)
        {
            Address = address;
            _bypass = bypass;
            _proxy = ProxySettings.Create(address);
        }

        /// <summary>The proxy's address.</summary>
        public Uri Address { get; }

        /// <inheritdoc/>
        public ICredentials? Credentials
        {
            get => _proxy.Credentials;
            set => _proxy.Credentials = value;
        }

        /// <inheritdoc/>
        public Uri GetProxy(Uri destination) => IsBypassed(destination) ? destination : _proxy.GetProxy(destination)!;

        /// <summary>Loopback, <c>*</c>, and hosts matching a NO_PROXY entry (exact, or a domain suffix such as <c>.corp</c> or <c>corp</c>) go direct.</summary>
        public bool IsBypassed(Uri host)
        {
            if (VertexEndpoint.IsLoopback(host)) return true;
            var name = host.Host.ToLowerInvariant();
            foreach (var entry in _bypass)
            {
                if (entry == "*") return true;
                var domain = entry.TrimStart('*').TrimStart('.');
                var port = domain.LastIndexOf(':');
                if (port > 0 && !domain.EndsWith("]", StringComparison.Ordinal))
                {
                    if (domain.Substring(port + 1) != host.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)) continue;
                    domain = domain.Substring(0, port);
                }
                if (name == domain || name.EndsWith("." + domain, StringComparison.Ordinal)) return true;
            }
            return false;
        }

        /// <inheritdoc/>
        public override string ToString() => new UriBuilder(Address.Scheme, Address.Host, Address.Port).Uri.ToString();
    }
}
