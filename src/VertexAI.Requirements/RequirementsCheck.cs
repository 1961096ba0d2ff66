using System;
using System.Management.Automation;
using Microsoft.Win32;

namespace VertexAI.Requirements
{
    /// <summary>
    /// Stops the import of VertexAI in Windows PowerShell on a .NET Framework older than 4.7.2, with a message that says
    /// what to install. PowerShell runs it as the module initializer of the manifest's nested module, which it imports
    /// before the root module (VertexAI.dll) and so before it reads any type that needs netstandard.dll.
    /// </summary>
    /// <remarks>
    /// VertexAI.dll targets netstandard2.0, which .NET Framework carries in-box from 4.7.1 on (4.7.2 fixed its binding
    /// problems). Without this check Windows PowerShell on .NET 4.6.x fails the import with "Could not load file or
    /// assembly 'netstandard, Version=2.0.0.0'": it does not enforce the manifest's DotNetFrameworkVersion (it knows only
    /// versions below 4.5). The rule is Az's Test-DotNet: release 461808 (4.7.2) or later under
    /// <c>HKLM\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full</c>; when that cannot be read, the import goes on.
    /// On PowerShell 7 (.NET) nothing is read and nothing happens.
    /// </remarks>
    public sealed class RequirementsCheck : IModuleAssemblyInitializer
    {
        /// <summary>The registry's <c>Release</c> value of .NET Framework 4.7.2, the oldest that VertexAI runs on.</summary>
        internal const int MinimumRelease = 461808;

        /// <summary>The error id of the import's failure (PowerShell appends <c>,Microsoft.PowerShell.Commands.ImportModuleCommand</c>).</summary>
        internal const string ErrorId = "VertexAI.NetFrameworkTooOld";

        private const string FrameworkKey = @"SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full";

        // The smallest release value of each version, from Microsoft's "How to determine which .NET Framework versions
        // are installed", newest first. Two arrays, not tuples: System.ValueTuple is not in .NET Framework before 4.7.
        private static readonly int[] s_knownReleases = { 461308, 460798, 394802, 394254, 393295, 379893, 378675, 378389 };
        private static readonly string[] s_knownVersions = { "4.7.1", "4.7", "4.6.2", "4.6.1", "4.6", "4.5.2", "4.5.1", "4.5" };

        // For tests only (tests/pester/Requirements.Tests.ps1, which sets them by reflection in a fresh pwsh before it
        // imports the module): PowerShell 7 on Linux has neither .NET Framework nor its registry key.
        internal static bool? s_desktopOverride;
        internal static int? s_releaseOverride;

        /// <summary>
        /// Called by PowerShell when it imports the nested module: throws the import's error on a .NET Framework older
        /// than 4.7.2, and returns at once anywhere else.
        /// </summary>
        public void OnImport()
        {
            var releaseOverride = s_releaseOverride;
            var failure = Evaluate(s_desktopOverride ?? IsNetFramework(), releaseOverride is null ? ReadRelease : () => releaseOverride);
            if (failure is not null)
            {
                // PowerShell reports the exception's ErrorRecord (id, category, target) as Import-Module's error.
                throw new RuntimeException(failure.Exception.Message, failure.Exception, failure);
            }
        }

        /// <summary>
        /// The decision, apart from where its inputs come from: null to go on, else the error that stops the import.
        /// <paramref name="readRelease"/> is called only on .NET Framework; a value it cannot give (null or an exception)
        /// lets the import go on, as the netstandard error, if any, still follows.
        /// </summary>
        internal static ErrorRecord? Evaluate(bool netFramework, Func<int?> readRelease)
        {
            if (!netFramework) return null;
            int? release;
            try
            {
                release = readRelease();
            }
            catch (Exception)
            {
                release = null;
            }
            if (release is null || release.Value >= MinimumRelease) return null;

            var found = "a .NET Framework older than 4.5";
            for (var i = 0; i < s_knownReleases.Length; i++)
            {
                if (release.Value >= s_knownReleases[i])
                {
                    found = ".NET Framework " + s_knownVersions[i];
                    break;
                }
            }
            var message = "VertexAI needs .NET Framework 4.7.2 or later in Windows PowerShell; this computer has " + found
                + " (release " + release.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "). "
                + "Install .NET Framework 4.8 (https://dotnet.microsoft.com/download/dotnet-framework) and start a new Windows PowerShell, "
                + "or use PowerShell 7, which brings its own .NET.";
            return new ErrorRecord(new PlatformNotSupportedException(message), ErrorId, ErrorCategory.NotInstalled, release.Value);
        }

        // .NET Framework has no AssemblyLoadContext; every .NET that PowerShell 7 runs on has it in its core library.
        private static bool IsNetFramework()
            => typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext", throwOnError: false) is null;

        private static int? ReadRelease()
        {
            using var key = Registry.LocalMachine.OpenSubKey(FrameworkKey);
            return key?.GetValue("Release") is int release ? release : null;
        }
    }
}
