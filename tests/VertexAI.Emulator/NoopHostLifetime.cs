namespace VertexAI.Emulator;

/// <summary>A host lifetime that hooks no console signals; the owner (tests or Program) decides when to stop.</summary>
internal sealed class NoopHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
