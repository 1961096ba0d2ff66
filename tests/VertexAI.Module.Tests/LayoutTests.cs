namespace VertexAI.Module.Tests;

/// <summary>
/// The published module folder: what PowerShell loads into its own context (the top level) is only the thin cmdlet
/// assembly; everything else is under Dependencies/, where the module's resolver loads it privately.
/// </summary>
[Collection(ModuleCollection.Name)]
public sealed class LayoutTests(ModuleFixture module)
{
    private static readonly string[] TopLevelFiles = ["VertexAI.dll", "VertexAI.pdb", "VertexAI.psd1", "VertexAI.Requirements.dll", "VertexAI.format.ps1xml", "LICENSE"];

    [Theory]
    [InlineData("VertexAI.dll")]
    [InlineData("VertexAI.psd1")]
    [InlineData("VertexAI.Requirements.dll")]
    [InlineData("VertexAI.format.ps1xml")]
    [InlineData("LICENSE")]
    [InlineData("en-US/VertexAI.dll-Help.xml")]
    [InlineData("en-US/about_VertexAI.help.txt")]
    [InlineData("Dependencies/VertexAI.Core.dll")]
    [InlineData("Dependencies/Google.Apis.Auth.dll")]
    [InlineData("Dependencies/System.Text.Json.dll")]
    [InlineData("Dependencies/System.Net.ServerSentEvents.dll")]
    [InlineData("Dependencies/Newtonsoft.Json.dll")]
    public void PublishedModuleHasFile(string relativePath)
    {
        var path = Path.Combine(module.ModuleDir, relativePath.Replace('/', Path.DirectorySeparatorChar));
        Assert.True(File.Exists(path), $"The published module has no {relativePath}.");
    }

    [Fact]
    public void TopLevelHoldsOnlyTheCmdletAssemblyTheManifestTheFormatsAndTheFolders()
    {
        var files = Directory.EnumerateFiles(module.ModuleDir).Select(Path.GetFileName).ToList();
        var extra = files.Where(f => !TopLevelFiles.Contains(f, StringComparer.OrdinalIgnoreCase)).ToList();
        Assert.True(extra.Count == 0, $"Unexpected files at the top of the module: {string.Join(", ", extra)}.");
        var folders = Directory.EnumerateDirectories(module.ModuleDir).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { "Dependencies", "en-US" }, folders);
    }

    [Theory]
    [InlineData("VertexAI.dll")]
    [InlineData("System.Management.Automation.dll")]
    [InlineData("Microsoft.PowerShell.Commands.Utility.dll")]
    public void DependenciesDoNotCarry(string fileName)
    {
        // The cmdlet assembly lives at the top; PowerShell itself provides System.Management.Automation.
        Assert.False(File.Exists(Path.Combine(module.DependenciesDir, fileName)), $"Dependencies/ must not contain {fileName}.");
    }

    [Fact]
    public void EveryDependencyOfTheCoreIsShipped()
    {
        // What VertexAI.Core references and the framework does not provide on netstandard2.0 hosts must be in Dependencies/.
        Assert.NotNull(module.CoreAssembly);
        var shipped = Directory.EnumerateFiles(module.DependenciesDir, "*.dll").Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = module.CoreAssembly!.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("Google.", StringComparison.Ordinal) || n is "Newtonsoft.Json" or "System.Text.Json" or "System.Net.ServerSentEvents")
            .Where(n => !shipped.Contains(n))
            .ToList();
        Assert.True(missing.Count == 0, $"VertexAI.Core references {string.Join(", ", missing)}, which Dependencies/ lacks.");
    }

    [Fact]
    public void TheCmdletAssemblyTargetsNetStandard20()
    {
        // One assembly for Windows PowerShell 5.1 (.NET Framework) and PowerShell 7 (.NET).
        var target = module.CmdletAssembly.GetCustomAttributesData()
            .FirstOrDefault(a => a.AttributeType.FullName == "System.Runtime.Versioning.TargetFrameworkAttribute");
        Assert.NotNull(target);
        Assert.Equal(".NETStandard,Version=v2.0", target!.ConstructorArguments[0].Value);
    }

    [Fact]
    public void TheRequirementsCheckLoadsOnEveryNetFramework()
    {
        // It has to load where netstandard.dll is missing (Windows PowerShell on .NET 4.6.x), so it is built for .NET
        // Framework and references nothing but mscorlib and System.Management.Automation no newer than Windows
        // PowerShell 5.1's (3.0.0.0): no netstandard, no System.ValueTuple (not in .NET Framework before 4.7).
        var assembly = module.LoadContext.LoadFromAssemblyPath(Path.Combine(module.ModuleDir, "VertexAI.Requirements.dll"));
        var references = assembly.GetReferencedAssemblies().OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "System.Management.Automation", "mscorlib" }, references.Select(a => a.Name));
        Assert.True(references[0].Version <= new Version(3, 0, 0, 0), $"System.Management.Automation {references[0].Version} is newer than Windows PowerShell 5.1's.");
        Assert.Equal(new Version(4, 0, 0, 0), references[1].Version);
        var target = assembly.GetCustomAttributesData()
            .FirstOrDefault(a => a.AttributeType.FullName == "System.Runtime.Versioning.TargetFrameworkAttribute");
        Assert.NotNull(target);
        Assert.StartsWith(".NETFramework,Version=v4.", (string)target!.ConstructorArguments[0].Value!);
        // An initializer and nothing a user could call: no cmdlets, one public type.
        var exported = assembly.GetExportedTypes();
        Assert.Equal(new[] { "VertexAI.Requirements.RequirementsCheck" }, exported.Select(t => t.FullName));
        Assert.Contains(exported[0].GetInterfaces(), i => i.FullName == "System.Management.Automation.IModuleAssemblyInitializer");
    }
}
