// publishers.models.list (cloud.google.com/vertex-ai/docs/reference/rest/v1beta1/publishers.models/list), v1beta1 only:
//   GET /v1beta1/{parent=publishers/*}/models?filter&pageSize&pageToken&view&orderBy&languageCode&listAllVersions
//   reply {publisherModels:[PublisherModel], nextPageToken}
// PublisherModel: name ("publishers/google/models/{id}"), versionId, openSourceCategory (PROPRIETARY, ...),
//   launchStage (EXPERIMENTAL, PRIVATE_PREVIEW, PUBLIC_PREVIEW, GA), versionState (VERSION_STATE_STABLE/UNSTABLE),
//   publisherModelTemplate, supportedActions, frameworks ... (the emulator sends the first six).
// view: PUBLISHER_MODEL_VIEW_UNSPECIFIED, PUBLISHER_MODEL_VIEW_BASIC, PUBLISHER_MODEL_VIEW_FULL, PUBLISHER_MODEL_VERSION_VIEW_BASIC.
// "filter" is "the standard list filter" without a documented grammar for this method: the emulator accepts and ignores it.
// The catalogue below is the emulator's own (a mix of Gemini and non-Gemini models, as the real list has).
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

internal static class PublisherModelsHandler
{
    private static readonly string[] Views = ["PUBLISHER_MODEL_VIEW_UNSPECIFIED", "PUBLISHER_MODEL_VIEW_BASIC", "PUBLISHER_MODEL_VIEW_FULL", "PUBLISHER_MODEL_VERSION_VIEW_BASIC"];

    /// <summary>(id, version, launch stage, latest version of its model?)</summary>
    public static readonly IReadOnlyList<(string Id, string Version, string LaunchStage, bool Latest)> Catalogue =
    [
        ("gemini-2.0-flash", "001", "GA", true),
        ("gemini-2.0-flash-lite", "001", "GA", true),
        ("gemini-2.5-flash", "default", "GA", true),
        ("gemini-2.5-flash", "preview-05-20", "PUBLIC_PREVIEW", false),
        ("gemini-2.5-flash-lite", "default", "GA", true),
        ("gemini-2.5-pro", "default", "GA", true),
        ("gemini-2.5-pro", "preview-06-05", "PUBLIC_PREVIEW", false),
        ("gemini-3-flash-preview", "default", "PUBLIC_PREVIEW", true),
        ("gemini-3-pro-preview", "default", "PUBLIC_PREVIEW", true),
        ("gemini-embedding-001", "default", "GA", true),
        ("imagen-4.0-generate-001", "default", "GA", true),
        ("text-embedding-005", "default", "GA", true),
        ("veo-3.0-generate-001", "default", "GA", true),
        ("gemini-2.5-flash-image", "default", "GA", true),
    ];

    public static NativeAnswer Handle(IQueryCollection query, int defaultPageSize)
    {
        if (query.TryGetValue("view", out var view) && !Views.Contains(view.ToString()))
        {
            return NativeAnswer.Invalid($"Invalid value at 'view' (type.googleapis.com/google.cloud.aiplatform.v1beta1.PublisherModelView), \"{view}\"");
        }

        var allVersions = false;
        if (query.TryGetValue("listAllVersions", out var all) || query.TryGetValue("list_all_versions", out all))
        {
            if (!bool.TryParse(all.ToString(), out allVersions)) return NativeAnswer.Invalid($"Invalid value at 'list_all_versions' (TYPE_BOOL), \"{all}\"");
        }

        var models = Catalogue.Select((m, i) => (Model: m, Index: (long)i)).Where(m => allVersions || m.Model.Latest).ToList();
        if (Paging.TryPage(query, "publishers/google/models:" + allVersions, defaultPageSize, models, m => m.Index, out var page, out var next) is { } problem) return problem;
        return NativeAnswer.Ok(Paging.Response("publisherModels", page.Select(p => p.Model).Select(m => (JsonNode)new JsonObject
        {
            ["name"] = "publishers/google/models/" + m.Id,
            ["versionId"] = m.Version,
            ["openSourceCategory"] = "PROPRIETARY",
            ["launchStage"] = m.LaunchStage,
            ["versionState"] = m.LaunchStage == "GA" ? "VERSION_STATE_STABLE" : "VERSION_STATE_UNSTABLE",
            ["publisherModelTemplate"] = $"projects/{{project}}/locations/{{location}}/publishers/google/models/{m.Id}@{m.Version}",
        }), next));
    }
}
