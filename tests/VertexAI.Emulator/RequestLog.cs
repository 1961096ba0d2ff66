namespace VertexAI.Emulator;

/// <summary>Thread-safe, append-only record of the requests an emulator received.</summary>
internal sealed class RequestLog
{
    private readonly object _gate = new();
    private readonly List<RecordedRequest> _entries = [];

    public void Add(RecordedRequest request)
    {
        lock (_gate)
        {
            _entries.Add(request);
        }
    }

    /// <summary>A copy, so callers can enumerate while requests keep arriving.</summary>
    public IReadOnlyList<RecordedRequest> Snapshot(string? kind = null)
    {
        lock (_gate)
        {
            return kind is null ? _entries.ToArray() : _entries.Where(r => r.Kind == kind).ToArray();
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }
}
