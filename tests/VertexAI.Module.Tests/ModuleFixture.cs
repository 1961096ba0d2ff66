using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace VertexAI.Module.Tests;

/// <summary>
/// Publishes the module once for the whole test run (<c>dotnet publish src/VertexAI -c Release -p:ModuleOutDir=...</c>,
/// with its own artifacts path so that it never competes with a build of the solution), then opens the cmdlet
/// assembly and its dependencies in a <see cref="MetadataLoadContext"/>: nothing from the module is ever loaded for
/// execution, and System.Management.Automation comes from PowerShellStandard.Library's reference assembly.
/// </summary>
/// <remarks>
/// Set VERTEXAI_MODULE_DIR to an already published module folder (one holding VertexAI.psd1) to skip the publish step.
/// </remarks>
public sealed class ModuleFixture : IDisposable
{
    public const string ModuleDirVariable = "VERTEXAI_MODULE_DIR";
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);
    private readonly string? _tempRoot;

    public ModuleFixture()
    {
        var given = Environment.GetEnvironmentVariable(ModuleDirVariable);
        if (!string.IsNullOrWhiteSpace(given))
        {
            ModuleDir = Path.GetFullPath(given);
            if (!File.Exists(Path.Combine(ModuleDir, "VertexAI.psd1")))
            {
                throw new InvalidOperationException($"{ModuleDirVariable}={given} does not hold VertexAI.psd1.");
            }
        }
        else
        {
            _tempRoot = Path.Combine(Path.GetTempPath(), "VertexAI.Module.Tests-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(_tempRoot);
            ModuleDir = Publish(_tempRoot);
        }

        DependenciesDir = Path.Combine(ModuleDir, "Dependencies");
        CmdletAssemblyPath = Path.Combine(ModuleDir, "VertexAI.dll");
        CoreAssemblyPath = Path.Combine(DependenciesDir, "VertexAI.Core.dll");
        if (!File.Exists(CmdletAssemblyPath))
        {
            throw new FileNotFoundException("The published module has no VertexAI.dll.", CmdletAssemblyPath);
        }

        LoadContext = new MetadataLoadContext(new PathAssemblyResolver(ResolverPaths()), typeof(object).Assembly.GetName().Name);
        CmdletAssembly = LoadContext.LoadFromAssemblyPath(CmdletAssemblyPath);
        CoreAssembly = File.Exists(CoreAssemblyPath) ? LoadContext.LoadFromAssemblyPath(CoreAssemblyPath) : null;
        Automation = LoadContext.LoadFromAssemblyPath(RepoPaths.PowerShellStandardReference);
        Cmdlets = CmdletModel.ReadAll(CmdletAssembly, Automation);
    }

    /// <summary>The published module folder (VertexAI.psd1, VertexAI.dll, en-US/, Dependencies/).</summary>
    public string ModuleDir { get; }

    public string DependenciesDir { get; }

    public string CmdletAssemblyPath { get; }

    public string CoreAssemblyPath { get; }

    public MetadataLoadContext LoadContext { get; }

    public Assembly CmdletAssembly { get; }

    /// <summary>VertexAI.Core from Dependencies/, or null when the layout is wrong (the layout tests say so).</summary>
    public Assembly? CoreAssembly { get; }

    /// <summary>System.Management.Automation (PowerShellStandard.Library's reference assembly).</summary>
    public Assembly Automation { get; }

    /// <summary>Every class of the cmdlet assembly with a [Cmdlet] attribute.</summary>
    public IReadOnlyList<CmdletModel> Cmdlets { get; }

    public Type AutomationType(string fullName) =>
        Automation.GetType(fullName, throwOnError: true)!;

    public void Dispose()
    {
        LoadContext.Dispose();
        if (_tempRoot is not null)
        {
            try
            {
                Directory.Delete(_tempRoot, recursive: true);
            }
            catch (IOException)
            {
                // A scanner or indexer may still hold a file; the temp folder is cleaned by the OS eventually.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>
    /// The runtime's own assemblies first (newest, and consistent with each other), then what only the module brings
    /// (its assemblies and Dependencies/), then the SMA reference assembly. One path per simple name.
    /// </summary>
    private IEnumerable<string> ResolverPaths()
    {
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        void Add(IEnumerable<string> paths)
        {
            foreach (var path in paths)
            {
                byName.TryAdd(Path.GetFileNameWithoutExtension(path), path);
            }
        }

        Add(Directory.EnumerateFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"));
        Add(Directory.EnumerateFiles(ModuleDir, "*.dll"));
        if (Directory.Exists(DependenciesDir))
        {
            Add(Directory.EnumerateFiles(DependenciesDir, "*.dll"));
        }

        byName["System.Management.Automation"] = RepoPaths.PowerShellStandardReference;
        return byName.Values;
    }

    private static string Publish(string tempRoot)
    {
        var moduleDir = Path.Combine(tempRoot, "VertexAI");
        var artifacts = Path.Combine(tempRoot, "artifacts");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "publish", RepoPaths.ModuleProject, "-c", "Release", "--nologo",
            "--artifacts-path", artifacts,
            "-p:ModuleOutDir=" + moduleDir + Path.DirectorySeparatorChar,
        })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // The test host's MSBuild variables must not leak into the child build.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(PublishTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish did not finish within {PublishTimeout}:\n{output}");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish src/VertexAI failed with exit code {process.ExitCode}:\n{output}");
        }

        // ModuleOutDir is the module folder itself; accept a layout one level down too, so the message below is about
        // what matters when neither exists.
        foreach (var candidate in new[] { moduleDir, Path.Combine(moduleDir, "VertexAI") })
        {
            if (File.Exists(Path.Combine(candidate, "VertexAI.psd1")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"dotnet publish succeeded but {moduleDir} holds no VertexAI.psd1 (is ModuleOutDir honoured?):\n{output}");
    }
}

[CollectionDefinition(Name)]
public sealed class ModuleCollection : ICollectionFixture<ModuleFixture>
{
    public const string Name = "Published module";
}
