namespace VertexAI.Module.Tests;

/// <summary>VertexAI.psd1 (the source and the published copy), read without PowerShell.</summary>
[Collection(ModuleCollection.Name)]
public sealed class ManifestTests(ModuleFixture module)
{
    private readonly Dictionary<string, object?> _manifest =
        PowerShellDataFile.ParseHashtable(File.ReadAllText(Path.Combine(module.ModuleDir, "VertexAI.psd1")));

    [Fact]
    public void SourceManifestParsesAndAgreesWithThePublishedOne()
    {
        var source = PowerShellDataFile.ParseHashtable(File.ReadAllText(RepoPaths.SourceManifest));
        foreach (var key in new[] { "RootModule", "ModuleVersion", "GUID", "PowerShellVersion", "FormatsToProcess", "CmdletsToExport", "CompatiblePSEditions", "NestedModules" })
        {
            Assert.True(source.ContainsKey(key), $"The source manifest has no {key}.");
            Assert.Equal(Flatten(source[key]), Flatten(_manifest[key]));
        }
    }

    [Fact]
    public void RootModuleIsTheCmdletAssembly()
    {
        Assert.Equal("VertexAI.dll", _manifest["RootModule"]);
        Assert.False(_manifest.ContainsKey("ModuleToProcess"), "ModuleToProcess is the obsolete name of RootModule.");
    }

    [Fact]
    public void ModuleVersionIsAVersion()
    {
        Assert.True(Version.TryParse(_manifest["ModuleVersion"] as string, out var version), "ModuleVersion must be a version string such as '0.1.0'.");
        Assert.True(version!.Major > 0 || version.Minor > 0 || version.Build > 0, "ModuleVersion must not be 0.0.0.");
    }

    [Fact]
    public void GuidIsAFixedNonEmptyGuid()
    {
        Assert.True(Guid.TryParse(_manifest["GUID"] as string, out var guid), "GUID must be a GUID string.");
        Assert.NotEqual(Guid.Empty, guid);
    }

    [Fact]
    public void RunsOnWindowsPowerShell51AndPowerShell7()
    {
        Assert.Equal(new[] { "Core", "Desktop" }, Strings(_manifest["CompatiblePSEditions"]).Order(StringComparer.Ordinal));
        Assert.Equal("5.1", _manifest["PowerShellVersion"]);
    }

    [Fact]
    public void FormatsToProcessNamesAFileOfThePublishedModule()
    {
        var formats = Strings(_manifest["FormatsToProcess"]);
        Assert.Equal(new[] { "VertexAI.format.ps1xml" }, formats);
        Assert.All(formats, f => Assert.True(File.Exists(Path.Combine(module.ModuleDir, f)), $"{f} is not in the published module."));
    }

    [Fact]
    public void CmdletsToExportAreExactlyTheCmdletClasses()
    {
        var exported = Strings(_manifest["CmdletsToExport"]);
        Assert.DoesNotContain("*", exported);
        Assert.Equal(module.Cmdlets.Select(c => c.Name).Order(StringComparer.Ordinal), exported.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("FunctionsToExport")]
    [InlineData("AliasesToExport")]
    [InlineData("VariablesToExport")]
    public void NothingElseIsExported(string key)
    {
        // Absent means '*', which makes PowerShell search the module on every command lookup; empty is explicit.
        Assert.True(_manifest.ContainsKey(key), $"{key} must be given (as @()), not left to default to '*'.");
        Assert.Empty(Strings(_manifest[key]));
    }

    [Fact]
    public void NoDependencyIsLoadedByTheManifest()
    {
        // RequiredAssemblies and NestedModules load into PowerShell's own context, defeating the isolation of Dependencies/.
        // The one nested module is the requirements check, which depends on nothing (LayoutTests checks its references).
        if (_manifest.TryGetValue("RequiredAssemblies", out var assemblies))
        {
            Assert.Empty(Strings(assemblies));
        }
        Assert.Equal(new[] { "VertexAI.Requirements.dll" }, Strings(_manifest["NestedModules"]));
    }

    [Fact]
    public void NoScriptRunsOnImport()
    {
        // The first script a session runs costs PowerShell 7 about 50 ms (it compiles the script machinery); the .NET
        // Framework check that needs to run before VertexAI.dll loads is the nested module, not a ScriptsToProcess script.
        if (_manifest.TryGetValue("ScriptsToProcess", out var scripts))
        {
            Assert.Empty(Strings(scripts));
        }
        Assert.Empty(Directory.EnumerateFiles(module.ModuleDir, "*.ps1"));
        Assert.Empty(Directory.EnumerateFiles(module.ModuleDir, "*.psm1"));
    }

    [Fact]
    public void GalleryMetadataIsPresent()
    {
        var privateData = Assert.IsType<Dictionary<string, object?>>(_manifest["PrivateData"]);
        var psData = Assert.IsType<Dictionary<string, object?>>(privateData["PSData"]);
        var tags = Strings(psData["Tags"]);
        Assert.NotEmpty(tags);
        Assert.All(tags, t => Assert.DoesNotContain(' ', t));
        foreach (var key in new[] { "ProjectUri", "LicenseUri" })
        {
            Assert.True(psData.TryGetValue(key, out var uri), $"PSData has no {key}.");
            Assert.True(Uri.TryCreate(uri as string, UriKind.Absolute, out var parsed) && parsed.Scheme == Uri.UriSchemeHttps, $"{key} must be an absolute https URI.");
        }

        Assert.False(string.IsNullOrWhiteSpace(psData.GetValueOrDefault("ReleaseNotes") as string), "PSData needs ReleaseNotes.");
        Assert.False(string.IsNullOrWhiteSpace(_manifest.GetValueOrDefault("Description") as string), "The Gallery requires a Description.");
        Assert.False(string.IsNullOrWhiteSpace(_manifest.GetValueOrDefault("Author") as string), "The manifest needs an Author.");
    }

    [Fact]
    public void LicenseUriPointsAtTheLicenseThatShipsWithTheModule()
    {
        var privateData = Assert.IsType<Dictionary<string, object?>>(_manifest["PrivateData"]);
        var psData = Assert.IsType<Dictionary<string, object?>>(privateData["PSData"]);
        Assert.Equal($"{psData["ProjectUri"]}/blob/main/LICENSE", psData["LicenseUri"]);
        Assert.StartsWith("MIT License", File.ReadAllText(Path.Combine(RepoPaths.Root, "LICENSE")));
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "LICENSE")), File.ReadAllText(Path.Combine(module.ModuleDir, "LICENSE")));
    }

    /// <summary>A manifest value that may be a single string or an array, as a list of strings.</summary>
    internal static List<string> Strings(object? value) => value switch
    {
        null => [],
        string s => [s],
        List<object?> list => list.Select(v => Assert.IsType<string>(v)).ToList(),
        _ => throw new Xunit.Sdk.XunitException($"Expected a string or an array of strings, got {value.GetType().Name}."),
    };

    private static string Flatten(object? value) => value switch
    {
        List<object?> list => string.Join("|", list.Select(Flatten)),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "$null",
    };
}
