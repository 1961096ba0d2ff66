using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace VertexAI.Module.Tests;

/// <summary>
/// Finds the assemblies that the method bodies of some types refer to, by decoding their IL with
/// System.Reflection.Metadata: every token operand (methods, fields, types, member references, method and type
/// specifications, signatures), local variable signatures and catch types. Calls into other methods of the same
/// assembly are followed (those bodies are compiled when the calling code runs), as are the static constructors of the
/// types touched.
/// </summary>
public sealed class IlReferenceScanner : IDisposable
{
    private static readonly Dictionary<short, OpCode> s_opCodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private readonly PEReader _pe;
    private readonly MetadataReader _md;

    public IlReferenceScanner(string assemblyPath)
    {
        _pe = new PEReader(File.OpenRead(assemblyPath));
        _md = _pe.GetMetadataReader();
    }

    public MetadataReader Reader => _md;

    public void Dispose() => _pe.Dispose();

    /// <summary>Type definitions implementing an interface with this namespace and name.</summary>
    public IReadOnlyList<TypeDefinitionHandle> TypesImplementing(string ns, string name) =>
        _md.TypeDefinitions.Where(h => _md.GetTypeDefinition(h).GetInterfaceImplementations()
            .Any(i => IsNamed(_md.GetInterfaceImplementation(i).Interface, ns, name))).ToList();

    public TypeDefinitionHandle? FindType(string ns, string name) =>
        _md.TypeDefinitions.Cast<TypeDefinitionHandle?>().FirstOrDefault(h =>
            _md.GetString(_md.GetTypeDefinition(h!.Value).Namespace) == ns && _md.GetString(_md.GetTypeDefinition(h.Value).Name) == name);

    public string TypeName(TypeDefinitionHandle handle)
    {
        var type = _md.GetTypeDefinition(handle);
        var name = _md.GetString(type.Name);
        var declaring = type.GetDeclaringType();
        if (!declaring.IsNil)
        {
            return TypeName(declaring) + "+" + name;
        }

        var ns = _md.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    /// <summary>
    /// The external assemblies referenced from the bodies of every method of <paramref name="roots"/> (and their nested
    /// types), and of every method of this assembly reachable from them; each with the method that referred to it.
    /// </summary>
    public IReadOnlyList<(string Assembly, string From)> ReferencedAssemblies(IEnumerable<TypeDefinitionHandle> roots)
    {
        var found = new List<(string, string)>();
        var queued = new HashSet<MethodDefinitionHandle>();
        var touchedTypes = new HashSet<TypeDefinitionHandle>();
        var work = new Queue<MethodDefinitionHandle>();

        void Enqueue(MethodDefinitionHandle m)
        {
            if (queued.Add(m))
            {
                work.Enqueue(m);
            }
        }

        void TouchType(TypeDefinitionHandle t)
        {
            if (!touchedTypes.Add(t))
            {
                return;
            }

            foreach (var m in _md.GetTypeDefinition(t).GetMethods())
            {
                if (_md.GetString(_md.GetMethodDefinition(m).Name) == ".cctor")
                {
                    Enqueue(m);
                }
            }
        }

        void AddRoot(TypeDefinitionHandle t)
        {
            TouchType(t);
            var type = _md.GetTypeDefinition(t);
            foreach (var m in type.GetMethods())
            {
                Enqueue(m);
            }

            foreach (var nested in type.GetNestedTypes())
            {
                AddRoot(nested);
            }
        }

        foreach (var root in roots)
        {
            AddRoot(root);
        }

        while (work.Count > 0)
        {
            var handle = work.Dequeue();
            var method = _md.GetMethodDefinition(handle);
            var from = TypeName(method.GetDeclaringType()) + "." + _md.GetString(method.Name);
            var collector = new List<string>();
            var provider = new AssemblyCollector(this, collector, TouchType);
            method.DecodeSignature(provider, null);
            if (method.RelativeVirtualAddress != 0)
            {
                var body = _pe.GetMethodBody(method.RelativeVirtualAddress);
                if (!body.LocalSignature.IsNil)
                {
                    _md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null);
                }

                foreach (var region in body.ExceptionRegions)
                {
                    if (!region.CatchType.IsNil)
                    {
                        VisitToken(region.CatchType, provider, collector, Enqueue, TouchType);
                    }
                }

                foreach (var token in Tokens(body.GetILReader()))
                {
                    VisitToken(MetadataTokens.EntityHandle(token), provider, collector, Enqueue, TouchType);
                }
            }

            found.AddRange(collector.Distinct().Select(a => (a, from)));
        }

        return found;
    }

