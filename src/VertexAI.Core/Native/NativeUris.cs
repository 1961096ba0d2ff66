using System;

namespace VertexAI.Native
{
    /// <summary>
    /// URIs of the native routes for an endpoint's settings: <c>{root}/{version}/projects/{p}/locations/{l}/…</c> and
    /// <c>{root}/{version}/publishers/google/models</c>. The root is the explicit base URI, else the regional host
    /// (<c>https://{location}-aiplatform.googleapis.com</c>), or <c>https://aiplatform.googleapis.com</c> for <c>global</c>.
    /// </summary>
    public static class NativeUris
    {
        /// <summary>The service root for <paramref name="location"/>, without a trailing slash.</summary>
        public static string Root(VertexEndpoint endpoint, string location)
        {
            if (endpoint is null) throw new ArgumentNullException(nameof(endpoint));
            // The endpoint's own root serves its location; another region (a cache named elsewhere) has its own host.
            return endpoint.BaseUri is not null || location == endpoint.Location
                ? endpoint.ServiceRoot.AbsoluteUri.TrimEnd('/')
                : location == "global" ? "https://aiplatform.googleapis.com" : $"https://{location}-aiplatform.googleapis.com";
        }

        /// <summary><c>{root}/{version}/projects/{p}/locations/{l}/{path}</c>; <paramref name="path"/> is already escaped.</summary>
        public static Uri InLocation(VertexEndpoint endpoint, string project, string location, string path, string? apiVersion = null) =>
            new Uri($"{Root(endpoint, location)}/{apiVersion ?? endpoint.ApiVersion}/projects/{Uri.EscapeDataString(project)}/locations/{Uri.EscapeDataString(location)}/{path}");

        /// <summary><c>{root}/{version}/projects/{p}/locations/{l}/publishers/google/models/{model}:{method}</c>.</summary>
        public static Uri ModelMethod(VertexEndpoint endpoint, string model, string method) =>
            endpoint.LocationUri(VertexEndpoint.PublisherModelName(model) + ":" + method);

        /// <summary>The bare model id: <c>google/gemini-2.5-flash</c>, <c>publishers/google/models/gemini-2.5-flash</c> → <c>gemini-2.5-flash</c>.</summary>
        public static string BareModelId(string model)
        {
            if (string.IsNullOrWhiteSpace(model)) throw new ArgumentException("A model id is required.", nameof(model));
            var m = model.Trim();
            var slash = m.LastIndexOf('/');
            return slash >= 0 ? m.Substring(slash + 1) : m;
        }
    }
}
