using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace VertexAI.Module.Tests;

/// <summary>
/// en-US/VertexAI.dll-Help.xml against the cmdlet classes: every cmdlet and parameter documented, with the binding
/// facts (required, position, pipeline input, aliases, type) that Get-Help shows exactly as the attributes say.
/// </summary>
[Collection(ModuleCollection.Name)]
public sealed partial class HelpCoverageTests(ModuleFixture module)
{
    private readonly MamlHelp _help = MamlHelp.Load(RepoPaths.HelpXml);

    [Fact]
    public void HelpFileIsMamlWithTheNamespacesPowerShellReads()
    {
        var root = _help.Document.Root!;
        Assert.Equal(MamlHelp.Msh + "helpItems", root.Name);
        Assert.Equal("maml", (string?)root.Attribute("schema"));
        Assert.NotEmpty(_help.Commands);
        Assert.All(root.Elements(), e => Assert.Equal(MamlHelp.Command + "command", e.Name));
    }

    [Fact]
    public void PublishedModuleCarriesTheSameHelpFile()
    {
        var published = Path.Combine(module.ModuleDir, "en-US", "VertexAI.dll-Help.xml");
        Assert.True(File.Exists(published), $"{published} is missing.");
        Assert.Equal(File.ReadAllText(RepoPaths.HelpXml), File.ReadAllText(published));
    }

    [Fact]
    public void EveryCmdletHasHelpAndEveryHelpTopicIsACmdlet()
    {
        var documented = _help.Commands.Select(MamlHelp.CommandName).Order(StringComparer.Ordinal);
        Assert.Equal(module.Cmdlets.Select(c => c.Name).Order(StringComparer.Ordinal), documented);
    }

    [Fact]
    public void EveryCmdletHasVerbNounSynopsisAndDescription()
    {
        Assert.All(module.Cmdlets, c =>
        {
            var command = Command(c);
            var details = command.Element(MamlHelp.Command + "details")!;
            Assert.Equal(c.Verb, details.Element(MamlHelp.Command + "verb")?.Value.Trim());
            Assert.Equal(c.Noun, details.Element(MamlHelp.Command + "noun")?.Value.Trim());
            var synopsis = MamlHelp.Synopsis(command);
            Assert.True(synopsis.Length >= 20, $"{c} needs a synopsis.");
            Assert.DoesNotContain('\n', synopsis);
            Assert.True(MamlHelp.Description(command).Length > synopsis.Length, $"{c} needs a description longer than its synopsis.");
        });
    }

    [Fact]
    public void EveryCmdletHasAtLeastTwoNumberedExamplesWithCodeAndRemarks()
    {
        Assert.All(module.Cmdlets, c =>
        {
            var examples = MamlHelp.Examples(Command(c));
            Assert.True(examples.Count >= 2, $"{c} has {examples.Count} example(s); it needs at least two.");
            for (var i = 0; i < examples.Count; i++)
            {
                var title = examples[i].Element(MamlHelp.Maml + "title")?.Value.Trim() ?? string.Empty;
                Assert.Matches($"^-+ EXAMPLE {i + 1} -+$", title);
                var code = examples[i].Element(MamlHelp.Dev + "code")?.Value ?? string.Empty;
                Assert.Contains(c.Name, code, StringComparison.Ordinal);
                Assert.NotEmpty(MamlHelp.Paras(examples[i].Element(MamlHelp.Dev + "remarks")));
            }
        });
    }

    [Fact]
    public void ExamplesUseOnlyParametersThatExist()
    {
        // "-Name" right after a cmdlet name, in a pipeline stage, must be a parameter (or an alias) of that cmdlet.
        var byName = module.Cmdlets.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        var common = CmdletMetadataTests.CommonParameterNames;
        Assert.All(_help.Commands, command =>
        {
            foreach (var example in MamlHelp.Examples(command))
            {
                var code = example.Element(MamlHelp.Dev + "code")?.Value ?? string.Empty;
                foreach (Match use in CmdletUse().Matches(code))
                {
                    var cmdlet = byName[use.Groups["cmdlet"].Value];
                    var names = cmdlet.Parameters.SelectMany(p => p.Aliases.Prepend(p.Name)).Concat(common);
                    foreach (Capture parameter in use.Groups["param"].Captures)
                    {
                        Assert.True(names.Contains(parameter.Value, StringComparer.OrdinalIgnoreCase),
                            $"An example of {MamlHelp.CommandName(command)} uses -{parameter.Value}, which {cmdlet} does not have.");
                    }
                }
            }
        });
    }

