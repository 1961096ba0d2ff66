using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using VertexAI.Json;

namespace VertexAI.Batch
{
    /// <summary>
    /// <c>projects.locations.batchPredictionJobs</c> (create, get, list, cancel) on <see cref="VertexRestClient"/>; shapes from
    /// https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.batchPredictionJobs and "Batch prediction
    /// from Cloud Storage" (instancesFormat/predictionsFormat "jsonl", gcsSource.uris, gcsDestination.outputUriPrefix).
    /// </summary>
    public sealed class BatchJobClient
    {
        private readonly VertexRestClient _rest;

        /// <summary>Creates the client.</summary>
        public BatchJobClient(VertexRestClient rest) => _rest = rest ?? throw new ArgumentNullException(nameof(rest));

        /// <summary>Creates a job reading <paramref name="inputUri"/> and writing under <paramref name="outputUriPrefix"/>.</summary>
        public async Task<BatchJob> CreateAsync(string displayName, string model, string inputUri, string outputUriPrefix, IDictionary<string, object?>? labels, CancellationToken cancellationToken = default)
        {
            var body = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["displayName"] = displayName,
                ["model"] = VertexEndpoint.PublisherModelName(model),
                ["inputConfig"] = new Dictionary<string, object?> { ["instancesFormat"] = "jsonl", ["gcsSource"] = new Dictionary<string, object?> { ["uris"] = new object?[] { inputUri } } },
                ["outputConfig"] = new Dictionary<string, object?> { ["predictionsFormat"] = "jsonl", ["gcsDestination"] = new Dictionary<string, object?> { ["outputUriPrefix"] = outputUriPrefix } },
            };
            if (labels is { Count: > 0 }) body["labels"] = labels;
            using var doc = await _rest.SendAsync(HttpMethod.Post, _rest.Endpoint.LocationUri("batchPredictionJobs"),
                System.Text.Encoding.UTF8.GetBytes(PlainJson.Serialize(body)), "create batch job", cancellationToken).ConfigureAwait(false);
            return Read(doc.RootElement);
        }

        /// <summary>Reads a job by its resource name or id.</summary>
        public async Task<BatchJob> GetAsync(string nameOrId, CancellationToken cancellationToken = default)
        {
            using var doc = await _rest.SendAsync(HttpMethod.Get, UriOf(nameOrId, null), null, "get batch job", cancellationToken).ConfigureAwait(false);
            return Read(doc.RootElement);
        }

        /// <summary>One page of the location's jobs, and the token of the next page (null at the end).</summary>
        public async Task<(IReadOnlyList<BatchJob> Jobs, string? NextPageToken)> ListAsync(string? pageToken, int pageSize = 100, CancellationToken cancellationToken = default)
        {
            var query = "batchPredictionJobs?pageSize=" + pageSize.ToString(CultureInfo.InvariantCulture) + (pageToken is null ? "" : "&pageToken=" + Uri.EscapeDataString(pageToken));
            using var doc = await _rest.SendAsync(HttpMethod.Get, _rest.Endpoint.LocationUri(query), null, "list batch jobs", cancellationToken).ConfigureAwait(false);
            var jobs = new List<BatchJob>();
            if (doc.RootElement.TryGetProperty("batchPredictionJobs", out var array) && array.ValueKind == JsonValueKind.Array)
            {
                foreach (var e in array.EnumerateArray()) jobs.Add(Read(e));
            }
            var next = doc.RootElement.TryGetProperty("nextPageToken", out var t) ? t.GetString() : null;
            return (jobs, string.IsNullOrEmpty(next) ? null : next);
        }

        /// <summary>Asks Vertex to cancel the job (it becomes CANCELLING, then CANCELLED).</summary>
        public async Task CancelAsync(string nameOrId, CancellationToken cancellationToken = default)
        {
            using var _ = await _rest.SendAsync(HttpMethod.Post, UriOf(nameOrId, ":cancel"), System.Text.Encoding.UTF8.GetBytes("{}"), "cancel batch job", cancellationToken).ConfigureAwait(false);
        }

