using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using VertexAI.Json;

namespace VertexAI
{
    /// <summary>
    /// Gemini's own request settings on the Chat Completions API: Grounding with Google Search (<c>web_search_options</c>),
    /// safety settings, a context cache and the media resolution (<c>extra_body.google.safety_settings</c>,
    /// <c>cached_content</c>, <c>media_resolution</c>). Values are checked against Vertex's enums before anything is sent.
    /// </summary>
    /// <remarks>
    /// Sources. The keys under <c>extra_body.google</c> are listed by Vertex's "Using OpenAI libraries with Vertex AI"
    /// (and PROTOCOL.md); their values are those of the native API, which the endpoint passes on:
    /// <c>SafetySetting</c> {category, threshold, method} with the enums <c>HarmCategory</c>, <c>HarmBlockThreshold</c>,
    /// <c>HarmBlockMethod</c>; <c>GenerateContentRequest.cachedContent</c>, a resource name
    /// <c>projects/{project}/locations/{location}/cachedContents/{id}</c>; <c>GenerationConfig.mediaResolution</c>, the enum
    /// <c>MediaResolution</c> (Vertex AI v1 reference, google.cloud.aiplatform.v1). Vertex does not document whether
    /// <c>media_resolution</c> here also takes OpenAI-style lower-case words, so the enum names are sent.
    /// </remarks>
    public static class GoogleOptions
    {
        /// <summary>HarmCategory values a safety setting may name (HARM_CATEGORY_UNSPECIFIED excepted). CIVIC_INTEGRITY
        /// is deprecated by Google but still in the enum.</summary>
        public static readonly IReadOnlyList<string> HarmCategories = new[]
        {
            "HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_DANGEROUS_CONTENT", "HARM_CATEGORY_HARASSMENT",
            "HARM_CATEGORY_SEXUALLY_EXPLICIT", "HARM_CATEGORY_CIVIC_INTEGRITY", "HARM_CATEGORY_JAILBREAK",
        };

        /// <summary>HarmBlockThreshold values (HARM_BLOCK_THRESHOLD_UNSPECIFIED excepted), strictest first.</summary>
        public static readonly IReadOnlyList<string> HarmBlockThresholds = new[]
        {
            "BLOCK_LOW_AND_ABOVE", "BLOCK_MEDIUM_AND_ABOVE", "BLOCK_ONLY_HIGH", "BLOCK_NONE", "OFF",
        };

        /// <summary>HarmBlockMethod values: whether the threshold applies to the severity or the probability score.</summary>
        public static readonly IReadOnlyList<string> HarmBlockMethods = new[] { "SEVERITY", "PROBABILITY" };

        /// <summary>The media resolutions -MediaResolution offers, as the words the cmdlets take.</summary>
        public static readonly IReadOnlyList<string> MediaResolutions = new[] { "low", "medium", "high" };

        /// <summary>Vertex has no context caches in this location.</summary>
        public const string GlobalLocation = "global";

        private const string CachePrefix = "cachedContents/";

        private static readonly Regex CacheName = new Regex(
            @"^projects/(?<project>[^/\s]+)/locations/(?<location>[^/\s]+)/cachedContents/(?<id>[^/\s]+)$", RegexOptions.CultureInvariant);

        private static readonly Regex CacheId = new Regex(@"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$", RegexOptions.CultureInvariant);

        /// <summary>Asks for Grounding with Google Search: <c>web_search_options</c> (an empty object unless options are given).</summary>
        public static void SetGoogleSearch(ChatRequest request, IDictionary<string, object?>? options = null)
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            request.WebSearchOptions = options ?? new Dictionary<string, object?>(StringComparer.Ordinal);
        }

        /// <summary>
        /// One safety setting as Vertex takes it (<c>{category, threshold[, method]}</c>), names checked and upper-cased; the
        /// <c>HARM_CATEGORY_</c> prefix may be left out. Throws <see cref="ArgumentException"/> naming the bad value.
        /// </summary>
        public static Dictionary<string, object?> SafetySetting(string category, string threshold, string? method = null, string paramName = "SafetySetting")
        {
            var c = Normalize(category);
            if (c.Length > 0 && !c.StartsWith("HARM_CATEGORY_", StringComparison.Ordinal)) c = "HARM_CATEGORY_" + c;
            if (!HarmCategories.Contains(c))
            {
                throw new ArgumentException($"'{category}' is not a harm category. Use one of: {string.Join(", ", HarmCategories)}.", paramName);
            }
            var t = Normalize(threshold);
            if (!HarmBlockThresholds.Contains(t))
            {
                throw new ArgumentException($"'{threshold}' (for {c}) is not a block threshold. Use one of: {string.Join(", ", HarmBlockThresholds)}.", paramName);
            }
            var setting = new Dictionary<string, object?>(StringComparer.Ordinal) { ["category"] = c, ["threshold"] = t };
            if (!string.IsNullOrWhiteSpace(method))
            {
                var m = Normalize(method!);
                if (!HarmBlockMethods.Contains(m))
                {
                    throw new ArgumentException($"'{method}' (for {c}) is not a block method. Use SEVERITY or PROBABILITY.", paramName);
                }
                setting["method"] = m;
            }
            return setting;
        }

