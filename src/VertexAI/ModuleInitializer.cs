using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace VertexAI.Commands
{
    /// <summary>
    /// Runs when PowerShell imports the module (and again when it is removed): installs the resolver that loads
    /// <c>VertexAI.Core</c> and its dependencies from the <c>Dependencies</c> folder next to this assembly, so that they
    /// never clash with the versions PowerShell or other modules load, and makes the core's public types resolvable by
    /// name in scripts (<c>[VertexAI.ChatCompletion]</c>, <c>catch [VertexAI.GeminiApiException]</c>).
    /// </summary>
    /// <remarks>
    /// PowerShell calls <see cref="OnImport"/> after reading this assembly's exported types and before it scans them for
    /// cmdlets, and may call it more than once; both steps are idempotent. Nothing here names a type of VertexAI.Core or
    /// of its dependencies: the core is loaded by path, into the private context, and only the assemblies its public
    /// types derive from come with it (none of Google.Apis*); importing starts no network work.
    /// </remarks>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        /// <summary>Installs the dependency resolver (once per process) and registers the core's type names.</summary>
        public void OnImport()
        {
            DependencyResolver.Install();
            CoreTypeNames.Register();
        }

        /// <summary>
        /// Removes the core's type names and the resolver's hook on PowerShell's own load context when the module is
        /// removed.
        /// </summary>
        /// <param name="psModuleInfo">The module being removed.</param>
        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            CoreTypeNames.Unregister();
            DependencyResolver.Uninstall();
        }
    }

    /// <summary>
    /// Loads VertexAI.Core and everything it needs from <c>Dependencies/</c>:
    /// <list type="bullet">
    /// <item>On PowerShell 7 (.NET): one private AssemblyLoadContext, reached through reflection because netstandard2.0
    /// has no such type. PowerShell's default context is asked only for <c>VertexAI.Core</c> (the assembly this one
    /// references), which is loaded into the private context; the private context resolves every other assembly whose
    /// file is in <c>Dependencies/</c>.</item>
    /// <item>On Windows PowerShell 5.1 (.NET Framework): <c>AppDomain.AssemblyResolve</c> answers for files in
    /// <c>Dependencies/</c> when the request is ours (made by this assembly or one in <c>Dependencies/</c>, or, with no
    /// requester known, for the module's own assemblies) and the file's identity satisfies it (same public key token,
    /// version no older than asked): it stands in for binding redirects, which only ever go up.</item>
    /// </list>
    /// </summary>
    internal static class DependencyResolver
    {
        internal const string CoreAssemblyName = "VertexAI.Core";
        internal const string DependencyFolderName = "Dependencies";

        /// <summary>
        /// Under <c>Dependencies/</c>: builds that replace a netstandard2.0 dependency on .NET, where the netstandard2.0 build
        /// would define types the runtime already has (Microsoft.Bcl.AsyncInterfaces' IAsyncEnumerable).
        /// </summary>
        internal const string NetCoreFolderName = "netcoreapp";
        private const string AlcTypeName = "System.Runtime.Loader.AssemblyLoadContext";

        private static readonly object s_gate = new object();
        private static readonly Dictionary<string, Assembly> s_loaded = new Dictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);
        private static readonly Assembly s_self = typeof(DependencyResolver).Assembly;

        private static string? s_folder;
        private static bool s_installed;

        // .NET only: the private context and the delegates hooked on the two Resolving events.
        private static object? s_privateContext;
        private static MethodInfo? s_loadFromAssemblyPath;
        private static EventInfo? s_resolvingEvent;
        private static object? s_defaultContext;
        private static Delegate? s_defaultHandler;
        private static bool s_privateHooked;

        // .NET Framework only.
        private static ResolveEventHandler? s_appDomainHandler;

        internal static void Install()
        {
            lock (s_gate)
            {
                if (s_installed) return;
                var location = s_self.Location;
                if (string.IsNullOrEmpty(location)) return;
                var folder = Path.Combine(Path.GetDirectoryName(location)!, DependencyFolderName);
                // Without the folder (a plain build output, where VertexAI.Core sits next to this assembly) the runtime's
                // own probing finds everything: there is nothing to isolate.
                if (!Directory.Exists(folder)) return;
                s_folder = folder;

                var alcType = typeof(object).Assembly.GetType(AlcTypeName, throwOnError: false);
                if (alcType is null)
                {
                    s_appDomainHandler ??= ResolveForAppDomain;
                    AppDomain.CurrentDomain.AssemblyResolve += s_appDomainHandler;
                }
                else
                {
                    HookLoadContexts(alcType);
                }
                s_installed = true;
            }
        }

        internal static void Uninstall()
        {
            lock (s_gate)
            {
                if (!s_installed) return;
                if (s_appDomainHandler is not null)
                {
                    AppDomain.CurrentDomain.AssemblyResolve -= s_appDomainHandler;
                }
                if (s_resolvingEvent is not null && s_defaultContext is not null && s_defaultHandler is not null)
                {
                    s_resolvingEvent.RemoveEventHandler(s_defaultContext, s_defaultHandler);
                }
                // The private context keeps its own handler: only assemblies loaded into it (VertexAI.Core and its
                // dependencies) ask it for anything, and objects made before the removal may still need a dependency
                // that has not been loaded yet.
                s_installed = false;
            }
        }

        private static void HookLoadContexts(Type alcType)
        {
            if (s_privateContext is null)
            {
                // One private context for the process, never replaced: after Remove-Module and Import-Module the runtime
                // keeps this assembly bound to the VertexAI.Core already loaded into it.
                var ctor = alcType.GetConstructor(new[] { typeof(string), typeof(bool) })
                    ?? throw new MissingMethodException(AlcTypeName, ".ctor(string, bool)");
                s_loadFromAssemblyPath = alcType.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) })
                    ?? throw new MissingMethodException(AlcTypeName, "LoadFromAssemblyPath");
                s_resolvingEvent = alcType.GetEvent("Resolving")
                    ?? throw new MissingMemberException(AlcTypeName, "Resolving");
                s_defaultContext = alcType.GetProperty("Default", BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
                    ?? throw new MissingMemberException(AlcTypeName, "Default");
                s_privateContext = ctor.Invoke(new object[] { "VertexAI", false });
            }

            var handlerType = s_resolvingEvent!.EventHandlerType!;
            if (!s_privateHooked)
            {
                // Func<AssemblyLoadContext, AssemblyName, Assembly?>: a method taking object binds contravariantly.
                var privateHandler = Delegate.CreateDelegate(handlerType, typeof(DependencyResolver).GetMethod(nameof(ResolveForPrivateContext), BindingFlags.NonPublic | BindingFlags.Static)!);
                s_resolvingEvent.AddEventHandler(s_privateContext, privateHandler);
                s_privateHooked = true;
            }
            s_defaultHandler ??= Delegate.CreateDelegate(handlerType, typeof(DependencyResolver).GetMethod(nameof(ResolveForDefaultContext), BindingFlags.NonPublic | BindingFlags.Static)!);
            s_resolvingEvent.AddEventHandler(s_defaultContext, s_defaultHandler);
        }

        /// <summary>
        /// Loads VertexAI.Core the way the runtime would when a cmdlet first needs it (into the private context on .NET,
        /// through <see cref="Assembly.LoadFrom(string)"/> on .NET Framework), so that its types can be named before any
        /// cmdlet has run. Later binds of the cmdlet assembly's reference get this same assembly. Null when the resolver
        /// is not installed (no <c>Dependencies/</c> folder: the core then sits next to this assembly, visible as usual).
        /// </summary>
        internal static Assembly? LoadCore()
        {
            lock (s_gate)
            {
                if (!s_installed) return null;
            }
            if (s_privateContext is not null) return LoadPrivate(CoreAssemblyName);
            var path = FileFor(CoreAssemblyName);
            return path is null ? null : LoadOnce(CoreAssemblyName, path, Assembly.LoadFrom);
        }

        // PowerShell's context is asked for VertexAI.Core when a cmdlet type is first inspected: answer with the copy in
        // the private context. Nothing else is answered there, so nothing of ours lands in the shared context.
        private static Assembly? ResolveForDefaultContext(object context, AssemblyName name)
            => string.Equals(name.Name, CoreAssemblyName, StringComparison.OrdinalIgnoreCase) ? LoadPrivate(name.Name!) : null;

        // The private context falls back to PowerShell's context first (so framework assemblies, and any the host has
        // in a sufficient version, are shared); what that cannot supply comes from Dependencies/.
        private static Assembly? ResolveForPrivateContext(object context, AssemblyName name)
            => name.Name is null ? null : LoadPrivate(name.Name);

        private static Assembly? LoadPrivate(string simpleName)
        {
            var path = FileFor(simpleName, NetCoreFolderName) ?? FileFor(simpleName);
            return path is null ? null : LoadOnce(simpleName, path, p => (Assembly)s_loadFromAssemblyPath!.Invoke(s_privateContext, new object[] { p })!);
        }

        private static Assembly? ResolveForAppDomain(object? sender, ResolveEventArgs args)
        {
            var requested = new AssemblyName(args.Name);
            var simpleName = requested.Name;
            if (simpleName is null) return null;
            // Another module's request is not ours to answer: with a requester, only ours (this assembly and what sits in
            // Dependencies/); without one (.NET Framework often gives none), only the module's own assemblies.
            var requester = args.RequestingAssembly;
            if (requester is null ? !IsOwnAssemblyName(simpleName) : requester != s_self && !IsFromDependencyFolder(requester)) return null;
            var path = FileFor(simpleName);
            if (path is null || !Satisfies(path, requested)) return null;
            return LoadOnce(simpleName, path, Assembly.LoadFrom);
        }

        // The module's own assemblies: this one's name family (VertexAI.Core), never a shared library such as Newtonsoft.Json.
        private static bool IsOwnAssemblyName(string simpleName)
            => simpleName.StartsWith("VertexAI", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// Whether the file at <paramref name="path"/> can stand in for <paramref name="requested"/>: the same name and
        /// public key token, and a version no older than the one asked for (a binding redirect only ever goes up).
        /// </summary>
        internal static bool Satisfies(string path, AssemblyName requested)
        {
            AssemblyName shipped;
            try
            {
                // Reads the identity from metadata without loading the file.
                shipped = AssemblyName.GetAssemblyName(path);
            }
            catch (Exception ex) when (ex is BadImageFormatException || ex is IOException || ex is System.Security.SecurityException)
            {
                return false;
            }
            return Satisfies(shipped, requested);
        }

        /// <summary>The identity rule of <see cref="Satisfies(string, AssemblyName)"/>, for two names.</summary>
        internal static bool Satisfies(AssemblyName shipped, AssemblyName requested)
        {
            if (!string.Equals(shipped.Name, requested.Name, StringComparison.OrdinalIgnoreCase)) return false;
            if (requested.Version is not null && (shipped.Version is null || shipped.Version < requested.Version)) return false;
            var wantedKey = requested.GetPublicKeyToken();
            if (wantedKey is null || wantedKey.Length == 0) return true;
            var key = shipped.GetPublicKeyToken();
            if (key is null || key.Length != wantedKey.Length) return false;
            for (var i = 0; i < key.Length; i++)
            {
                if (key[i] != wantedKey[i]) return false;
            }
            return true;
        }

        // Each dependency is loaded once; later requests (any version) get the same assembly.
        private static Assembly LoadOnce(string simpleName, string path, Func<string, Assembly> load)
        {
            lock (s_gate)
            {
                if (!s_loaded.TryGetValue(simpleName, out var assembly))
                {
                    assembly = load(path);
                    s_loaded[simpleName] = assembly;
                }
                return assembly;
            }
        }

        private static bool IsFromDependencyFolder(Assembly assembly)
        {
            try
            {
                var location = assembly.Location;
                return !string.IsNullOrEmpty(location)
                    && string.Equals(Path.GetDirectoryName(location), s_folder, StringComparison.OrdinalIgnoreCase);
            }
            catch (NotSupportedException)
            {
                // Dynamic assemblies have no location.
                return false;
            }
        }

        private static string? FileFor(string simpleName, string? subfolder = null)
        {
            var folder = s_folder;
            if (folder is null || simpleName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0) return null;
            if (subfolder is not null) folder = Path.Combine(folder, subfolder);
            var path = Path.Combine(folder, simpleName + ".dll");
            return File.Exists(path) ? path : null;
        }
    }
}
