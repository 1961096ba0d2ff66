using System.Reflection;

namespace VertexAI.Module.Tests;

/// <summary>Where things are: the repository root (found by walking up to VertexAIPs.sln) and the files in it.</summary>
internal static class RepoPaths
{
    public const string SolutionFile = "VertexAIPs.sln";

    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The directory holding VertexAIPs.sln, searched upwards from the test assembly, then from the working directory.</summary>
    public static string Root => s_root.Value;

    public static string HelpXml => Path.Combine(Root, "en-US", "VertexAI.dll-Help.xml");

    public static string AboutHelp => Path.Combine(Root, "en-US", "about_VertexAI.help.txt");

    public static string SourceManifest => Path.Combine(Root, "VertexAI.psd1");

    public static string ModuleProject => Path.Combine(Root, "src", "VertexAI");

    /// <summary>The PowerShellStandard.Library package folder, recorded at build time by the project file.</summary>
    public static string PowerShellStandardReference
    {
        get
        {
            var dir = typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "PowerShellStandardLibraryDir")?.Value;
            if (string.IsNullOrEmpty(dir))
            {
                throw new InvalidOperationException("The build did not record the PowerShellStandard.Library package folder (GeneratePathProperty).");
            }

            var path = Path.Combine(dir, "lib", "netstandard2.0", "System.Management.Automation.dll");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException("The System.Management.Automation reference assembly is missing from PowerShellStandard.Library.", path);
        }
    }

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException($"No {SolutionFile} above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}.");
    }
}
