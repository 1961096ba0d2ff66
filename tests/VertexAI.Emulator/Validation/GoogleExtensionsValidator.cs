using System.Text.Json;
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>
/// Checks Gemini's own request settings on the Chat Completions API: <c>web_search_options</c> and, under
/// <c>extra_body.google</c>, <c>safety_settings</c>, <c>cached_content</c> and <c>media_resolution</c>. Each failure is the
/// message of a 400 INVALID_ARGUMENT.
/// </summary>
/// <remarks>
/// The values are the native API's (Vertex AI v1 reference, google.cloud.aiplatform.v1): <c>SafetySetting</c>
/// {category: HarmCategory, threshold: HarmBlockThreshold, method: HarmBlockMethod}; <c>cachedContent</c>, a resource name
/// projects/{project}/locations/{location}/cachedContents/{id}; <c>MediaResolution</c>. An unknown enum name is refused
/// the way Google's JSON parser words it ("Invalid value at '…' (type.googleapis.com/…), \"X\""). Vertex does not document
/// what <c>web_search_options</c> takes on this endpoint; OpenAI's members (search_context_size, user_location) are
/// checked for their OpenAI types, anything else in the object is left alone, as Vertex ignores unsupported parameters.
/// </remarks>
internal static class GoogleExtensionsValidator
{
    private const string TypePrefix = "type.googleapis.com/google.cloud.aiplatform.v1.";

    // Every name of each enum (the UNSPECIFIED values parse, so they are accepted as Google's parser accepts them).
    private static readonly HashSet<string> HarmCategories =
    [
        "HARM_CATEGORY_UNSPECIFIED", "HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_DANGEROUS_CONTENT", "HARM_CATEGORY_HARASSMENT",
        "HARM_CATEGORY_SEXUALLY_EXPLICIT", "HARM_CATEGORY_CIVIC_INTEGRITY", "HARM_CATEGORY_JAILBREAK",
    ];

    private static readonly HashSet<string> Thresholds =
    [
        "HARM_BLOCK_THRESHOLD_UNSPECIFIED", "BLOCK_LOW_AND_ABOVE", "BLOCK_MEDIUM_AND_ABOVE", "BLOCK_ONLY_HIGH", "BLOCK_NONE", "OFF",
    ];

    private static readonly HashSet<string> Methods = ["HARM_BLOCK_METHOD_UNSPECIFIED", "SEVERITY", "PROBABILITY"];

    private static readonly HashSet<string> MediaResolutions =
        ["MEDIA_RESOLUTION_UNSPECIFIED", "MEDIA_RESOLUTION_LOW", "MEDIA_RESOLUTION_MEDIUM", "MEDIA_RESOLUTION_HIGH"];

    private static readonly HashSet<string> SearchContextSizes = ["low", "medium", "high"];

    private static readonly System.Text.RegularExpressions.Regex CacheName =
        new(@"^projects/(?<project>[^/\s]+)/locations/(?<location>[^/\s]+)/cachedContents/(?<id>[^/\s]+)$");

    /// <returns>null when acceptable, else the error message.</returns>
    public static string? Validate(JsonObject request, ChatRoute route)
    {
        var google = request["extra_body"]?["google"] as JsonObject;
        return ValidateWebSearch(request["web_search_options"])
            ?? ValidateSafetySettings(google?["safety_settings"])
            ?? ValidateCachedContent(google, route)
            ?? ValidateMediaResolution(google?["media_resolution"]);
    }

    /// <summary>The full cache name a valid request names, else null.</summary>
    public static string? CachedContentOf(JsonObject request) =>
        request["extra_body"]?["google"]?["cached_content"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static string? ValidateWebSearch(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject options)
        {
            return "web_search_options: must be an object.";
        }

        if (options["search_context_size"] is { } size && (!IsString(size, out var s) || !SearchContextSizes.Contains(s)))
        {
            return "web_search_options.search_context_size: must be one of low, medium, high.";
        }

        return options["user_location"] is { } location and not JsonObject ? "web_search_options.user_location: must be an object." : null;
    }

    private static string? ValidateSafetySettings(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonArray settings)
        {
            return "extra_body.google.safety_settings: must be an array of {category, threshold, method?} objects.";
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < settings.Count; i++)
        {
            var path = $"safety_settings[{i}]";
            if (settings[i] is not JsonObject setting)
            {
                return $"extra_body.google.{path}: must be an object with category and threshold.";
            }

            foreach (var (key, _) in setting)
            {
                if (key is not ("category" or "threshold" or "method"))
                {
                    return $"Invalid JSON payload received. Unknown name \"{key}\" at 'extra_body.google.{path}': Cannot find field.";
                }
            }

            if (EnumError(setting["category"], $"{path}.category", "HarmCategory", HarmCategories, required: true) is { } categoryError)
            {
                return categoryError;
            }

            if (EnumError(setting["threshold"], $"{path}.threshold", "SafetySetting.HarmBlockThreshold", Thresholds, required: true) is { } thresholdError)
            {
                return thresholdError;
            }

            if (EnumError(setting["method"], $"{path}.method", "SafetySetting.HarmBlockMethod", Methods, required: false) is { } methodError)
            {
                return methodError;
            }

            if (!seen.Add(setting["category"]!.GetValue<string>()))
            {
                return $"extra_body.google.{path}.category: {setting["category"]} is set more than once; each harm category may be given once.";
            }
        }

        return null;
    }

    private static string? ValidateCachedContent(JsonObject? google, ChatRoute route)
    {
        if (google?["cached_content"] is not { } node)
        {
            return null;
        }

        if (!IsString(node, out var name) || !CacheName.IsMatch(name))
        {
            return $"extra_body.google.cached_content: must be a resource name projects/{{project}}/locations/{{location}}/cachedContents/{{id}}, got {Cut(node.ToJsonString())}.";
        }

        var match = CacheName.Match(name);
        if (route.Location == "global")
        {
            return "Context caching is not supported in location global: cached_content needs a regional endpoint, the location the cache was created in.";
        }

        var location = match.Groups["location"].Value;
        if (location != route.Location)
        {
            return $"extra_body.google.cached_content: '{name}' is in location {location}, but this request is served in {route.Location}; a cache is used only in its own location.";
        }

        return null;
    }

    private static string? ValidateMediaResolution(JsonNode? node) =>
        EnumError(node, "media_resolution", "GenerationConfig.MediaResolution", MediaResolutions, required: false);

    private static string? EnumError(JsonNode? node, string path, string enumType, HashSet<string> names, bool required)
    {
        if (node is null)
        {
            return required ? $"extra_body.google.{path}: is required." : null;
        }

        if (IsString(node, out var value) && names.Contains(value))
        {
            return null;
        }

        return $"Invalid value at 'extra_body.google.{path}' ({TypePrefix}{enumType}), {Cut(node.ToJsonString())}";
    }

    private static string Cut(string value) => value.Length <= 80 ? value : value[..80] + "...";

    private static bool IsString(JsonNode? node, out string value)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            value = v.GetValue<string>();
            return true;
        }

        value = string.Empty;
        return false;
    }
}