    [Fact]
    public void EveryParameterIsDocumentedWithItsBindingFacts()
    {
        Assert.All(module.Cmdlets, c =>
        {
            var section = MamlHelp.ParameterSection(Command(c));
            foreach (var parameter in c.Parameters.Where(p => !p.IsHidden))
            {
                var help = section.SingleOrDefault(e => MamlHelp.Name(e) == parameter.Name);
                Assert.True(help is not null, $"-{parameter.Name} of {c} is not in the help's parameters section.");
                Assert.True(MamlHelp.Paras(help!.Element(MamlHelp.Maml + "description")).Length > 0, $"-{parameter.Name} of {c} has no description.");
                Assert.Equal(parameter.Aliases.Order(StringComparer.OrdinalIgnoreCase), MamlHelp.Aliases(help).Order(StringComparer.OrdinalIgnoreCase));
                Assert.Equal(parameter.Type.FullName, MamlHelp.TypeName(help));
                Assert.Equal(MamlHelp.PipelineInput(parameter.FromPipeline, parameter.FromPipelineByPropertyName), (string?)help.Attribute("pipelineInput"), ignoreCase: true);
                Assert.Equal("false", (string?)help.Attribute("globbing"));
                var positions = parameter.Sets.Select(s => s.IsPositional ? s.Position.ToString(System.Globalization.CultureInfo.InvariantCulture) : "named").Distinct().ToList();
                if (positions.Count == 1)
                {
                    Assert.Equal(positions[0], (string?)help.Attribute("position"), ignoreCase: true);
                }

                var mandatory = parameter.Sets.All(s => s.Mandatory);
                Assert.Equal(mandatory ? "true" : "false", (string?)help.Attribute("required"));
            }
        });
    }

    [Fact]
    public void HelpDocumentsNoParameterThatDoesNotExist()
    {
        Assert.All(module.Cmdlets, c =>
        {
            var command = Command(c);
            var documented = MamlHelp.ParameterSection(command).Select(MamlHelp.Name)
                .Concat(MamlHelp.SyntaxItems(command).SelectMany(s => s.Elements(MamlHelp.Command + "parameter")).Select(MamlHelp.Name))
                .Distinct();
            var unknown = documented.Except(c.Parameters.Select(p => p.Name)).ToList();
            Assert.True(unknown.Count == 0, $"The help of {c} documents -{string.Join(", -", unknown)}, which the cmdlet does not have.");
        });
    }

    [Fact]
    public void SyntaxHasOneItemPerParameterSetListingExactlyItsParameters()
    {
        Assert.All(module.Cmdlets, c =>
        {
            var items = MamlHelp.SyntaxItems(Command(c));
            var sets = c.ParameterSetNames;
            Assert.Equal(sets.Count, items.Count);
            var unmatched = items.ToList();
            foreach (var set in sets)
            {
                var members = c.ParametersIn(set).Where(m => !m.Parameter.IsHidden).ToList();
                var names = members.Select(m => m.Parameter.Name).Order(StringComparer.Ordinal).ToList();
                var item = unmatched.FirstOrDefault(i =>
                    i.Elements(MamlHelp.Command + "parameter").Select(MamlHelp.Name).Order(StringComparer.Ordinal).SequenceEqual(names));
                Assert.True(item is not null, $"No syntax item of {c} lists exactly the parameters of set {set}: {string.Join(", ", names)}.");
                unmatched.Remove(item!);
                Assert.Equal(c.Name, MamlHelp.Name(item!));
                foreach (var (parameter, entry) in members)
                {
                    var p = item!.Elements(MamlHelp.Command + "parameter").Single(e => MamlHelp.Name(e) == parameter.Name);
                    Assert.Equal(entry.Mandatory ? "true" : "false", (string?)p.Attribute("required"));
                    Assert.Equal(entry.IsPositional ? entry.Position.ToString(System.Globalization.CultureInfo.InvariantCulture) : "named", (string?)p.Attribute("position"), ignoreCase: true);
                    Assert.Equal(MamlHelp.PipelineInput(entry.FromPipeline, entry.FromPipelineByPropertyName), (string?)p.Attribute("pipelineInput"), ignoreCase: true);
                    Assert.Equal(parameter.Aliases.Order(StringComparer.OrdinalIgnoreCase), MamlHelp.Aliases(p).Order(StringComparer.OrdinalIgnoreCase));
                    Assert.Equal(parameter.Type.FullName, MamlHelp.TypeName(p));
                }
            }
        });
    }

