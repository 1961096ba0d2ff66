namespace VertexAI.Emulator;

/// <summary>
/// How many chat requests are being answered at once, and the most so far. A request counts from its arrival until its
/// response starts (or it ends without one): a client that counts a request until it has read the answer therefore
/// never sees fewer in flight than this, so "at most N at once" read here cannot be a race's artefact.
/// </summary>
internal sealed class ConcurrencyGauge
{
    private readonly object _gate = new();
    private int _current;
    private int _max;

    public int Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public int Max
    {
        get
        {
            lock (_gate)
            {
                return _max;
            }
        }
    }

    /// <summary>Counts a request in; dispose the result when it leaves (once, however often disposed).</summary>
    public IDisposable Enter()
    {
        lock (_gate)
        {
            _current++;
            _max = Math.Max(_max, _current);
        }

        return new Lease(this);
    }

    /// <summary>Starts counting the maximum again from the requests in flight now.</summary>
    public void ResetMax()
    {
        lock (_gate)
        {
            _max = _current;
        }
    }

    private void Leave()
    {
        lock (_gate)
        {
            _current--;
        }
    }

    private sealed class Lease(ConcurrencyGauge gauge) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                gauge.Leave();
            }
        }
    }
}
