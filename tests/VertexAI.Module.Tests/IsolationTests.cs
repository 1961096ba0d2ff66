using System.Runtime.Loader;
using VertexAI.Emulator;

namespace VertexAI.Module.Tests;

/// <summary>
/// Runs the published module's dependency resolver in this (.NET 10, like PowerShell 7.6) process: the cmdlet assembly
/// loads in the default context, and everything it needs comes from Dependencies/ into one private context, where it
/// works end to end (a service-account token from Google.Apis.Auth, a streamed completion through the SSE parser).
/// </summary>
/// <remarks>
/// Nothing in this test project references VertexAI.Core, so the default context has never seen it; the resolver is
/// process-wide, so this class runs alone.
/// </remarks>
[Collection(IsolationCollection.Name)]
public sealed class IsolationTests(ModuleFixture module)
{
    // Assemblies the host does not have: they must come from Dependencies/ into the private context. (Newtonsoft.Json,
    // System.Text.Json and System.Net.ServerSentEvents may be shared from the host when it has a sufficient version,
    // as PowerShell 7 and this test host do.)
    private static readonly string[] Private = { "VertexAI.Core", "Google.Apis.Auth", "Google.Apis.Core", "Google.Apis" };

    private static bool IsLoaded(string name) => AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == name);

    [Fact]
    public async Task Core_and_its_dependencies_load_privately_and_work()
    {
        var cmdlets = Assembly.LoadFrom(module.CmdletAssemblyPath);
        var resolver = cmdlets.GetType("VertexAI.Commands.DependencyResolver", throwOnError: true)!;
        var install = resolver.GetMethod("Install", BindingFlags.Static | BindingFlags.NonPublic)!;
        install.Invoke(null, null);
        install.Invoke(null, null); // PowerShell may call the initializer twice.
        Assert.False(IsLoaded("VertexAI.Core"), "installing the resolver must not load the core");
        Assert.False(IsLoaded("Google.Apis.Auth"));

        // What the initializer does next, to register the core's type names: load the core by path, privately.
        var loadCore = resolver.GetMethod("LoadCore", BindingFlags.Static | BindingFlags.NonPublic)!;
        var early = (Assembly)loadCore.Invoke(null, null)!;
        Assert.Equal("VertexAI", AssemblyLoadContext.GetLoadContext(early)!.Name);
        Assert.False(IsLoaded("Google.Apis.Auth"), "loading the core must not load its dependencies");
        Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == "VertexAI.Core");

        // What happens when PowerShell first inspects a cmdlet's parameter types: the default context asks for the core,
        // and gets that same copy (one identity for the type names and the cmdlets).
        var core = AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName("VertexAI.Core"));
        Assert.Same(early, core);
        var context = AssemblyLoadContext.GetLoadContext(core)!;
        Assert.Equal("VertexAI", context.Name);
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.Equal(module.DependenciesDir, Path.GetDirectoryName(core.Location));

        await using var emulator = await VertexEmulator.StartAsync();
        var keyJson = emulator.CreateServiceAccountKeyJson("isolation@emulator-project.iam.gserviceaccount.com");

        // Google.Apis.Auth loads on the first token request, into the private context.
        dynamic tokens = core.GetType("VertexAI.Auth.GoogleCredentialTokenSource", true)!
            .GetMethod("FromJson", BindingFlags.Static | BindingFlags.Public)!.Invoke(null, new object[] { keyJson, "isolation test" })!;
        var token = await (Task<string>)tokens.GetTokenAsync(CancellationToken.None);
        Assert.StartsWith("ya29.", token);
        foreach (var name in new[] { "Google.Apis.Auth", "Google.Apis.Core" })
        {
            var loaded = context.Assemblies.SingleOrDefault(a => a.GetName().Name == name);
            Assert.True(loaded is not null, $"{name} should be in the private context");
            Assert.StartsWith(module.DependenciesDir, loaded!.Location);
            Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == name);
        }

        // A streamed completion through the private copy: SseParser's IAsyncEnumerable must bind on this runtime.
        var endpointSettings = Activator.CreateInstance(core.GetType("VertexAI.EndpointSettings", true)!)!;
        Set(endpointSettings, "Project", "isolation-project");
        Set(endpointSettings, "Location", "global");
        Set(endpointSettings, "BaseUri", emulator.BaseUri);
        var resolve = core.GetType("VertexAI.VertexEndpoint", true)!.GetMethod("Resolve")!;
        var endpoint = resolve.Invoke(null, new object?[] { endpointSettings, (Func<string, string?>)(_ => null) })!;
        var options = Activator.CreateInstance(core.GetType("VertexAI.GeminiClientOptions", true)!)!;
        Set(options, "Endpoint", endpoint);
        Set(options, "TokenSource", (object)tokens);
        dynamic client = Activator.CreateInstance(core.GetType("VertexAI.GeminiClient", true)!, options)!;
        var messageType = core.GetType("VertexAI.ChatMessage", true)!;
        dynamic request = Activator.CreateInstance(core.GetType("VertexAI.ChatRequest", true)!)!;
        request.Messages.Add((dynamic)Activator.CreateInstance(messageType, "user", "isolated stream")!);

        var chunks = new List<object>();
        var chunkType = core.GetType("VertexAI.ChatCompletionChunk", true)!;
        var onChunk = Delegate.CreateDelegate(typeof(Action<>).MakeGenericType(chunkType), chunks, typeof(List<object>).GetMethod("Add")!);
        var task = (Task)client.StreamAsync(request, (dynamic)onChunk, CancellationToken.None);
        await task;
        dynamic completion = ((dynamic)task).Result;
        Assert.Equal("Echo: isolated stream", (string)completion.Content);
        Assert.True(chunks.Count >= 3);
        Assert.Equal(1, emulator.TokenRequestCount);

        foreach (var name in Private)
        {
            Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == name);
        }
    }

    private static void Set(object target, string property, object? value) => target.GetType().GetProperty(property)!.SetValue(target, value);
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IsolationCollection : ICollectionFixture<ModuleFixture>
{
    public const string Name = "Isolation";
}
