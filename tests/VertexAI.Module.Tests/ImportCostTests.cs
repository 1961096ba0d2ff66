namespace VertexAI.Module.Tests;

/// <summary>
/// Import-Module runs the module initializer (IModuleAssemblyInitializer.OnImport) in PowerShell's own load context.
/// If its code touched VertexAI.Core or a dependency, the runtime would load those assemblies right there, into the
/// default context: slower imports and exactly the version clashes the Dependencies/ folder exists to avoid.
/// </summary>
[Collection(ModuleCollection.Name)]
public sealed class ImportCostTests(ModuleFixture module)
{
    private static readonly string[] Isolated = ["VertexAI.Core", "Newtonsoft.Json", "System.Text.Json", "System.Net.ServerSentEvents"];

    private static bool IsIsolated(string assembly) =>
        Isolated.Contains(assembly, StringComparer.OrdinalIgnoreCase) || assembly.StartsWith("Google.Apis", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void TheModuleHasExactlyOneInitializer()
    {
        using var scanner = new IlReferenceScanner(module.CmdletAssemblyPath);
        Assert.Single(scanner.TypesImplementing("System.Management.Automation", "IModuleAssemblyInitializer"));
    }

    [Fact]
    public void TheInitializerReachesNoIsolatedAssembly()
    {
        using var scanner = new IlReferenceScanner(module.CmdletAssemblyPath);
        var initializers = scanner.TypesImplementing("System.Management.Automation", "IModuleAssemblyInitializer");
        Assert.NotEmpty(initializers);
        var references = scanner.ReferencedAssemblies(initializers);
        Assert.Contains(references, r => r.Assembly is "netstandard" or "mscorlib" or "System.Runtime");
        var offending = references.Where(r => IsIsolated(r.Assembly)).Select(r => $"{r.From} -> {r.Assembly}").Distinct().ToList();
        Assert.True(offending.Count == 0, "The initializer's code refers to isolated assemblies:\n" + string.Join("\n", offending));
    }

    [Fact]
    public void TheScannerSeesTheCoreWhereTheCmdletsUseIt()
    {
        // Proves the scanner can see what the test above forbids: the cmdlets do call into VertexAI.Core.
        using var scanner = new IlReferenceScanner(module.CmdletAssemblyPath);
        var chat = scanner.FindType("VertexAI.Commands", "InvokeGeminiChatCommand");
        Assert.NotNull(chat);
        var references = scanner.ReferencedAssemblies([chat!.Value]);
        Assert.Contains(references, r => r.Assembly == "VertexAI.Core");
    }
}
