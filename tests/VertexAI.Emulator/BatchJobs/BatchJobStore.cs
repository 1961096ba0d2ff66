using System.Collections.Concurrent;

namespace VertexAI.Emulator;

/// <summary>The emulator's batch prediction jobs, by id, in creation order.</summary>
public sealed class BatchJobStore
{
    private readonly ConcurrentDictionary<string, BatchJob> _jobs = new(StringComparer.Ordinal);
    private long _nextId = 1234567890123456000;
    private int _readsPerState = 1;

    /// <summary>How many reads (GET or list) a job stays in each state before it moves on (default 1).</summary>
    public int ReadsPerState
    {
        get => Volatile.Read(ref _readsPerState);
        set => Volatile.Write(ref _readsPerState, Math.Max(1, value));
    }

    internal BatchJob Add(string parent, System.Text.Json.Nodes.JsonObject resource, string modelId, ObjectStore store)
    {
        var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var job = new BatchJob($"{parent}/batchPredictionJobs/{id}", resource, modelId, store, ReadsPerState);
        _jobs[id] = job;
        return job;
    }

    internal BatchJob? Get(string id) => _jobs.TryGetValue(id, out var job) ? job : null;

    internal IReadOnlyList<BatchJob> List(string project, string location) =>
        _jobs.Values.Where(j => j.Name.StartsWith($"projects/{project}/locations/{location}/", StringComparison.Ordinal))
            .OrderBy(j => j.Name, StringComparer.Ordinal).ToList();

    /// <summary>Splits <c>gs://bucket/object</c>.</summary>
    internal static (string Bucket, string Object) SplitGcsUri(string uri)
    {
        var rest = uri["gs://".Length..];
        var slash = rest.IndexOf('/');
        return slash < 0 ? (rest, string.Empty) : (rest[..slash], rest[(slash + 1)..]);
    }
}
