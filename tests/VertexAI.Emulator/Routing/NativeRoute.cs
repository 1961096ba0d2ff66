namespace VertexAI.Emulator;

/// <summary>Which native Vertex AI REST method a path names.</summary>
internal enum NativeKind
{
    /// <summary><c>/{v}/projects/{p}/locations/{l}/cachedContents</c> (POST create, GET list).</summary>
    CachedContents,

    /// <summary><c>/{v}/projects/{p}/locations/{l}/cachedContents/{id}</c> (GET, PATCH, DELETE).</summary>
    CachedContent,

    /// <summary><c>/{v}/projects/{p}/locations/{l}/publishers/google/models/{model}:countTokens</c> (POST).</summary>
    CountTokens,

    /// <summary><c>/{v}/projects/{p}/locations/{l}/publishers/google/models/{model}:predict</c> (POST).</summary>
    Predict,

    /// <summary><c>/{v}/publishers/google/models</c> (GET): the only route here without a project in its path.</summary>
    PublisherModels,
}

/// <summary>
/// The parts of a native Vertex AI path. Shapes from Google's REST reference
/// (cloud.google.com/vertex-ai/docs/reference/rest: projects.locations.cachedContents, publishers.models.countTokens,
/// publishers.models.predict, publishers.models.list).
/// </summary>
internal sealed record NativeRoute(NativeKind Kind, string ApiVersion, string? Project, string? Location, string? Resource)
{
    /// <summary>
    /// Versions Vertex serves each method on. <c>publishers.models.list</c> exists only in v1beta1 (the v1
    /// ModelGardenService has GetPublisherModel alone: the v1 reference and the v1 client libraries list no ListPublisherModels).
    /// </summary>
    public bool IsKnownVersion => Kind == NativeKind.PublisherModels ? ApiVersion == "v1beta1" : ApiVersion is "v1" or "v1beta1";

    /// <summary>The parent of the cache collection, <c>projects/{p}/locations/{l}</c>.</summary>
    public string Parent => $"projects/{Project}/locations/{Location}";

    /// <summary>The gRPC method name Google puts in ErrorInfo metadata.</summary>
    public string MethodName(string httpMethod) => Kind switch
    {
        NativeKind.CachedContents => $"google.cloud.aiplatform.{ApiVersion}.GenAiCacheService." + (httpMethod == "GET" ? "ListCachedContents" : "CreateCachedContent"),
        NativeKind.CachedContent => $"google.cloud.aiplatform.{ApiVersion}.GenAiCacheService." + httpMethod switch
        {
            "PATCH" => "UpdateCachedContent",
            "DELETE" => "DeleteCachedContent",
            _ => "GetCachedContent",
        },
        NativeKind.CountTokens => $"google.cloud.aiplatform.{ApiVersion}.LlmUtilityService.CountTokens",
        NativeKind.Predict => $"google.cloud.aiplatform.{ApiVersion}.PredictionService.Predict",
        _ => $"google.cloud.aiplatform.{ApiVersion}.ModelGardenService.ListPublisherModels",
    };

    /// <summary>Parses a native path (Kestrel has already decoded <c>%3A</c> to <c>:</c>); null for anything else.</summary>
    public static NativeRoute? TryParse(string path)
    {
        var s = path.Split('/');
        if (s.Length < 5 || s[0].Length != 0 || s.Skip(1).Any(x => x.Length == 0))
        {
            return null;
        }

        var version = s[1];
        if (s.Length == 5 && s[2] == "publishers" && s[3] == "google" && s[4] == "models")
        {
            return new NativeRoute(NativeKind.PublisherModels, version, null, null, null);
        }

        if (s.Length < 7 || s[2] != "projects" || s[4] != "locations")
        {
            return null;
        }

        var project = Uri.UnescapeDataString(s[3]);
        var location = Uri.UnescapeDataString(s[5]);
        if (s[6] == "cachedContents")
        {
            return s.Length switch
            {
                7 => new NativeRoute(NativeKind.CachedContents, version, project, location, null),
                8 => new NativeRoute(NativeKind.CachedContent, version, project, location, Uri.UnescapeDataString(s[7])),
                _ => null,
            };
        }

        if (s.Length == 10 && s[6] == "publishers" && s[7] == "google" && s[8] == "models")
        {
            var colon = s[9].LastIndexOf(':');
            if (colon <= 0)
            {
                return null;
            }

            var model = Uri.UnescapeDataString(s[9][..colon]);
            return s[9][(colon + 1)..] switch
            {
                "countTokens" => new NativeRoute(NativeKind.CountTokens, version, project, location, model),
                "predict" => new NativeRoute(NativeKind.Predict, version, project, location, model),
                _ => null,
            };
        }

        return null;
    }
}
