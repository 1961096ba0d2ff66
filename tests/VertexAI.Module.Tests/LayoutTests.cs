namespace VertexAI.Module.Tests;

/// <summary>
/// The published module folder: what PowerShell loads into its own context (the top level) is only the thin cmdlet
/// assembly; everything else is under Dependencies/, where the module's resolver loads it privately.
/// </summary>
[Collection(ModuleCollection.Name)]
public sealed class LayoutTests(ModuleFixture module)
{
    private static readonly string[] TopLevelFiles = ["VertexAI.dll", "VertexAI.pdb", "VertexAI.psd1", "VertexAI.Requirements.ps1", "VertexAI.format.ps1xml", "LICENSE"];

    [Theory]
    [InlineData("VertexAI.dll")]
    [InlineData("VertexAI.psd1")]
    [InlineData("VertexAI.Requirements.ps1")]
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
}
