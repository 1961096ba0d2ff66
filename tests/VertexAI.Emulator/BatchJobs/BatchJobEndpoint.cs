using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VertexAI.Emulator;

/// <summary>
/// <c>projects.locations.batchPredictionJobs</c> for v1 and v1beta1, as Vertex documents it
/// (https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.batchPredictionJobs and "Batch prediction
/// from Cloud Storage" for Gemini):
/// <list type="bullet">
/// <item><c>POST /{v}/projects/{p}/locations/{l}/batchPredictionJobs</c>: a BatchPredictionJob with displayName, model
/// (<c>publishers/google/models/{id}</c>, optionally under <c>projects/{p}/locations/{l}/</c>), inputConfig
/// (<c>instancesFormat</c> jsonl, <c>gcsSource.uris</c>: one gs:// file) and outputConfig (<c>predictionsFormat</c> jsonl,
/// <c>gcsDestination.outputUriPrefix</c>); 200 with the job (state JOB_STATE_PENDING).</item>
/// <item><c>GET .../batchPredictionJobs/{id}</c>: the job (see <see cref="BatchJob"/> for how it moves on).</item>
/// <item><c>GET .../batchPredictionJobs?pageSize=N&amp;pageToken=T</c>: <c>{"batchPredictionJobs":[...],"nextPageToken"}</c>.</item>
/// <item><c>POST .../batchPredictionJobs/{id}:cancel</c>: 200 <c>{}</c>; 400 FAILED_PRECONDITION when the job already ended.</item>
/// </list>
/// </summary>
internal sealed partial class BatchJobEndpoint(BearerCheck auth, BatchJobStore jobs, ObjectStore store, ScenarioQueue scenarios)
{
    private static readonly HashSet<string> s_jobFields =
    [
        "displayName", "model", "inputConfig", "outputConfig", "labels", "modelParameters", "instanceConfig", "encryptionSpec",
        "serviceAccount", "dedicatedResources", "manualBatchTuningParameters", "generateExplanation", "explanationSpec",
        "disableContainerLogging", "unmanagedContainerModel",
    ];

    [GeneratedRegex("^/(v1|v1beta1)/projects/([^/]+)/locations/([^/]+)/batchPredictionJobs(?:/([^/:]+))?(:cancel)?$")]
    private static partial Regex RoutePattern();

    [GeneratedRegex("^(?:projects/[^/]+/locations/[^/]+/)?publishers/([^/]+)/models/([^/@]+)(?:@[^/]+)?$")]
    private static partial Regex ModelPattern();

    public static bool Handles(string path) => RoutePattern().IsMatch(path);

    public async Task HandleAsync(HttpContext context, string path, JsonNode? json)
    {
        var match = RoutePattern().Match(path);
        var (version, project, location) = (match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value);
        var id = match.Groups[4].Success ? match.Groups[4].Value : null;
        var cancel = match.Groups[5].Success;
        var method = context.Request.Method;

        var state = auth.Check(context);
        if (state != TokenState.Valid)
        {
            var reason = state switch { TokenState.Expired => "ACCESS_TOKEN_EXPIRED", TokenState.Missing => "CREDENTIALS_MISSING", _ => "ACCESS_TOKEN_TYPE_UNSUPPORTED" };
            var rpc = id is null ? (HttpMethods.IsPost(method) ? "CreateBatchPredictionJob" : "ListBatchPredictionJobs") : cancel ? "CancelBatchPredictionJob" : "GetBatchPredictionJob";
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"";
            await GoogleErrors.WriteAsync(context, 401, "UNAUTHENTICATED", GoogleErrors.UnauthenticatedMessage,
                GoogleErrors.ErrorInfo(reason, $"google.cloud.aiplatform.{version}.JobService.{rpc}"));
            return;
        }

        // As on the other native routes: a scripted answer, when one is waiting, comes before the job store (a slow or
        // failing JobService; tests of Ctrl+C and of retries).
        if (scenarios.TryDequeue(out var scripted))
        {
            await scripted.PlayAsync(new PlaybackContext(context, context.RequestAborted));
            return;
        }

        var parent = $"projects/{project}/locations/{location}";
        switch (id, cancel, method)
        {
            case (null, false, "POST"):
                await CreateAsync(context, parent, json);
                return;
            case (null, false, "GET"):
                await ListAsync(context, project, location);
                return;
            case (not null, false, "GET"):
                if (Find(id, parent) is { } job)
                {
                    await JsonReply.WriteAsync(context, 200, job.Read());
                    return;
                }

                break;
            case (not null, true, "POST"):
                if (Find(id, parent) is { } toCancel)
                {
                    if (!toCancel.Cancel())
                    {
                        await GoogleErrors.WriteAsync(context, 400, "FAILED_PRECONDITION",
                            $"The BatchPredictionJob {toCancel.Name} is in state {toCancel.State} and cannot be cancelled.");
                        return;
                    }

                    await JsonReply.WriteAsync(context, 200, new JsonObject());
                    return;
                }

                break;
            default:
                await GoogleErrors.NotFoundAsync(context);
                return;
        }

        await GoogleErrors.WriteAsync(context, 404, "NOT_FOUND", $"The BatchPredictionJob does not exist: {parent}/batchPredictionJobs/{id}");
    }