        private Uri UriOf(string nameOrId, string? verb)
        {
            if (string.IsNullOrWhiteSpace(nameOrId)) throw new ArgumentException("A batch job name or id is required.", "Name");
            var name = nameOrId.Trim();
            if (name.StartsWith("projects/", StringComparison.Ordinal))
            {
                var parts = name.Split('/');
                if (parts.Length != 6 || parts[2] != "locations" || parts[4] != "batchPredictionJobs" || parts[5].Length == 0)
                {
                    throw new ArgumentException($"'{name}' is not a batch job name (projects/{{project}}/locations/{{location}}/batchPredictionJobs/{{id}}).", "Name");
                }
                return _rest.Endpoint.ApiUri(name + verb);
            }
            foreach (var c in name)
            {
                if (c < '0' || c > '9') throw new ArgumentException($"'{name}' is not a batch job id (digits) or name (projects/.../batchPredictionJobs/{{id}}).", "Name");
            }
            return _rest.Endpoint.LocationUri("batchPredictionJobs/" + name + verb);
        }

        /// <summary>Reads a BatchPredictionJob resource.</summary>
        public static BatchJob Read(JsonElement e)
        {
            var job = new BatchJob();
            foreach (var p in e.EnumerateObject())
            {
                var v = p.Value;
                switch (p.Name)
                {
                    case "name": job.Name = v.GetString(); break;
                    case "displayName": job.DisplayName = v.GetString(); break;
                    case "model": job.Model = v.GetString(); break;
                    case "state": job.State = v.GetString(); break;
                    case "createTime": job.CreateTime = Time(v); break;
                    case "startTime": job.StartTime = Time(v); break;
                    case "endTime": job.EndTime = Time(v); break;
                    case "updateTime": job.UpdateTime = Time(v); break;
                    case "labels" when v.ValueKind == JsonValueKind.Object: job.Labels = PlainJson.MapFromElement(v); break;
                    case "completionStats" when v.ValueKind == JsonValueKind.Object:
                        // int64 arrives as a string (proto3 JSON); a number is read too.
                        job.SuccessfulCount = Count(v, "successfulCount");
                        job.FailedCount = Count(v, "failedCount");
                        job.IncompleteCount = Count(v, "incompleteCount");
                        job.AdditionalProperties[p.Name] = PlainJson.FromElement(v);
                        break;
                    case "inputConfig" when v.ValueKind == JsonValueKind.Object:
                        job.InputUri = PlainJson.GetPath(PlainJson.FromElement(v), "gcsSource", "uris") is object?[] { Length: > 0 } uris ? uris[0] as string : null;
                        job.AdditionalProperties[p.Name] = PlainJson.FromElement(v);
                        break;
                    case "outputConfig" when v.ValueKind == JsonValueKind.Object:
                        job.OutputUriPrefix = PlainJson.GetPath(PlainJson.FromElement(v), "gcsDestination", "outputUriPrefix") as string;
                        job.AdditionalProperties[p.Name] = PlainJson.FromElement(v);
                        break;
                    case "outputInfo" when v.ValueKind == JsonValueKind.Object:
                        job.OutputDirectory = v.TryGetProperty("gcsOutputDirectory", out var dir) ? dir.GetString() : null;
                        job.AdditionalProperties[p.Name] = PlainJson.FromElement(v);
                        break;
                    case "error" when v.ValueKind == JsonValueKind.Object:
                        job.ErrorCode = v.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number ? code.GetInt32() : (int?)null;
                        job.ErrorMessage = v.TryGetProperty("message", out var message) ? message.GetString() : null;
                        job.AdditionalProperties[p.Name] = PlainJson.FromElement(v);
                        break;
                    default:
                        job.AdditionalProperties[p.Name] = PlainJson.FromElement(v);
                        break;
                }
            }
            return job;
        }

        private static DateTimeOffset? Time(JsonElement v)
            => v.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : (DateTimeOffset?)null;

        private static long? Count(JsonElement stats, string name)
        {
            if (!stats.TryGetProperty(name, out var v)) return null;
            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n)) return n;
            return v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : (long?)null;
        }
    }
}
