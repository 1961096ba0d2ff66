using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.RegularExpressions;

namespace VertexAI
{
    /// <summary>
    /// A resolved Chat Completions endpoint: managed Gemini (<c>endpoints/openapi</c>, regional or global) or a
    /// self-deployed endpoint, for API version <c>v1</c> or <c>v1beta1</c>.
    /// </summary>
    public sealed class VertexEndpoint
    {
        /// <summary>The environment variable read for the project, as Google's SDKs do.</summary>
        public const string ProjectVariable = "GOOGLE_CLOUD_PROJECT";

        /// <summary>The environment variable read for the location, as Google's SDKs do.</summary>
        public const string LocationVariable = "GOOGLE_CLOUD_LOCATION";

        /// <summary>The model used when none is given anywhere.</summary>
        public const string DefaultModel = "gemini-2.5-flash";

        /// <summary>The API versions this module speaks.</summary>
        public static readonly IReadOnlyList<string> ApiVersions = new[] { "v1", "v1beta1" };

        // Project ids are 6-30 lowercase letters/digits/hyphens; numbers and domain-scoped ids ("example.com:p") also occur.
        private static readonly Regex ProjectPattern = new Regex(@"^(?:[a-z0-9][a-z0-9.-]*:)?[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant);
        private static readonly Regex LocationPattern = new Regex(@"^[a-z][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant);
        private static readonly Regex EndpointPattern = new Regex(@"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$", RegexOptions.CultureInvariant);
        private static readonly Regex ModelPattern = new Regex(@"^[A-Za-z0-9][A-Za-z0-9._@:/-]{0,255}$", RegexOptions.CultureInvariant);

        private VertexEndpoint(string project, string location, string apiVersion, string? endpointId, Uri? baseUri, string? model)
        {
            Project = project;
            Location = location;
            ApiVersion = apiVersion;
            EndpointId = endpointId;
            BaseUri = baseUri;
            Model = model;
            ServiceRoot = BuildServiceRoot();
            ChatCompletionsUri = BuildUri();
        }

        /// <summary>The project.</summary>
        public string Project { get; }

        /// <summary>The location (<c>global</c> or a region).</summary>
        public string Location { get; }

        /// <summary><c>v1</c> or <c>v1beta1</c>.</summary>
        public string ApiVersion { get; }

        /// <summary>The self-deployed endpoint id, or null for managed Gemini.</summary>
        public string? EndpointId { get; }

        /// <summary>The explicit service root, if one was given.</summary>
        public Uri? BaseUri { get; }

        /// <summary>The model to send: <c>google/…</c> on the managed endpoint; possibly null when self-deployed.</summary>
        public string? Model { get; }

        /// <summary>Whether this is managed Gemini (<c>endpoints/openapi</c>).</summary>
        public bool IsManaged => EndpointId is null;

        /// <summary>The URL requests are POSTed to.</summary>
        public Uri ChatCompletionsUri { get; }

        /// <summary>
        /// The service root, ending in '/': <see cref="BaseUri"/>, else <c>https://{location}-aiplatform.googleapis.com/</c>
        /// (<c>https://aiplatform.googleapis.com/</c> for <c>global</c>).
        /// </summary>
        public Uri ServiceRoot { get; }

        /// <summary>The location's resource name, <c>projects/{project}/locations/{location}</c>.</summary>
        public string LocationName => $"projects/{Project}/locations/{Location}";

        /// <summary>
        /// A native Vertex AI REST URI: <c>{root}/{version}/{relativePath}</c> (e.g. <c>publishers/google/models</c>).
        /// The path is used as given (escape its segments); it may end in a query.
        /// </summary>
        public Uri ApiUri(string relativePath)
        {
            if (relativePath is null) throw new ArgumentNullException(nameof(relativePath));
            return new Uri(ServiceRoot, ApiVersion + "/" + relativePath.TrimStart('/'));
        }

        /// <summary>
        /// A native REST URI under this location: <c>{root}/{version}/projects/{project}/locations/{location}/{relativePath}</c>
        /// (e.g. <c>cachedContents</c>, <c>batchPredictionJobs/123:cancel</c>).
        /// </summary>
        public Uri LocationUri(string relativePath)
        {
            if (relativePath is null) throw new ArgumentNullException(nameof(relativePath));
            return ApiUri(LocationName + "/" + relativePath.TrimStart('/'));
        }

        /// <summary>
        /// A model's resource name as the native API takes it: <c>publishers/google/models/{id}</c> for a bare id or
        /// <c>google/{id}</c> (the Chat Completions form); a name that already starts with <c>publishers/</c> or
        /// <c>projects/</c> is kept.
        /// </summary>
        public static string PublisherModelName(string model)
        {
            if (string.IsNullOrWhiteSpace(model)) throw new ArgumentException("A model id is required.", "Model");
            model = model.Trim();
            if (!ModelPattern.IsMatch(model))
            {
                throw new ArgumentException($"'{model}' is not a valid model id: use an id such as 'gemini-2.5-flash'.", "Model");
            }
            if (model.StartsWith("publishers/", StringComparison.Ordinal) || model.StartsWith("projects/", StringComparison.Ordinal)) return model;
            var slash = model.IndexOf('/');
            return slash < 0 ? "publishers/google/models/" + model : $"publishers/{model.Substring(0, slash)}/models/{model.Substring(slash + 1)}";
        }

        /// <summary>
        /// Resolves an endpoint from the given values, then the environment
        /// (<c>GOOGLE_CLOUD_PROJECT</c>, <c>GOOGLE_CLOUD_LOCATION</c>). Throws <see cref="ArgumentException"/>
        /// naming what is missing or malformed and how to supply it.
        /// </summary>
        /// <param name="explicitSettings">Values given for this call, session defaults already folded in (may be null).</param>
        /// <param name="environment">Reads an environment variable; defaults to <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
        public static VertexEndpoint Resolve(EndpointSettings? explicitSettings, Func<string, string?>? environment = null)
        {
            environment ??= Environment.GetEnvironmentVariable;
            var e = explicitSettings ?? new EndpointSettings();

            var project = FirstNonEmpty(e.Project, environment(ProjectVariable));
            var location = FirstNonEmpty(e.Location, environment(LocationVariable));
            var missing = new List<string>();
            if (project is null) missing.Add($"the project (-Project, or the {ProjectVariable} environment variable)");
            if (location is null) missing.Add($"the location (-Location, e.g. 'global' or 'us-central1', or the {LocationVariable} environment variable)");
            if (missing.Count > 0)
            {
                throw new ArgumentException("Vertex AI needs " + string.Join(" and ", missing) + ".", missing.Count == 2 || project is null ? "Project" : "Location");
            }

            project = project!.Trim();
            location = location!.Trim().ToLowerInvariant();
            if (!ProjectPattern.IsMatch(project))
            {
                throw new ArgumentException($"'{project}' is not a valid Google Cloud project id: use lowercase letters, digits and hyphens (e.g. 'my-project-123') or the project number.", "Project");
            }
            if (!LocationPattern.IsMatch(location))
            {
                throw new ArgumentException($"'{location}' is not a valid location: use 'global' or a region such as 'us-central1'.", "Location");
            }

            var version = (FirstNonEmpty(e.ApiVersion) ?? "v1").Trim().ToLowerInvariant();
            if (!ApiVersions.Contains(version))
            {
                throw new ArgumentException($"'{version}' is not a supported API version: use 'v1' or 'v1beta1'.", "ApiVersion");
            }

            // An endpoint id given explicitly wins; "openapi" names the managed endpoint itself.
            var endpointId = FirstNonEmpty(e.EndpointId)?.Trim();
            if (string.Equals(endpointId, "openapi", StringComparison.OrdinalIgnoreCase)) endpointId = null;
            if (endpointId is not null && !EndpointPattern.IsMatch(endpointId))
            {
                throw new ArgumentException($"'{endpointId}' is not a valid endpoint id: use the numeric id (or name) shown by 'gcloud ai endpoints list'.", "Endpoint");
            }

            var baseUri = e.BaseUri;
            if (baseUri is not null) ValidateBaseUri(baseUri);

            var model = FirstNonEmpty(e.Model)?.Trim();
            if (model is not null && !ModelPattern.IsMatch(model))
            {
                throw new ArgumentException($"'{model}' is not a valid model id: use an id such as 'gemini-2.5-flash' or 'google/gemini-2.5-flash'.", "Model");
            }
            if (endpointId is null)
            {
                model = WithPublisher(model ?? DefaultModel);
            }

            return new VertexEndpoint(project, location, version, endpointId, baseUri, model);
        }

        /// <summary>
        /// The model id a request sends: <paramref name="model"/> (a per-request override), else this endpoint's own; on the
        /// managed endpoint a bare id gets Google's publisher prefix (<c>gemini-2.5-flash</c> → <c>google/gemini-2.5-flash</c>).
        /// Null when neither is set (a self-deployed endpoint serves its one model).
        /// </summary>
        /// <param name="model">The request's model, or null for the endpoint's.</param>
        public string? ModelIdFor(string? model)
        {
            var id = model ?? Model;
            return id is not null && IsManaged ? WithPublisher(id) : id;
        }

        // The managed endpoint wants publisher/model; a bare Gemini id gets Google's prefix. The one place it is added
        // (batch output, whose lines name the bare model version, is read through it too).
        internal static string WithPublisher(string model) => model.IndexOf('/') < 0 ? "google/" + model : model;

        /// <summary>Whether <paramref name="value"/> has the form of a Google Cloud project id or number.</summary>
        public static bool IsProjectId(string value) => ProjectPattern.IsMatch(value);

        /// <summary>
        /// Refuses anything but https, except plain http to a loopback address (a local emulator or test server):
        /// a token must never cross a network in clear text.
        /// </summary>
        public static void ValidateBaseUri(Uri baseUri)
        {
            if (!baseUri.IsAbsoluteUri)
            {
                throw new ArgumentException($"'{baseUri}' is not an absolute URI: give the service root, e.g. 'https://us-central1-aiplatform.googleapis.com/'.", "BaseUri");
            }
            if (baseUri.Scheme == Uri.UriSchemeHttps) return;
            if (baseUri.Scheme == Uri.UriSchemeHttp)
            {
                if (IsLoopback(baseUri)) return;
                throw new ArgumentException($"'{baseUri}' uses plain http to a host that is not loopback; access tokens must not travel unencrypted. Use https.", "BaseUri");
            }
            throw new ArgumentException($"'{baseUri}' has the scheme '{baseUri.Scheme}'; only https (or http to a loopback address) is allowed.", "BaseUri");
        }

        /// <summary>Whether the URI's host is a loopback address (<c>localhost</c>, 127.0.0.0/8, <c>[::1]</c>).</summary>
        public static bool IsLoopback(Uri uri)
        {
            if (uri.IsLoopback) return true;
            return IPAddress.TryParse(uri.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip);
        }

        private Uri BuildServiceRoot()
            => new Uri((BaseUri is not null
                ? BaseUri.AbsoluteUri.TrimEnd('/')
                // The global location has no regional host prefix.
                : Location == "global" ? "https://aiplatform.googleapis.com" : $"https://{Location}-aiplatform.googleapis.com") + "/");

        private Uri BuildUri()
        {
            var root = ServiceRoot.AbsoluteUri.TrimEnd('/');
            var endpoint = EndpointId ?? "openapi";
            return new Uri($"{root}/{ApiVersion}/projects/{Uri.EscapeDataString(Project)}/locations/{Location}/endpoints/{Uri.EscapeDataString(endpoint)}/chat/completions");
        }

        /// <inheritdoc/>
        public override string ToString() => ChatCompletionsUri.AbsoluteUri;

        private static string? FirstNonEmpty(params string?[] values)
        {
            foreach (var v in values)
            {
                if (!string.IsNullOrWhiteSpace(v)) return v;
            }
            return null;
        }
    }
}