    /// <summary>The metadata token operands of an IL stream (strings excluded).</summary>
    private static IEnumerable<int> Tokens(BlobReader il)
    {
        var tokens = new List<int>();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il.ReadByte()));
            }

            if (!s_opCodes.TryGetValue(value, out var op))
            {
                throw new BadImageFormatException($"Unknown IL opcode 0x{value:X4} at offset {il.Offset}.");
            }

            switch (op.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    il.ReadByte();
                    break;
                case OperandType.InlineVar:
                    il.ReadInt16();
                    break;
                case OperandType.InlineBrTarget:
                case OperandType.InlineI:
                case OperandType.ShortInlineR:
                case OperandType.InlineString:
                    il.ReadInt32();
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    il.ReadInt64();
                    break;
                case OperandType.InlineSwitch:
                    var count = il.ReadInt32();
                    for (var i = 0; i < count; i++)
                    {
                        il.ReadInt32();
                    }

                    break;
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                case OperandType.InlineSig:
                    tokens.Add(il.ReadInt32());
                    break;
                default:
                    throw new BadImageFormatException($"Unexpected operand type {op.OperandType}.");
            }
        }

        return tokens;
    }

    private void VisitToken(EntityHandle handle, AssemblyCollector provider, List<string> collector,
        Action<MethodDefinitionHandle> enqueue, Action<TypeDefinitionHandle> touch)
    {
        switch (handle.Kind)
        {
            case HandleKind.TypeReference:
            case HandleKind.TypeDefinition:
                collector.AddRange(AssembliesOfType(handle, touch));
                break;
            case HandleKind.TypeSpecification:
                _md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(provider, null);
                break;
            case HandleKind.MethodDefinition:
                var methodDef = (MethodDefinitionHandle)handle;
                touch(_md.GetMethodDefinition(methodDef).GetDeclaringType());
                enqueue(methodDef);
                break;
            case HandleKind.FieldDefinition:
                var field = _md.GetFieldDefinition((FieldDefinitionHandle)handle);
                touch(field.GetDeclaringType());
                field.DecodeSignature(provider, null);
                break;
            case HandleKind.MemberReference:
                var member = _md.GetMemberReference((MemberReferenceHandle)handle);
                if (member.Parent.Kind is not HandleKind.ModuleReference)
                {
                    VisitToken(member.Parent, provider, collector, enqueue, touch);
                }

                if (member.GetKind() == MemberReferenceKind.Method)
                {
                    member.DecodeMethodSignature(provider, null);
                }
                else
                {
                    member.DecodeFieldSignature(provider, null);
                }

                break;
            case HandleKind.MethodSpecification:
                var spec = _md.GetMethodSpecification((MethodSpecificationHandle)handle);
                VisitToken(spec.Method, provider, collector, enqueue, touch);
                spec.DecodeSignature(provider, null);
                break;
            case HandleKind.StandaloneSignature:
                var signature = _md.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                if (signature.GetKind() == StandaloneSignatureKind.Method)
                {
                    var blob = _md.GetBlobReader(signature.Signature);
                    new SignatureDecoder<string, object?>(provider, _md, null).DecodeMethodSignature(ref blob);
                }

                break;
        }
    }

    /// <summary>The external assemblies of a type reference (through its resolution scope) or none for a definition here.</summary>
    internal IEnumerable<string> AssembliesOfType(EntityHandle handle, Action<TypeDefinitionHandle> touch)
    {
        if (handle.Kind == HandleKind.TypeDefinition)
        {
            touch((TypeDefinitionHandle)handle);
            yield break;
        }

        if (handle.Kind != HandleKind.TypeReference)
        {
            yield break;
        }

        var reference = _md.GetTypeReference((TypeReferenceHandle)handle);
        var scope = reference.ResolutionScope;
        switch (scope.Kind)
        {
            case HandleKind.AssemblyReference:
                yield return _md.GetString(_md.GetAssemblyReference((AssemblyReferenceHandle)scope).Name);
                break;
            case HandleKind.TypeReference:
                foreach (var a in AssembliesOfType((EntityHandle)scope, touch))
                {
                    yield return a;
                }

                break;
        }
    }

    private bool IsNamed(EntityHandle handle, string ns, string name) => handle.Kind switch
    {
        HandleKind.TypeReference => _md.GetString(_md.GetTypeReference((TypeReferenceHandle)handle).Namespace) == ns
            && _md.GetString(_md.GetTypeReference((TypeReferenceHandle)handle).Name) == name,
        HandleKind.TypeDefinition => _md.GetString(_md.GetTypeDefinition((TypeDefinitionHandle)handle).Namespace) == ns
            && _md.GetString(_md.GetTypeDefinition((TypeDefinitionHandle)handle).Name) == name,
        _ => false,
    };

    /// <summary>Decodes signatures, recording the assembly of every type they name.</summary>
    private sealed class AssemblyCollector(IlReferenceScanner scanner, List<string> sink, Action<TypeDefinitionHandle> touch)
        : ISignatureTypeProvider<string, object?>
    {
        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            sink.AddRange(scanner.AssembliesOfType(handle, touch));
            return string.Empty;
        }

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            touch(handle);
            return string.Empty;
        }

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => string.Empty;

        public string GetSZArrayType(string elementType) => string.Empty;

        public string GetArrayType(string elementType, ArrayShape shape) => string.Empty;

        public string GetByReferenceType(string elementType) => string.Empty;

        public string GetPointerType(string elementType) => string.Empty;

        public string GetPinnedType(string elementType) => string.Empty;

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => string.Empty;

        public string GetGenericMethodParameter(object? genericContext, int index) => string.Empty;

        public string GetGenericTypeParameter(object? genericContext, int index) => string.Empty;

        public string GetFunctionPointerType(MethodSignature<string> signature) => string.Empty;

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => string.Empty;
    }
}
