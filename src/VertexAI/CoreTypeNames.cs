using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Reflection;

namespace VertexAI.Commands
{
    /// <summary>
    /// Makes the public types of VertexAI.Core (<c>VertexAI.ChatCompletion</c>, <c>VertexAI.GeminiApiException</c>, ...)
    /// resolvable by their full names in scripts: <c>catch [VertexAI.GeminiApiException]</c>, <c>-is</c>, parameter types.
    /// </summary>
    /// <remarks>
    /// On PowerShell 7 the core lives in the private load context, and PowerShell's type-name resolution
    /// (TypeResolver, through ClrFacade.GetAssemblies) searches only the default context and the "individual" contexts of
    /// Assembly.LoadFile / Load(byte[]); it falls back to the user type accelerators last. So each public type is added
    /// as an accelerator under its own full name: the very same Type object, so <c>-is</c> and <c>catch</c> match what
    /// the cmdlets return and throw, and nothing moves into the default context.
    /// <para>
    /// TypeAccelerators is internal to System.Management.Automation (its Add, Remove and Get are public), in Windows
    /// PowerShell 5.1 as in PowerShell 7; it is reached by reflection. Accelerators are process-wide, like the private
    /// context: a name another type already holds is left alone (and listed in <see cref="Skipped"/>).
    /// </para>
    /// </remarks>
    internal static class CoreTypeNames
    {
        private const string AcceleratorsTypeName = "System.Management.Automation.TypeAccelerators";

        private static readonly object s_gate = new object();
        private static readonly Dictionary<string, Type> s_registered = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        private static readonly List<string> s_skipped = new List<string>();

        /// <summary>The full names this module added as accelerators (empty before import and after removal).</summary>
        internal static IReadOnlyCollection<string> Registered
        {
            get { lock (s_gate) return new List<string>(s_registered.Keys); }
        }

        /// <summary>Full names of core types left out because an accelerator of that name already meant another type.</summary>
        internal static IReadOnlyList<string> Skipped
        {
            get { lock (s_gate) return s_skipped.ToArray(); }
        }

        /// <summary>
        /// Loads the core (privately, see <see cref="DependencyResolver.LoadCore"/>) and adds an accelerator per public
        /// type. Idempotent: PowerShell may run the initializer twice for one import, and a name that already maps to the
        /// same type is just kept.
        /// </summary>
        internal static void Register()
        {
            lock (s_gate)
            {
                // The core is loaded even without the accelerator API: on Windows PowerShell 5.1 that alone makes its
                // types resolvable (there type names are searched in every assembly of the AppDomain).
                var core = DependencyResolver.LoadCore();
                if (core is null) return;
                var api = AcceleratorApi.Find();
                if (api is null) return;

                s_skipped.Clear();
                var existing = api.Current();
                foreach (var type in core.GetExportedTypes())
                {
                    // Full names as PowerShell spells them: nested types with '+', generic definitions with `n (which
                    // is what [VertexAI.X[string]] looks up once the plain name is not found).
                    var name = type.FullName;
                    if (name is null) continue;
                    if (existing.TryGetValue(name, out var taken) && taken is not null && taken != type)
                    {
                        s_skipped.Add(name);
                        continue;
                    }
                    if (taken != type) api.Add(name, type);
                    s_registered[name] = type;
                }
            }
        }

        /// <summary>Removes the accelerators this module added that still mean the type it added them for.</summary>
        internal static void Unregister()
        {
            lock (s_gate)
            {
                var api = AcceleratorApi.Find();
                if (api is not null && s_registered.Count > 0)
                {
                    var existing = api.Current();
                    foreach (var pair in s_registered)
                    {
                        if (existing.TryGetValue(pair.Key, out var type) && type == pair.Value) api.Remove(pair.Key);
                    }
                }
                s_registered.Clear();
                s_skipped.Clear();
            }
        }

        private sealed class AcceleratorApi
        {
            private readonly MethodInfo _add;
            private readonly MethodInfo _remove;
            private readonly PropertyInfo _get;

            private AcceleratorApi(MethodInfo add, MethodInfo remove, PropertyInfo get)
            {
                _add = add;
                _remove = remove;
                _get = get;
            }

            // Null if a future PowerShell drops or reshapes the internal class: the cmdlets still work, only the type
            // names of the private core stay unresolvable.
            internal static AcceleratorApi? Find()
            {
                var type = typeof(PSObject).Assembly.GetType(AcceleratorsTypeName, throwOnError: false);
                var add = type?.GetMethod("Add", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string), typeof(Type) }, null);
                var remove = type?.GetMethod("Remove", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string) }, null);
                var get = type?.GetProperty("Get", BindingFlags.Public | BindingFlags.Static);
                return add is null || remove is null || get is null || !typeof(IDictionary<string, Type>).IsAssignableFrom(get.PropertyType)
                    ? null
                    : new AcceleratorApi(add, remove, get);
            }

            // Builtin and user accelerators together (PowerShell's own view, case-insensitive).
            internal IDictionary<string, Type> Current() => (IDictionary<string, Type>)_get.GetValue(null)!;

            internal void Add(string name, Type type) => _add.Invoke(null, new object[] { name, type });

            internal void Remove(string name) => _remove.Invoke(null, new object[] { name });
        }
    }
}