    [Fact]
    public void SwitchesReadLikePowerShellsOwnHelp()
    {
        // As PowerShell's own MAML (and platyPS) write it: a switch in a syntax item has no parameterValue, so Get-Help
        // shows [-Stream] rather than [-Stream <SwitchParameter>]; its parameters-section entry names SwitchParameter.
        // Every other syntax parameter has a value.
        Assert.All(module.Cmdlets, c =>
        {
            var command = Command(c);
            foreach (var parameter in c.Parameters.Where(p => !p.IsHidden))
            {
                var isSwitch = parameter.Type.FullName == "System.Management.Automation.SwitchParameter";
                foreach (var item in MamlHelp.SyntaxItems(command))
                {
                    var p = item.Elements(MamlHelp.Command + "parameter").SingleOrDefault(e => MamlHelp.Name(e) == parameter.Name);
                    if (p is null) continue;
                    var values = p.Elements(MamlHelp.Command + "parameterValue").Count();
                    Assert.True(isSwitch ? values == 0 : values == 1,
                        $"-{parameter.Name} of {c} has {values} parameterValue(s) in a syntax item; a {(isSwitch ? "switch has none" : "parameter that takes a value has one")}.");
                }
                if (!isSwitch) continue;
                var help = MamlHelp.ParameterSection(command).Single(e => MamlHelp.Name(e) == parameter.Name);
                var value = help.Element(MamlHelp.Command + "parameterValue");
                Assert.True(value is not null && value.Value.Trim() == "SwitchParameter" && (string?)value.Attribute("required") == "false",
                    $"-{parameter.Name} of {c}: the parameters section needs <command:parameterValue required=\"false\">SwitchParameter</command:parameterValue>.");
            }
        });
    }

    [Fact]
    public void ValidateSetValuesAreListedInTheSyntax()
    {
        Assert.All(module.Cmdlets, c =>
        {
            foreach (var parameter in c.Parameters)
            {
                var validateSet = parameter.Attributes.SingleOrDefault(a => a.AttributeType.FullName == "System.Management.Automation.ValidateSetAttribute");
                if (validateSet is null)
                {
                    continue;
                }

                var expected = validateSet.ConstructorArguments.SelectMany(CmdletModel.Flatten).Cast<string>().Order(StringComparer.Ordinal);
                foreach (var item in MamlHelp.SyntaxItems(Command(c)))
                {
                    var p = item.Elements(MamlHelp.Command + "parameter").Single(e => MamlHelp.Name(e) == parameter.Name);
                    var listed = p.Element(MamlHelp.Command + "parameterValueGroup")?.Elements(MamlHelp.Command + "parameterValue").Select(v => v.Value.Trim()) ?? [];
                    Assert.Equal(expected, listed.Order(StringComparer.Ordinal));
                }
            }
        });
    }

    [Fact]
    public void InputTypesNameWhatThePipelineParametersTake()
    {
        Assert.All(module.Cmdlets, c =>
        {
            var inputs = Command(c).Element(MamlHelp.Command + "inputTypes")?.Elements(MamlHelp.Command + "inputType")
                .Select(i => i.Element(MamlHelp.Dev + "type")?.Element(MamlHelp.Maml + "name")?.Value.Trim()).ToList() ?? [];
            Assert.NotEmpty(inputs);
            foreach (var parameter in c.Parameters.Where(p => p.FromPipeline && !p.IsHidden))
            {
                Assert.Contains(CmdletMetadataTests.ElementType(parameter.Type).FullName, inputs);
            }

            if (!c.Parameters.Any(p => p.FromPipeline || p.FromPipelineByPropertyName))
            {
                Assert.Equal(new string?[] { "None" }, inputs);
            }
        });
    }

