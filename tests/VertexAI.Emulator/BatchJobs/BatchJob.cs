using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>
/// One emulated batch prediction job and its lifecycle. The job moves on when it is read (GET or list), never by the clock,
/// so tests are deterministic: after <see cref="BatchJobStore.ReadsPerState"/> reads, PENDING becomes RUNNING (the input
/// is read and checked; the first half of its lines counts as done), then SUCCEEDED (the output is written). A job whose
/// input is missing or invalid becomes FAILED with an error. Cancel makes it CANCELLING; the next read, CANCELLED, with
/// the lines done so far written out.
/// </summary>
internal sealed class BatchJob
{
    private readonly object _gate = new();
    private readonly ObjectStore _store;
    private readonly int _readsPerState;
    private int _reads;
    private List<(JsonObject Request, string Line)>? _lines;
    private string? _outputDirectory;

    public BatchJob(string name, JsonObject resource, string modelId, ObjectStore store, int readsPerState)
    {
        Name = name;
        Resource = resource;
        ModelId = modelId;
        _store = store;
        _readsPerState = Math.Max(1, readsPerState);
        var now = Now();
        Resource["name"] = name;
        Resource["state"] = "JOB_STATE_PENDING";
        Resource["createTime"] = now;
        Resource["updateTime"] = now;
    }

    public string Name { get; }

    public string ModelId { get; }

    /// <summary>The resource as the API returns it (a copy is handed out).</summary>
    private JsonObject Resource { get; }

    public string State
    {
        get
        {
            lock (_gate) return Resource["state"]!.GetValue<string>();
        }
    }

    /// <summary>A read: the job advances when enough reads have seen its state, then the resource is returned.</summary>
    public JsonObject Read()
    {
        lock (_gate)
        {
            _reads++;
            if (_reads >= _readsPerState)
            {
                _reads = 0;
                Advance();
            }

            return (JsonObject)Resource.DeepClone();
        }
    }

    /// <summary>A read that does not advance the job (the answer to create and cancel).</summary>
    public JsonObject Snapshot()
    {
        lock (_gate) return (JsonObject)Resource.DeepClone();
    }

    /// <summary>Asks to cancel; false when the job already ended.</summary>
    public bool Cancel()
    {
        lock (_gate)
        {
            if (State is not ("JOB_STATE_PENDING" or "JOB_STATE_RUNNING" or "JOB_STATE_QUEUED")) return false;
            Set("JOB_STATE_CANCELLING");
            _reads = 0;
            return true;
        }
    }

    private void Advance()
    {
        switch (Resource["state"]!.GetValue<string>())
        {
            case "JOB_STATE_PENDING":
                Start();
                break;
            case "JOB_STATE_RUNNING":
                Finish(_lines!.Count, "JOB_STATE_SUCCEEDED");
                break;
            case "JOB_STATE_CANCELLING":
                Finish(_lines is null ? 0 : _lines.Count / 2, "JOB_STATE_CANCELLED");
                Resource["error"] = new JsonObject { ["code"] = 1, ["message"] = "CANCELED" };
                break;
        }
    }

    private void Start()
    {
        var uri = Resource["inputConfig"]!["gcsSource"]!["uris"]![0]!.GetValue<string>();
        var (bucket, objectName) = BatchJobStore.SplitGcsUri(uri);
        var text = _store.GetText(bucket, objectName);
        if (text is null)
        {
            Fail(5, $"Input file {uri} does not exist or is not readable.");
            return;
        }

        var lines = new List<(JsonObject, string)>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(line);
            }
            catch (JsonException e)
            {
                Fail(3, $"Line {number} of {uri} is not valid JSON: {e.Message}");
                return;
            }

            if (node is not JsonObject o || o["request"] is not JsonObject request)
            {
                Fail(3, $"Line {number} of {uri} has no \"request\" object.");
                return;
            }

            if (GenerateContentValidator.Validate(request) is { } problem)
            {
                Fail(3, $"Line {number} of {uri}: {problem}");
                return;
            }

            lines.Add((o, line));
        }

        if (lines.Count == 0)
        {
            Fail(3, $"The input file {uri} has no requests.");
            return;
        }

        _lines = lines;
        Resource["startTime"] = Now();
        Set("JOB_STATE_RUNNING");
        Resource["completionStats"] = Stats(lines.Count / 2, lines.Count);
    }

    // Writes the output of the first `done` lines (in reverse order: Vertex does not keep the input's order) and ends.
    private void Finish(int done, string state)
    {
        if (_lines is not null && done > 0)
        {
            var prefix = Resource["outputConfig"]!["gcsDestination"]!["outputUriPrefix"]!.GetValue<string>().TrimEnd('/');
            var created = DateTimeOffset.Parse(Resource["createTime"]!.GetValue<string>(), CultureInfo.InvariantCulture);
            _outputDirectory = $"{prefix}/prediction-model-{created.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}";
            var output = new StringBuilder();
            var now = DateTimeOffset.UtcNow;
            for (var i = done - 1; i >= 0; i--)
            {
                var (line, _) = _lines[i];
                var request = (JsonObject)line["request"]!;
                var response = NativeReplyBuilder.Build(request, ModelId, now, out var status);
                var result = new JsonObject
                {
                    ["status"] = status,
                    ["processed_time"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+00:00'", CultureInfo.InvariantCulture),
                    ["request"] = request.DeepClone(),
                };
                if (response is not null) result["response"] = response;
                output.Append(result.ToJsonString()).Append('\n');
            }

            var (bucket, dir) = BatchJobStore.SplitGcsUri(_outputDirectory);
            _store.PutText(bucket, dir + "/predictions.jsonl", output.ToString());
            Resource["outputInfo"] = new JsonObject { ["gcsOutputDirectory"] = _outputDirectory };
        }

        Resource["completionStats"] = Stats(done, _lines?.Count ?? 0);
        Resource["endTime"] = Now();
        Set(state);
    }

    // int64 counts are strings in JSON (proto3 mapping), as Vertex sends them.
    private JsonObject Stats(int done, int total)
    {
        var failed = 0;
        for (var i = 0; i < done; i++)
        {
            if (NativeReplyBuilder.TextOf(((JsonArray)_lines![i].Request["request"]!["contents"]!).LastOrDefault(c => (c?["role"]?.GetValue<string>() ?? "user") == "user"))
                .Contains(NativeReplyBuilder.FailMarker, StringComparison.Ordinal))
            {
                failed++;
            }
        }

        return new JsonObject
        {
            ["successfulCount"] = (done - failed).ToString(CultureInfo.InvariantCulture),
            ["failedCount"] = failed.ToString(CultureInfo.InvariantCulture),
            ["incompleteCount"] = (total - done).ToString(CultureInfo.InvariantCulture),
        };
    }

    private void Fail(int code, string message)
    {
        Resource["error"] = new JsonObject { ["code"] = code, ["message"] = message };
        Resource["endTime"] = Now();
        Set("JOB_STATE_FAILED");
    }

    private void Set(string state)
    {
        Resource["state"] = state;
        Resource["updateTime"] = Now();
    }

    private static string Now() => DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
