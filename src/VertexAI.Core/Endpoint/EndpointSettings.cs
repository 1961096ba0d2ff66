using System;

namespace VertexAI
{
    /// <summary>
    /// Where requests go, as given by one source (parameters, session defaults). Null members fall through to the
    /// next source; see <see cref="VertexEndpoint.Resolve"/>.
    /// </summary>
    public sealed class EndpointSettings
    {
        /// <summary>The Google Cloud project id (or number).</summary>
        public string? Project { get; set; }

        /// <summary>The location: a region such as <c>us-central1</c>, or <c>global</c>.</summary>
        public string? Location { get; set; }

        /// <summary><c>v1</c> (default) or <c>v1beta1</c>.</summary>
        public string? ApiVersion { get; set; }

        /// <summary>A self-deployed endpoint's id; null for managed Gemini (<c>endpoints/openapi</c>).</summary>
        public string? EndpointId { get; set; }

        /// <summary>A service root to use instead of Google's host (a proxy, a private endpoint, a local emulator).</summary>
        public Uri? BaseUri { get; set; }

        /// <summary>The model id (a <c>google/</c> prefix is added on the managed endpoint when missing).</summary>
        public string? Model { get; set; }
    }
}
