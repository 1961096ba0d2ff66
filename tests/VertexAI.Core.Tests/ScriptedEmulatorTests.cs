using System.Net.Http.Headers;
using Xunit;

namespace VertexAI.Core.Tests;

/// <summary>
/// Base of the test classes that script the emulator they share: before each test (xUnit makes one instance per
/// test), the scripted answers a failed test left queued are dropped through <c>DELETE /_emulator/scenarios</c> and
/// the scenario selector is removed, so one failure cannot cascade into the rest of the class.
/// </summary>
public abstract class ScriptedEmulatorTests : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    private static readonly HttpClient Control = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly EmulatorFixture _fixture;

    /// <summary>Keeps the class's shared emulator for the reset.</summary>
    protected ScriptedEmulatorTests(EmulatorFixture fixture) => _fixture = fixture;

    /// <summary>Clears the queue and the selector before the test runs.</summary>
    public async Task InitializeAsync()
    {
        var emulator = _fixture.Emulator;
        emulator.ScenarioSelector = null;
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(emulator.BaseUri, "_emulator/scenarios"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", emulator.DefaultToken);
        using var response = await Control.SendAsync(request);
        response.EnsureSuccessStatusCode();
        Assert.Equal(0, emulator.Scenarios.Count);
    }

    /// <summary>Nothing to undo.</summary>
    public Task DisposeAsync() => Task.CompletedTask;
}
