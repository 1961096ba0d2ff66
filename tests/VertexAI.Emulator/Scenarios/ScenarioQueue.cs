using System.Collections.Concurrent;

namespace VertexAI.Emulator;

/// <summary>Thread-safe FIFO of scenarios; each authenticated chat request takes the next one, if any.</summary>
public sealed class ScenarioQueue
{
    private readonly ConcurrentQueue<Scenario> _queue = new();

    /// <summary>Adds one scenario at the end.</summary>
    public void Enqueue(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        _queue.Enqueue(scenario);
    }

    /// <summary>Adds scenarios at the end, in order.</summary>
    public void Enqueue(params Scenario[] scenarios)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        foreach (var scenario in scenarios)
        {
            Enqueue(scenario);
        }
    }

    /// <summary>Scenarios still waiting.</summary>
    public int Count => _queue.Count;

    /// <summary>Drops every waiting scenario.</summary>
    public void Clear() => _queue.Clear();

    internal bool TryDequeue(out Scenario scenario) => _queue.TryDequeue(out scenario!);
}
