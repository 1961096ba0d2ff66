using System.Collections.Generic;
using System.Text.Json;
using VertexAI.Native;

namespace VertexAI
{
    /// <summary>A model Vertex AI offers (a PublisherModel of publisher <c>google</c>).</summary>
    public sealed class GeminiModel : JsonModel
    {
        /// <summary>The model id, e.g. <c>gemini-2.5-flash</c>: what <c>-Model</c> takes.</summary>
        public string Id => NativeUris.BareModelId(Name);

        /// <summary>The resource name, <c>publishers/google/models/{id}</c>.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The version (<c>versionId</c>), e.g. <c>001</c> or <c>default</c>.</summary>
        public string? VersionId { get; set; }

        /// <summary><c>EXPERIMENTAL</c>, <c>PRIVATE_PREVIEW</c>, <c>PUBLIC_PREVIEW</c> or <c>GA</c>.</summary>
        public string? LaunchStage { get; set; }

        /// <summary><c>VERSION_STATE_STABLE</c> or <c>VERSION_STATE_UNSTABLE</c>, when reported.</summary>
        public string? VersionState { get; set; }

        /// <summary><c>PROPRIETARY</c> for Google's own models.</summary>
        public string? OpenSourceCategory { get; set; }

        /// <summary>The template of the resource name of a version (<c>publisherModelTemplate</c>).</summary>
        public string? PublisherModelTemplate { get; set; }

        /// <summary>Reads a PublisherModel.</summary>
        public static GeminiModel FromJson(JsonElement json)
        {
            var model = new GeminiModel
            {
                Name = NativeJson.String(json, "name") ?? string.Empty,
                VersionId = NativeJson.String(json, "versionId"),
                LaunchStage = NativeJson.String(json, "launchStage"),
                VersionState = NativeJson.String(json, "versionState"),
                OpenSourceCategory = NativeJson.String(json, "openSourceCategory"),
                PublisherModelTemplate = NativeJson.String(json, "publisherModelTemplate"),
            };
            NativeJson.KeepUnknown(json, model, "name", "versionId", "launchStage", "versionState", "openSourceCategory", "publisherModelTemplate");
            return model;
        }

        /// <inheritdoc/>
        public override string ToString() => Id;
    }

    /// <summary>One page of the publisher model list.</summary>
    public sealed class GeminiModelPage
    {
        /// <summary>Creates a page.</summary>
        public GeminiModelPage(IReadOnlyList<GeminiModel> models, string? nextPageToken)
        {
            Models = models;
            NextPageToken = nextPageToken;
        }

        /// <summary>The models on this page.</summary>
        public IReadOnlyList<GeminiModel> Models { get; }

        /// <summary>The next page's token, or null on the last.</summary>
        public string? NextPageToken { get; }
    }
}
