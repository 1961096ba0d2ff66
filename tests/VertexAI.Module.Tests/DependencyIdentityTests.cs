using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace VertexAI.Module.Tests;

/// <summary>
/// What Windows PowerShell 5.1's resolver relies on, read from metadata: every reference inside Dependencies/ is met by a
/// shipped file of exactly that identity, or by an assembly .NET Framework 4.7.2 has in the box (so the resolver never
/// has to answer with a different version); and the cmdlet assembly's public types expose nothing from Dependencies/
/// (PowerShell reflects over them at import, before any resolver could isolate those assemblies).
/// </summary>
[Collection(ModuleCollection.Name)]
public sealed class DependencyIdentityTests(ModuleFixture module)
{
    // .NET Framework 4.7.2's own assemblies and facades that netstandard2.0 libraries reference.
    private static readonly HashSet<string> InTheBox = new(StringComparer.OrdinalIgnoreCase)
    {
        "mscorlib", "netstandard", "System", "System.Core", "System.Data", "System.Xml", "System.Xml.Linq", "System.Numerics",
        "System.Net.Http", "System.Runtime.Serialization", "System.Configuration", "System.Drawing", "System.IO.Compression",
        "System.Transactions", "System.Security", "Microsoft.CSharp", "System.Web", "System.ComponentModel.Composition",
        "System.Runtime", "System.Runtime.InteropServices", "System.Runtime.InteropServices.RuntimeInformation",
        "System.Collections", "System.Threading", "System.Threading.Tasks", "System.Reflection", "System.Linq", "System.IO",
    };

    private static (string Name, Version Version, string Token) Identity(MetadataReader md, StringHandle name, Version version, BlobHandle keyOrToken, bool isFullKey)
    {
        var bytes = md.GetBlobBytes(keyOrToken);
        if (isFullKey && bytes.Length > 0)
        {
            // The token is the last 8 bytes of the key's SHA-1, reversed.
            var hash = System.Security.Cryptography.SHA1.HashData(bytes);
            bytes = hash[^8..];
            Array.Reverse(bytes);
        }
        return (md.GetString(name), version, Convert.ToHexString(bytes).ToLowerInvariant());
    }

    [Fact]
    public void Every_reference_in_Dependencies_is_a_shipped_identity_or_in_the_box()
    {
        var files = Directory.GetFiles(module.DependenciesDir, "*.dll");
        var shipped = new Dictionary<string, (string Name, Version Version, string Token)>(StringComparer.OrdinalIgnoreCase);
        var references = new List<(string From, (string Name, Version Version, string Token) Ref)>();
        foreach (var file in files)
        {
            using var pe = new PEReader(File.OpenRead(file));
            var md = pe.GetMetadataReader();
            var def = md.GetAssemblyDefinition();
            var id = Identity(md, def.Name, def.Version, def.PublicKey, isFullKey: true);
            shipped[id.Name] = id;
            foreach (var handle in md.AssemblyReferences)
            {
                var r = md.GetAssemblyReference(handle);
                references.Add((id.Name, Identity(md, r.Name, r.Version, r.PublicKeyOrToken, (r.Flags & System.Reflection.AssemblyFlags.PublicKey) != 0)));
            }
        }
        Assert.NotEmpty(references);

        var unmet = references
            .Where(x => shipped.TryGetValue(x.Ref.Name, out var s) ? s != x.Ref : !InTheBox.Contains(x.Ref.Name))
            .Select(x => $"{x.From} -> {x.Ref.Name} {x.Ref.Version} ({x.Ref.Token})"
                + (shipped.TryGetValue(x.Ref.Name, out var s) ? $", shipped {s.Version} ({s.Token})" : ", neither shipped nor in .NET Framework"))
            .Distinct()
            .ToList();
        Assert.True(unmet.Count == 0, "References not met exactly:\n" + string.Join("\n", unmet));
    }

    // VertexAI.Core is the module's own: the cmdlets' parameters and outputs are its types, and the resolver answers for
    // it by design. The third-party libraries beside it are what must never surface in a type PowerShell reflects over.
    [Fact]
    public void No_public_type_of_the_cmdlet_assembly_takes_a_type_from_Dependencies()
    {
        var dependencies = new HashSet<string>(
            Directory.GetFiles(module.DependenciesDir, "*.dll").Select(Path.GetFileNameWithoutExtension)!, StringComparer.OrdinalIgnoreCase);
        dependencies.Remove("VertexAI.Core");
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var found = new List<string>();

        void Check(Type owner, string role, Type? type)
        {
            if (type is null) return;
            if (type.HasElementType) type = type.GetElementType()!;
            if (type.IsGenericType && !type.IsGenericTypeDefinition)
            {
                foreach (var arg in type.GetGenericArguments()) Check(owner, role, arg);
                type = type.GetGenericTypeDefinition();
            }
            if (type.IsGenericParameter) return;
            if (dependencies.Contains(type.Assembly.GetName().Name!)) found.Add($"{owner.FullName}: {role} {type.FullName} ({type.Assembly.GetName().Name})");
        }

        foreach (var type in module.CmdletAssembly.GetExportedTypes())
        {
            for (var b = type.BaseType; b is not null && b.Assembly == module.CmdletAssembly; b = b.BaseType) Check(type, "base type", b.BaseType);
            Check(type, "base type", type.BaseType);
            foreach (var i in type.GetInterfaces()) Check(type, "interface", i);
            foreach (var f in type.GetFields(all)) Check(type, "field " + f.Name, f.FieldType);
        }
        Assert.True(found.Count == 0, "Public types of VertexAI.dll that need a third-party assembly of Dependencies/ to load:\n" + string.Join("\n", found.Distinct()));
    }
}