    private BatchJob? Find(string id, string parent) => jobs.Get(id) is { } job && job.Name.StartsWith(parent + "/", StringComparison.Ordinal) ? job : null;

    private async Task CreateAsync(HttpContext context, string parent, JsonNode? json)
    {
        if (json is not JsonObject body)
        {
            await GoogleErrors.InvalidArgumentAsync(context, "Invalid JSON payload received. Expected a BatchPredictionJob object.");
            return;
        }

        foreach (var (key, _) in body)
        {
            if (!s_jobFields.Contains(key))
            {
                await GoogleErrors.InvalidArgumentAsync(context, $"Invalid JSON payload received. Unknown name \"{key}\" at 'batch_prediction_job': Cannot find field.");
                return;
            }
        }

        var problem = Check(body, out var modelId);
        if (problem is not null)
        {
            await GoogleErrors.InvalidArgumentAsync(context, problem);
            return;
        }

        var job = jobs.Add(parent, (JsonObject)body.DeepClone(), modelId!, store);
        await JsonReply.WriteAsync(context, 200, job.Snapshot());
    }

    private static string? Check(JsonObject body, out string? modelId)
    {
        modelId = null;
        if (body["displayName"] is not JsonValue dn || dn.GetValueKind() != JsonValueKind.String || dn.GetValue<string>().Length == 0)
        {
            return "BatchPredictionJob.display_name is required.";
        }

        if (dn.GetValue<string>().Length > 128) return "BatchPredictionJob.display_name is longer than 128 characters.";
        if (body["model"] is not JsonValue mv || mv.GetValueKind() != JsonValueKind.String) return "BatchPredictionJob.model is required.";
        var model = ModelPattern().Match(mv.GetValue<string>());
        if (!model.Success) return $"Invalid model name: '{mv.GetValue<string>()}'. Use publishers/google/models/{{MODEL_ID}}.";
        if (model.Groups[1].Value != "google") return $"Publisher model '{mv.GetValue<string>()}' is not found.";
        modelId = model.Groups[2].Value;

        if (body["inputConfig"] is not JsonObject input) return "BatchPredictionJob.input_config is required.";
        if (input["instancesFormat"]?.GetValue<string>() is not "jsonl") return "input_config.instances_format must be \"jsonl\" for a Cloud Storage source (or \"bigquery\").";
        if (input["gcsSource"]?["uris"] is not JsonArray uris || uris.Count != 1 || uris[0]?.GetValueKind() != JsonValueKind.String
            || !IsGcsObject(uris[0]!.GetValue<string>()))
        {
            return "input_config.gcs_source.uris must be one Cloud Storage file, gs://bucket/path/file.jsonl.";
        }

        if (body["outputConfig"] is not JsonObject output) return "BatchPredictionJob.output_config is required.";
        if (output["predictionsFormat"]?.GetValue<string>() is not "jsonl") return "output_config.predictions_format must be \"jsonl\" for a Cloud Storage destination.";
        if (output["gcsDestination"]?["outputUriPrefix"] is not JsonValue prefix || prefix.GetValueKind() != JsonValueKind.String
            || !prefix.GetValue<string>().StartsWith("gs://", StringComparison.Ordinal) || prefix.GetValue<string>().Length <= "gs://".Length)
        {
            return "output_config.gcs_destination.output_uri_prefix must be a gs:// URI.";
        }

        if (body["labels"] is { } labels && (labels is not JsonObject lo || lo.Any(kv => kv.Value?.GetValueKind() != JsonValueKind.String)))
        {
            return "Invalid value at 'batch_prediction_job.labels': a map of strings.";
        }

        return null;
    }

    private static bool IsGcsObject(string uri)
    {
        if (!uri.StartsWith("gs://", StringComparison.Ordinal)) return false;
        var (bucket, name) = BatchJobStore.SplitGcsUri(uri);
        return bucket.Length > 0 && name.Length > 0;
    }

    private async Task ListAsync(HttpContext context, string project, string location)
    {
        var query = context.Request.Query;
        var size = int.TryParse(query["pageSize"], NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0 ? Math.Min(s, 100) : 100;
        var skip = int.TryParse(query["pageToken"], NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : 0;
        var all = jobs.List(project, location);
        var page = all.Skip(skip).Take(size).Select(j => (JsonNode)j.Read()).ToArray();
        var result = new JsonObject();
        if (page.Length > 0) result["batchPredictionJobs"] = new JsonArray(page);
        if (skip + page.Length < all.Count) result["nextPageToken"] = (skip + page.Length).ToString(CultureInfo.InvariantCulture);
        await JsonReply.WriteAsync(context, 200, result);
    }
}
