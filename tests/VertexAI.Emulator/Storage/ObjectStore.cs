using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace VertexAI.Emulator;

/// <summary>One Cloud Storage object held in memory.</summary>
internal sealed record StoredObject(string Bucket, string Name, byte[] Data, string ContentType, long Generation, DateTimeOffset Created);

/// <summary>
/// The emulator's Cloud Storage: objects in memory by bucket and name. Every bucket exists (tests need not create one);
/// writing a name again replaces the object with a new generation, as Cloud Storage does.
/// </summary>
public sealed class ObjectStore
{
    private readonly ConcurrentDictionary<(string Bucket, string Name), StoredObject> _objects = new();
    private readonly ConcurrentDictionary<string, ResumableSession> _sessions = new(StringComparer.Ordinal);
    private long _generation = 1_700_000_000_000_000;
    private readonly Queue<(int Status, string? Method)> _faults = new();

    /// <summary>
    /// The next <paramref name="count"/> authenticated storage requests (of <paramref name="method"/> only, e.g. PUT for
    /// upload chunks, when given) answer <paramref name="status"/> (e.g. 503) instead.
    /// </summary>
    public void EnqueueFault(int status, int count = 1, string? method = null)
    {
        lock (_faults)
        {
            for (var i = 0; i < count; i++) _faults.Enqueue((status, method));
        }
    }

    /// <summary>Drops the faults still queued.</summary>
    public void ClearFaults()
    {
        lock (_faults) _faults.Clear();
    }

    internal bool TryTakeFault(string method, out int status)
    {
        lock (_faults)
        {
            status = 0;
            if (_faults.Count == 0) return false;
            var (s, m) = _faults.Peek();
            if (m is not null && !string.Equals(m, method, StringComparison.OrdinalIgnoreCase)) return false;
            _faults.Dequeue();
            status = s;
            return true;
        }
    }

    /// <summary>Stores an object (replacing one of the same name) and returns it.</summary>
    internal StoredObject Put(string bucket, string name, byte[] data, string contentType)
    {
        var stored = new StoredObject(bucket, name, data, contentType, Interlocked.Increment(ref _generation), DateTimeOffset.UtcNow);
        _objects[(bucket, name)] = stored;
        return stored;
    }

    /// <summary>Stores text as UTF-8 (for tests and the batch jobs' output).</summary>
    public void PutText(string bucket, string name, string text, string contentType = "application/jsonl") =>
        Put(bucket, name, System.Text.Encoding.UTF8.GetBytes(text), contentType);

    internal StoredObject? Get(string bucket, string name) => _objects.TryGetValue((bucket, name), out var o) ? o : null;

    /// <summary>The object's bytes as UTF-8 text, or null when there is no such object.</summary>
    public string? GetText(string bucket, string name) => Get(bucket, name) is { } o ? System.Text.Encoding.UTF8.GetString(o.Data) : null;

    /// <summary>Objects of a bucket whose names start with <paramref name="prefix"/>, in name order (as Cloud Storage lists them).</summary>
    internal IReadOnlyList<StoredObject> List(string bucket, string prefix) =>
        _objects.Values.Where(o => o.Bucket == bucket && o.Name.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(o => o.Name, StringComparer.Ordinal).ToList();

    /// <summary>Names of every object in <paramref name="bucket"/>, in order.</summary>
    public IReadOnlyList<string> Names(string bucket) => List(bucket, string.Empty).Select(o => o.Name).ToList();

    internal ResumableSession StartSession(string bucket, string name, string contentType)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var session = new ResumableSession(id, bucket, name, contentType);
        _sessions[id] = session;
        return session;
    }

    internal ResumableSession? Session(string id) => _sessions.TryGetValue(id, out var s) ? s : null;

    internal void EndSession(string id) => _sessions.TryRemove(id, out _);
}

/// <summary>A resumable upload in progress: the bytes received so far.</summary>
internal sealed class ResumableSession(string id, string bucket, string name, string contentType)
{
    public string Id { get; } = id;
    public string Bucket { get; } = bucket;
    public string Name { get; } = name;
    public string ContentType { get; } = contentType;
    public MemoryStream Received { get; } = new();
    public object Gate { get; } = new();
}
