using System.Reflection;

namespace VertexAI.Module.Tests;

/// <summary>One cmdlet class as PowerShell will see it, read from attributes through a MetadataLoadContext.</summary>
public sealed class CmdletModel
{
    public const string AllParameterSets = "__AllParameterSets";
    private const string Sma = "System.Management.Automation.";

    private CmdletModel(Type type, string verb, string noun, string? defaultSet, bool supportsShouldProcess,
        IReadOnlyList<string> outputTypes, IReadOnlyList<ParameterModel> parameters)
    {
        Type = type;
        Verb = verb;
        Noun = noun;
        DefaultParameterSetName = defaultSet;
        SupportsShouldProcess = supportsShouldProcess;
        OutputTypes = outputTypes;
        Parameters = parameters;
    }

    public Type Type { get; }

    public string Verb { get; }

    public string Noun { get; }

    public string Name => Verb + "-" + Noun;

    public string? DefaultParameterSetName { get; }

    public bool SupportsShouldProcess { get; }

    /// <summary>Full type names from every [OutputType] (types or strings).</summary>
    public IReadOnlyList<string> OutputTypes { get; }

    public IReadOnlyList<ParameterModel> Parameters { get; }

    /// <summary>The parameter set names PowerShell derives: the explicit ones, or the single all-sets set.</summary>
    public IReadOnlyList<string> ParameterSetNames
    {
        get
        {
            var named = Parameters.SelectMany(p => p.Sets).Select(s => s.SetName)
                .Where(n => n != AllParameterSets).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            return named.Count > 0 ? named : [AllParameterSets];
        }
    }

    /// <summary>The parameters of one set with their entry for it (an explicit entry wins over an all-sets one).</summary>
    public IReadOnlyList<(ParameterModel Parameter, ParameterSetEntry Entry)> ParametersIn(string setName) =>
        Parameters
            .Select(p => (p, p.Sets.FirstOrDefault(s => string.Equals(s.SetName, setName, StringComparison.OrdinalIgnoreCase))
                ?? p.Sets.FirstOrDefault(s => s.SetName == AllParameterSets)))
            .Where(t => t.Item2 is not null)
            .Select(t => (t.p, t.Item2!))
            .ToList();

    public ParameterModel Parameter(string name) =>
        Parameters.SingleOrDefault(p => p.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"{Name} has no parameter -{name}; it has {string.Join(", ", Parameters.Select(p => p.Name))}.");

    public override string ToString() => Name;

    public static IReadOnlyList<CmdletModel> ReadAll(Assembly cmdletAssembly, Assembly automation)
    {
        var cmdletAttribute = automation.GetType(Sma + "CmdletAttribute", throwOnError: true)!;
        var list = new List<CmdletModel>();
        foreach (var type in cmdletAssembly.GetTypes())
        {
            var attribute = type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == cmdletAttribute);
            if (attribute is null)
            {
                continue;
            }

            var verb = (string)attribute.ConstructorArguments[0].Value!;
            var noun = (string)attribute.ConstructorArguments[1].Value!;
            var defaultSet = Named<string>(attribute, "DefaultParameterSetName");
            var shouldProcess = Named<bool?>(attribute, "SupportsShouldProcess") ?? false;
            var outputTypes = type.GetCustomAttributesData()
                .Where(a => a.AttributeType.FullName == Sma + "OutputTypeAttribute")
                .SelectMany(a => a.ConstructorArguments)
                .SelectMany(Flatten)
                .Select(v => v switch
                {
                    Type t => t.FullName!,
                    string s => s,
                    _ => throw new InvalidOperationException($"Unexpected [OutputType] argument {v}."),
                })
                .ToList();
            var parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => ParameterModel.TryRead(p, p.PropertyType))
                .Concat(type.GetFields(BindingFlags.Public | BindingFlags.Instance).Select(f => ParameterModel.TryRead(f, f.FieldType)))
                .OfType<ParameterModel>()
                .ToList();
            list.Add(new CmdletModel(type, verb, noun, defaultSet, shouldProcess, outputTypes, parameters));
        }

        return list;
    }

    internal static T? Named<T>(CustomAttributeData attribute, string name)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.MemberName == name)
            {
                return (T?)argument.TypedValue.Value;
            }
        }

        return default;
    }

    /// <summary>The values of a constructor argument, unwrapping a params array.</summary>
    internal static IEnumerable<object?> Flatten(CustomAttributeTypedArgument argument) =>
        argument.Value is IReadOnlyCollection<CustomAttributeTypedArgument> items
            ? items.Select(i => i.Value)
            : [argument.Value];
}

/// <summary>A cmdlet parameter: a public property (or field) with at least one [Parameter].</summary>
public sealed class ParameterModel
{
    private ParameterModel(MemberInfo member, Type type, IReadOnlyList<ParameterSetEntry> sets, IReadOnlyList<string> aliases,
        IReadOnlyList<CustomAttributeData> attributes)
    {
        Member = member;
        Type = type;
        Sets = sets;
        Aliases = aliases;
        Attributes = attributes;
    }

    public MemberInfo Member { get; }

    public string Name => Member.Name;

    public Type Type { get; }

    public IReadOnlyList<ParameterSetEntry> Sets { get; }

    public IReadOnlyList<string> Aliases { get; }

    public IReadOnlyList<CustomAttributeData> Attributes { get; }

    public bool IsSwitch => Type.FullName == "System.Management.Automation.SwitchParameter";

    public bool FromPipeline => Sets.Any(s => s.FromPipeline);

    public bool FromPipelineByPropertyName => Sets.Any(s => s.FromPipelineByPropertyName);

    /// <summary>[Parameter(DontShow = true)]: left out of the syntax, completion and help (the chat cmdlets' catch-all).</summary>
    public bool IsHidden => Attributes.Any(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute"
        && (CmdletModel.Named<bool?>(a, "DontShow") ?? false));

    /// <summary>The attribute whose type is, or derives from, the SMA type with this full name.</summary>
    public CustomAttributeData? AttributeDerivedFrom(string fullName) =>
        Attributes.FirstOrDefault(a =>
        {
            for (var t = a.AttributeType; t is not null; t = t.BaseType)
            {
                if (t.FullName == fullName)
                {
                    return true;
                }
            }

            return false;
        });

    public override string ToString() => Name;

    internal static ParameterModel? TryRead(MemberInfo member, Type type)
    {
        var attributes = member.GetCustomAttributesData();
        var sets = attributes
            .Where(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute")
            .Select(a => new ParameterSetEntry(
                CmdletModel.Named<string>(a, "ParameterSetName") ?? CmdletModel.AllParameterSets,
                CmdletModel.Named<bool?>(a, "Mandatory") ?? false,
                CmdletModel.Named<int?>(a, "Position") ?? int.MinValue,
                CmdletModel.Named<bool?>(a, "ValueFromPipeline") ?? false,
                CmdletModel.Named<bool?>(a, "ValueFromPipelineByPropertyName") ?? false))
            .ToList();
        if (sets.Count == 0)
        {
            return null;
        }

        var aliases = attributes
            .Where(a => a.AttributeType.FullName == "System.Management.Automation.AliasAttribute")
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(CmdletModel.Flatten)
            .Cast<string>()
            .ToList();
        return new ParameterModel(member, type, sets, aliases, attributes.ToList());
    }
}

/// <summary>One [Parameter] attribute: how the parameter binds in one set.</summary>
public sealed record ParameterSetEntry(string SetName, bool Mandatory, int Position, bool FromPipeline, bool FromPipelineByPropertyName)
{
    public bool IsPositional => Position != int.MinValue;
}