        /// <summary>Sets <c>extra_body.google.safety_settings</c>; each category at most once.</summary>
        public static void SetSafetySettings(ChatRequest request, IReadOnlyList<Dictionary<string, object?>> settings, string paramName = "SafetySetting")
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            if (settings is null || settings.Count == 0) throw new ArgumentException("Give at least one safety setting.", paramName);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var s in settings)
            {
                var category = (string)s["category"]!;
                if (!seen.Add(category)) throw new ArgumentException($"{category} is given twice; give each harm category once.", paramName);
            }
            ThinkingOptions.SetExtraBodyGoogle(request, "safety_settings", settings.Cast<object?>().ToArray());
        }

        /// <summary>Sets <c>extra_body.google.media_resolution</c> from low, medium or high (or the enum name itself).</summary>
        public static void SetMediaResolution(ChatRequest request, string level, string paramName = "MediaResolution")
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            var value = Normalize(level);
            if (!value.StartsWith("MEDIA_RESOLUTION_", StringComparison.Ordinal)) value = "MEDIA_RESOLUTION_" + value;
            if (!MediaResolutions.Any(r => "MEDIA_RESOLUTION_" + r.ToUpperInvariant() == value))
            {
                throw new ArgumentException($"'{level}' is not a media resolution: use low, medium or high.", paramName);
            }
            ThinkingOptions.SetExtraBodyGoogle(request, "media_resolution", value);
        }

        /// <summary>
        /// Sets <c>extra_body.google.cached_content</c>: a full name (<c>projects/{p}/locations/{l}/cachedContents/{id}</c>),
        /// or a bare id (or <c>cachedContents/{id}</c>) that <see cref="ForEndpoint"/> completes with the endpoint's project
        /// and location.
        /// </summary>
        public static void SetCachedContent(ChatRequest request, string name, string paramName = "CachedContent")
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            var value = (name ?? string.Empty).Trim();
            if (!CacheName.IsMatch(value) && !CacheId.IsMatch(StripPrefix(value)))
            {
                throw new ArgumentException(
                    $"'{name}' is not a context cache name: give projects/{{project}}/locations/{{location}}/cachedContents/{{id}}, or the cache's id.", paramName);
            }
            ThinkingOptions.SetExtraBodyGoogle(request, "cached_content", value);
        }

        /// <summary>
        /// Checks the request's context cache against where it goes, and returns the request to send: the same one, or (when
        /// a bare cache id must be completed) a copy with its own <c>extra_body</c>. A cache is refused on location
        /// <c>global</c> (Vertex has no context caches there) and in a location other than the endpoint's.
        /// </summary>
        public static ChatRequest ForEndpoint(ChatRequest request, VertexEndpoint endpoint, string paramName = "CachedContent")
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            if (endpoint is null) throw new ArgumentNullException(nameof(endpoint));
            if (!(PlainJson.GetPath(request.ExtraBody, ExtraContent.Google, "cached_content") is string cache)) return request;

            var match = CacheName.Match(cache);
            if (string.Equals(endpoint.Location, GlobalLocation, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException(
                    $"Vertex AI has no context caches in location 'global', so the cache '{cache}' cannot be used there. Send the request to the region the cache was created in (-Location {(match.Success ? match.Groups["location"].Value : "us-central1")}).",
                    paramName);
            }
            if (match.Success)
            {
                var location = match.Groups["location"].Value;
                if (!string.Equals(location, endpoint.Location, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArgumentException(
                        $"The context cache '{cache}' is in location '{location}', but the request goes to '{endpoint.Location}': a cache is used only in its own location (-Location {location}).",
                        paramName);
                }
                return request;
            }

            var full = $"projects/{endpoint.Project}/locations/{endpoint.Location}/cachedContents/{StripPrefix(cache)}";
            var copy = request.ShallowCopy();
            copy.ExtraBody = (Dictionary<string, object?>)PlainJson.Clone(ToPlainMap(request.ExtraBody!))!;
            ThinkingOptions.SetExtraBodyGoogle(copy, "cached_content", full);
            return copy;
        }

        private static Dictionary<string, object?> ToPlainMap(IDictionary<string, object?> map)
            => map as Dictionary<string, object?> ?? new Dictionary<string, object?>(map, StringComparer.Ordinal);

        private static string StripPrefix(string value)
            => value.StartsWith(CachePrefix, StringComparison.Ordinal) ? value.Substring(CachePrefix.Length) : value;

        private static string Normalize(string value) => (value ?? string.Empty).Trim().ToUpperInvariant().Replace('-', '_');
    }
}
