using System.Reflection;

namespace VertexAI.Module.Tests;

/// <summary>Rules every cmdlet class must follow for PowerShell to bind it well, read without a PowerShell host.</summary>
[Collection(ModuleCollection.Name)]
public sealed class CmdletMetadataTests(ModuleFixture module)
{
    /// <summary>
    /// The approved verbs of Windows PowerShell 5.1 (VerbsCommon, VerbsCommunications, VerbsData, VerbsDiagnostic,
    /// VerbsLifecycle, VerbsSecurity, VerbsOther). The module loads in 5.1, so verbs added later (Build, Deploy) would
    /// make Import-Module warn there.
    /// </summary>
    public static readonly string[] ApprovedVerbs =
    [
        // VerbsCommon
        "Add", "Clear", "Close", "Copy", "Enter", "Exit", "Find", "Format", "Get", "Hide", "Join", "Lock", "Move", "New",
        "Open", "Optimize", "Pop", "Push", "Redo", "Remove", "Rename", "Reset", "Resize", "Search", "Select", "Set", "Show",
        "Skip", "Split", "Step", "Switch", "Undo", "Unlock", "Watch",
        // VerbsCommunications
        "Connect", "Disconnect", "Read", "Receive", "Send", "Write",
        // VerbsData
        "Backup", "Checkpoint", "Compare", "Compress", "Convert", "ConvertFrom", "ConvertTo", "Dismount", "Edit", "Expand",
        "Export", "Group", "Import", "Initialize", "Limit", "Merge", "Mount", "Out", "Publish", "Restore", "Save", "Sync",
        "Unpublish", "Update",
        // VerbsDiagnostic
        "Debug", "Measure", "Ping", "Repair", "Resolve", "Test", "Trace",
        // VerbsLifecycle
        "Approve", "Assert", "Complete", "Confirm", "Deny", "Disable", "Enable", "Install", "Invoke", "Register", "Request",
        "Restart", "Resume", "Start", "Stop", "Submit", "Suspend", "Uninstall", "Unregister", "Wait",
        // VerbsSecurity
        "Block", "Grant", "Protect", "Revoke", "Unblock", "Unprotect",
        // VerbsOther
        "Use",
    ];

    /// <summary>Common parameters and their aliases; a cmdlet parameter with one of these names breaks binding.</summary>
    public static readonly string[] CommonParameterNames =
    [
        "Verbose", "vb", "Debug", "db", "ErrorAction", "ea", "WarningAction", "wa", "InformationAction", "infa",
        "ErrorVariable", "ev", "WarningVariable", "wv", "InformationVariable", "iv", "OutVariable", "ov",
        "OutBuffer", "ob", "PipelineVariable", "pv", "ProgressAction", "proga",
    ];

    public static readonly string[] ShouldProcessParameterNames = ["WhatIf", "wi", "Confirm", "cf"];

    public static readonly string[] SurfaceCmdlets = ["Invoke-GeminiChat", "Get-GeminiStream", "New-GeminiMessage", "New-GeminiTool", "Export-GeminiConversation", "Import-GeminiConversation", "Set-GeminiContext", "Get-GeminiContext", "Enter-GeminiChat", "New-GeminiCache", "Get-GeminiCache", "Set-GeminiCache", "Remove-GeminiCache", "Measure-GeminiToken", "Get-GeminiEmbedding", "Get-GeminiModel", "Measure-GeminiUsage", "Start-GeminiBatchJob", "Get-GeminiBatchJob", "Wait-GeminiBatchJob", "Stop-GeminiBatchJob", "Receive-GeminiBatchJob"];

    [Fact]
    public void TheCmdletAssemblyDefinesExactlyTheSurfaceCmdlets()
    {
        var names = module.Cmdlets.Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.Equal(SurfaceCmdlets.OrderBy(n => n, StringComparer.Ordinal).ToArray(), names);
    }

    [Fact]
    public void CmdletClassesLiveInTheCommandsNamespaceAndAreNamedAfterTheirCmdlet()
    {
        Assert.All(module.Cmdlets, c =>
        {
            Assert.Equal("VertexAI.Commands", c.Type.Namespace);
            Assert.Equal(c.Verb + c.Noun + "Command", c.Type.Name);
        });
    }