    [Fact]
    public void ReturnValuesNameTheOutputTypes()
    {
        Assert.All(module.Cmdlets, c =>
        {
            var outputs = Command(c).Element(MamlHelp.Command + "returnValues")?.Elements(MamlHelp.Command + "returnValue")
                .Select(i => i.Element(MamlHelp.Dev + "type")?.Element(MamlHelp.Maml + "name")?.Value.Trim() ?? string.Empty)
                .Order(StringComparer.Ordinal).ToList() ?? [];
            Assert.Equal(c.OutputTypes.Distinct().Order(StringComparer.Ordinal), outputs);
        });
    }

    [Fact]
    public void RelatedLinksNameTheOtherCmdletsAndTheAboutTopic()
    {
        Assert.All(module.Cmdlets, c =>
        {
            var links = Command(c).Element(MamlHelp.Command + "relatedLinks")?.Elements(MamlHelp.Maml + "navigationLink")
                .Select(l => l.Element(MamlHelp.Maml + "linkText")?.Value.Trim()).ToList() ?? [];
            Assert.Contains("about_VertexAI", links);
            foreach (var other in module.Cmdlets.Where(o => o != c))
            {
                Assert.Contains(other.Name, links);
            }
        });
    }

    [Theory]
    [InlineData("Invoke-GeminiChat", "-Stream")]
    [InlineData("Invoke-GeminiChat", "New-GeminiMessage -Role system 'Be terse' | New-GeminiMessage 'Hi' | Invoke-GeminiChat")]
    [InlineData("Invoke-GeminiChat", "gs://")]
    [InlineData("Invoke-GeminiChat", "-Audio")]
    [InlineData("Invoke-GeminiChat", "New-GeminiTool")]
    [InlineData("Invoke-GeminiChat", "thinking_config = @{ include_thoughts = $true; thinking_budget = 1024 }; thought_tag_marker = 'think'")]
    [InlineData("Invoke-GeminiChat", "-Endpoint")]
    [InlineData("Invoke-GeminiChat", "-Location global")]
    [InlineData("Invoke-GeminiChat", "-ApiVersion v1beta1")]
    [InlineData("Invoke-GeminiChat", "gcloud auth print-access-token")]
    [InlineData("Invoke-GeminiChat", "$PSDefaultParameterValues['*-Gemini*:Project'] = 'my-project'")]
    [InlineData("Invoke-GeminiChat", "-ErrorVariable")]
    [InlineData("Get-GeminiStream", "-TextOnly")]
    [InlineData("New-GeminiMessage", "-Image")]
    [InlineData("New-GeminiMessage", "-Audio")]
    [InlineData("New-GeminiMessage", "-ToolCallId")]
    [InlineData("New-GeminiTool", "'{\"type\":\"object\"")]
    [InlineData("New-GeminiTool", "-Parameters @{")]
    public void ExamplesCoverTheDocumentedScenarios(string cmdlet, string fragment)
    {
        var code = string.Join("\n", MamlHelp.Examples(Command(cmdlet)).Select(e => e.Element(MamlHelp.Dev + "code")?.Value));
        Assert.Contains(fragment, code, StringComparison.Ordinal);
    }

    private XElement Command(CmdletModel cmdlet) => Command(cmdlet.Name);

    private XElement Command(string cmdlet) =>
        _help.Find(cmdlet) ?? throw new Xunit.Sdk.XunitException($"{RepoPaths.HelpXml} has no help for {cmdlet}.");

    [GeneratedRegex(@"(?<cmdlet>\b(?:Invoke-GeminiChat|Get-GeminiStream|New-GeminiMessage|New-GeminiTool|Export-GeminiConversation|Import-GeminiConversation|Set-GeminiContext|Get-GeminiContext))\b(?:[^|\n]*?\s-(?<param>[A-Za-z][A-Za-z0-9]*)\b)*", RegexOptions.IgnoreCase)]
    private static partial Regex CmdletUse();
}