    [Fact]
    public void ApprovedVerbListIsExactlyTheVerbsOfPowerShellStandard()
    {
        // Guards the constant list itself: it must neither miss nor invent a verb.
        var fromReference = module.Automation.GetTypes()
            .Where(t => t.Namespace == "System.Management.Automation" && t.Name.StartsWith("Verbs", StringComparison.Ordinal))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .OrderBy(v => v, StringComparer.Ordinal)
            .ToArray();
        Assert.NotEmpty(fromReference);
        Assert.Equal(fromReference, ApprovedVerbs.OrderBy(v => v, StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void EveryCmdletUsesAnApprovedVerbAndAPrefixedNoun()
    {
        Assert.NotEmpty(module.Cmdlets);
        Assert.All(module.Cmdlets, c =>
        {
            Assert.Contains(c.Verb, ApprovedVerbs);
            Assert.StartsWith("Gemini", c.Noun, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void EveryCmdletDeclaresItsOutputType()
    {
        Assert.All(module.Cmdlets, c => Assert.NotEmpty(c.OutputTypes));
    }

    [Fact]
    public void EveryCmdletClassIsPublicConcreteAndConstructibleByPowerShell()
    {
        var cmdletBase = module.AutomationType("System.Management.Automation.Cmdlet");
        Assert.All(module.Cmdlets, c =>
        {
            Assert.True(c.Type.IsPublic, $"{c.Type} must be public.");
            Assert.False(c.Type.IsAbstract, $"{c.Type} must not be abstract.");
            Assert.True(c.Type.IsSubclassOf(cmdletBase), $"{c.Type} must derive from Cmdlet or PSCmdlet.");
            Assert.NotNull(c.Type.GetConstructor(Type.EmptyTypes));
        });
    }

    [Fact]
    public void ParametersArePublicReadWriteProperties()
    {
        Assert.All(module.Cmdlets.SelectMany(c => c.Parameters), p =>
        {
            var property = Assert.IsAssignableFrom<PropertyInfo>(p.Member);
            Assert.True(property.GetMethod?.IsPublic == true && property.SetMethod?.IsPublic == true,
                $"-{p.Name} of {p.Member.DeclaringType} needs a public getter and setter.");
        });
    }

    [Fact]
    public void CmdletsWithSeveralParameterSetsNameAnExistingDefaultSet()
    {
        Assert.All(module.Cmdlets, c =>
        {
            var sets = c.ParameterSetNames;
            if (sets.Count > 1)
            {
                Assert.False(string.IsNullOrEmpty(c.DefaultParameterSetName), $"{c} has {sets.Count} parameter sets but no DefaultParameterSetName.");
            }

            if (!string.IsNullOrEmpty(c.DefaultParameterSetName) && sets[0] != CmdletModel.AllParameterSets)
            {
                Assert.Contains(c.DefaultParameterSetName, sets);
            }
        });
    }

    [Fact]
    public void NoTwoParameterSetsHaveTheSameMandatorySignature()
    {
        Assert.All(module.Cmdlets, c =>
        {
            var signatures = c.ParameterSetNames
                .Select(set => (set, signature: string.Join(",", c.ParametersIn(set).Where(x => x.Entry.Mandatory)
                    .Select(x => x.Parameter.Name).OrderBy(n => n, StringComparer.OrdinalIgnoreCase))))
                .ToList();
            var clash = signatures.GroupBy(s => s.signature, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            Assert.True(clash is null, $"{c}: parameter sets {string.Join(" and ", clash?.Select(s => s.set) ?? [])} have the same mandatory parameters ({clash?.Key}).");
        });
    }

    [Fact]
    public void NoTwoParametersShareANameOrAliasWithEachOtherOrACommonParameter()
    {
        Assert.All(module.Cmdlets, c =>
        {
            var reserved = CommonParameterNames.Concat(c.SupportsShouldProcess ? ShouldProcessParameterNames : []);
            var names = c.Parameters.SelectMany(p => p.Aliases.Prepend(p.Name)).Concat(reserved).ToList();
            var duplicates = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(duplicates.Count == 0, $"{c}: the names {string.Join(", ", duplicates)} are used more than once.");
        });
    }

    [Fact]
    public void OnePipedObjectBindsToOneParameter()
    {
        // PowerShell's binder tries every unbound pipeline parameter of the set, without and then with type conversion,
        // and binds each that takes the object: a piped message would also bind, converted to its text, to a string
        // parameter. Where a set has more than one by-value pipeline parameter, each must be a pipeline guard that
        // declines what is not its own kind (and then no two may share a type).
        Assert.All(module.Cmdlets, c =>
        {
            foreach (var set in c.ParameterSetNames)
            {
                var byValue = c.ParametersIn(set).Where(x => x.Entry.FromPipeline).ToList();
                if (byValue.Count < 2) continue;
                var unguarded = byValue.Where(x => !IsPipelineGuarded(x.Parameter)).Select(x => x.Parameter.Name).ToList();
                Assert.True(unguarded.Count == 0, $"{c} set {set}: {string.Join(", ", unguarded)} take(s) pipeline input by value beside other parameters without a pipeline guard.");
                var shared = byValue.GroupBy(x => ElementType(x.Parameter.Type).FullName).FirstOrDefault(g => g.Count() > 1);
                Assert.True(shared is null, $"{c} set {set}: {string.Join(" and ", shared?.Select(x => x.Parameter.Name) ?? [])} both take {shared?.Key} from the pipeline.");
            }
        });
    }

    [Fact]
    public void TheChatCmdletsGuardEveryPipelineParameter()
    {
        // The rule above, pinned to the parameters it is about (so it cannot pass by a parameter losing ValueFromPipeline).
        foreach (var name in new[] { "Invoke-GeminiChat", "Get-GeminiStream" })
        {
            var cmdlet = module.Cmdlets.Single(c => c.Name == name);
            var piped = cmdlet.Parameters.Where(p => p.FromPipeline).Select(p => p.Name).OrderBy(n => n).ToArray();
            Assert.Equal(new[] { "Conversation", "InputObject", "Message", "Prompt" }, piped);
            Assert.All(cmdlet.Parameters.Where(p => p.FromPipeline), p => Assert.True(IsPipelineGuarded(p), $"{name} -{p.Name} has no pipeline guard."));
        }
    }

    private static bool IsPipelineGuarded(ParameterModel parameter)
        => parameter.Attributes.Any(a =>
        {
            for (var t = a.AttributeType; t is not null; t = t.BaseType)
            {
                if (t.Name == "PipelineGuardAttribute") return true;
            }
            return false;
        });

    [Fact]
    public void NoTwoParametersOfASetShareAPosition()
    {
        Assert.All(module.Cmdlets, c =>
        {
            foreach (var set in c.ParameterSetNames)
            {
                var clash = c.ParametersIn(set).Where(x => x.Entry.IsPositional).GroupBy(x => x.Entry.Position).FirstOrDefault(g => g.Count() > 1);
                Assert.True(clash is null, $"{c} set {set}: {string.Join(" and ", clash?.Select(x => x.Parameter.Name) ?? [])} share position {clash?.Key}.");
            }
        });
    }

    internal static Type ElementType(Type type) => type.IsArray ? type.GetElementType()! : type;
}
