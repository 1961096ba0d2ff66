namespace VertexAI.Module.Tests;

/// <summary>
/// The cmdlet surface (as the help and README document it), parameter by parameter: the reviewed contract the C# attributes
/// are checked against. A change to the surface must change this table and the help (en-US/VertexAI.dll-Help.xml, checked by
/// HelpCoverageTests) together. The Pester suite reads <see cref="ChatRows"/> and <see cref="ByPropertyName"/> from this file
/// (TestHelper's Get-ChatParameterCase): keep one row per line in their shape.
/// </summary>
[Collection(ModuleCollection.Name)]
public sealed class SurfaceTests(ModuleFixture module)
{
    private const int Named = int.MinValue;
    private const string Switch = "System.Management.Automation.SwitchParameter";

    // cmdlet, parameter, type, mandatory, position, from pipeline (by value), aliases ("|"-separated)
    private static readonly (string Cmdlet, string Name, string Type, bool Mandatory, int Position, bool Pipeline, string Aliases)[] Table =
    [
        .. ChatRows("Invoke-GeminiChat"),
        ("Invoke-GeminiChat", "Stream", Switch, false, Named, false, ""),
        ("Invoke-GeminiChat", "OutFile", "System.String", false, Named, false, ""),
        ("Invoke-GeminiChat", "OutDirectory", "System.String", false, Named, false, ""),
        ("Invoke-GeminiChat", "Force", Switch, false, Named, false, ""),
        ("Invoke-GeminiChat", "InvokeTools", "System.String", false, Named, false, ""),
        ("Invoke-GeminiChat", "MaxToolRounds", "System.Int32", false, Named, false, ""),
        ("Invoke-GeminiChat", "ThrottleLimit", "System.Int32", false, Named, false, ""),
        ("Invoke-GeminiChat", "Journal", "System.String", false, Named, false, ""),
        ("Invoke-GeminiChat", "ReplayErrors", Switch, false, Named, false, ""),
        .. ChatRows("Get-GeminiStream"),
        ("Get-GeminiStream", "TextOnly", Switch, false, Named, false, ""),
        .. ChatRows("Enter-GeminiChat"),
        ("Enter-GeminiChat", "InvokeTools", "System.String", false, Named, false, ""),
        ("Enter-GeminiChat", "MaxToolRounds", "System.Int32", false, Named, false, ""),
        .. ChatRows("Start-GeminiBatchJob"),
        ("Start-GeminiBatchJob", "OutputUri", "System.String", true, Named, false, ""),
        ("Start-GeminiBatchJob", "DisplayName", "System.String", false, Named, false, ""),
        ("Start-GeminiBatchJob", "StorageBaseUri", "System.Uri", false, Named, false, ""),
        .. ConnectionRows("Get-GeminiBatchJob"),
        ("Get-GeminiBatchJob", "Name", "System.String[]", false, 0, true, ""),
        .. ConnectionRows("Wait-GeminiBatchJob"),
        ("Wait-GeminiBatchJob", "Name", "System.String[]", true, 0, true, ""),
        ("Wait-GeminiBatchJob", "PollIntervalSec", "System.Double", false, Named, false, ""),
        .. ConnectionRows("Stop-GeminiBatchJob"),
        ("Stop-GeminiBatchJob", "Name", "System.String[]", true, 0, true, ""),
        ("Stop-GeminiBatchJob", "PassThru", Switch, false, Named, false, ""),
        .. ConnectionRows("Receive-GeminiBatchJob"),
        ("Receive-GeminiBatchJob", "Name", "System.String[]", true, 0, true, ""),
        ("Receive-GeminiBatchJob", "StorageBaseUri", "System.Uri", false, Named, false, ""),
        ("New-GeminiMessage", "Text", "System.String", false, 0, true, "Content"),
        ("New-GeminiMessage", "Role", "System.String", false, Named, false, ""),
        ("New-GeminiMessage", "Image", "System.String[]", false, Named, false, ""),
        ("New-GeminiMessage", "Audio", "System.String[]", false, Named, false, ""),
        ("New-GeminiMessage", "ToolCallId", "System.String", false, Named, false, ""),
        ("New-GeminiMessage", "ExtraContent", "System.Collections.IDictionary", false, Named, false, ""),
        ("New-GeminiMessage", "InputObject", "VertexAI.ChatMessage[]", false, Named, true, ""),
        ("New-GeminiMessage", "Video", "System.String[]", false, Named, false, ""),
        ("New-GeminiMessage", "Document", "System.String[]", false, Named, false, ""),
        ("New-GeminiMessage", "File", "System.String[]", false, Named, false, "FullName"),
        ("New-GeminiMessage", "MediaType", "System.String", false, Named, false, ""),
        ("New-GeminiMessage", "FileUri", "System.String[]", false, Named, false, ""),
        ("New-GeminiMessage", "DisplayName", "System.String", false, Named, false, ""),
        ("New-GeminiTool", "Name", "System.String", false, 0, false, ""),
        ("New-GeminiTool", "Command", "System.Object", false, Named, true, ""),
        ("New-GeminiTool", "ScriptBlock", "System.Management.Automation.ScriptBlock", false, Named, false, ""),
        ("New-GeminiTool", "Description", "System.String", false, 1, false, ""),
        ("New-GeminiTool", "Parameters", "System.Object", false, 2, false, ""),
        ("Export-GeminiConversation", "Path", "System.String", true, 0, false, ""),
        ("Export-GeminiConversation", "InputObject", "System.Object[]", true, Named, true, ""),
        ("Export-GeminiConversation", "NoClobber", Switch, false, Named, false, ""),
        ("Export-GeminiConversation", "PassThru", Switch, false, Named, false, ""),
        ("Import-GeminiConversation", "Path", "System.String", true, 0, false, ""),
        ("Set-GeminiContext", "Project", "System.String", false, Named, false, ""),
        ("Set-GeminiContext", "Location", "System.String", false, Named, false, ""),
        ("Set-GeminiContext", "Model", "System.String", false, Named, false, ""),
        ("Set-GeminiContext", "Endpoint", "System.String", false, Named, false, "EndpointId"),
        ("Set-GeminiContext", "ApiVersion", "System.String", false, Named, false, ""),
        ("Set-GeminiContext", "BaseUri", "System.Uri", false, Named, false, ""),
        ("Set-GeminiContext", "AccessToken", "System.Security.SecureString", false, Named, false, ""),
        ("Set-GeminiContext", "CredentialFile", "System.String", false, Named, false, ""),
        ("Set-GeminiContext", "QuotaProject", "System.String", false, Named, false, ""),
        ("Set-GeminiContext", "MaxRetries", "System.Int32", false, Named, false, ""),
        ("Set-GeminiContext", "TimeoutSec", "System.Int32", false, Named, false, ""),
        ("Set-GeminiContext", "Proxy", "System.Uri", false, Named, false, ""),
        ("Set-GeminiContext", "Clear", Switch, false, Named, false, ""),
        ("Set-GeminiContext", "PassThru", Switch, false, Named, false, ""),
        ("New-GeminiCache", "Text", "System.String[]", false, 0, true, ""),
        ("New-GeminiCache", "Message", "VertexAI.ChatMessage[]", false, Named, true, ""),
        ("New-GeminiCache", "File", "System.String[]", false, Named, false, ""),
        ("New-GeminiCache", "MediaType", "System.String", false, Named, false, ""),
        ("New-GeminiCache", "SystemInstruction", "System.String", false, Named, false, ""),
        ("New-GeminiCache", "Tool", "VertexAI.ToolDefinition[]", false, Named, false, ""),
        ("New-GeminiCache", "Model", "System.String", false, Named, false, ""),
        ("New-GeminiCache", "Ttl", "System.TimeSpan", false, Named, false, ""),
        ("New-GeminiCache", "ExpireTime", "System.DateTime", false, Named, false, ""),
        ("New-GeminiCache", "DisplayName", "System.String", false, Named, false, ""),
        .. ConnectionRows("New-GeminiCache"),
        ("Get-GeminiCache", "Name", "System.String[]", false, 0, false, ""),
        .. ConnectionRows("Get-GeminiCache"),
        ("Set-GeminiCache", "Name", "System.String", true, 0, false, ""),
        ("Set-GeminiCache", "Ttl", "System.TimeSpan", false, Named, false, ""),
        ("Set-GeminiCache", "ExpireTime", "System.DateTime", false, Named, false, ""),
        .. ConnectionRows("Set-GeminiCache"),
        ("Remove-GeminiCache", "Name", "System.String[]", true, 0, false, ""),
        ("Remove-GeminiCache", "PassThru", Switch, false, Named, false, ""),
        .. ConnectionRows("Remove-GeminiCache"),
        ("Measure-GeminiToken", "Prompt", "System.String[]", false, 0, true, ""),
        ("Measure-GeminiToken", "Message", "VertexAI.ChatMessage[]", false, Named, true, ""),
        ("Measure-GeminiToken", "Conversation", "VertexAI.ChatCompletion", false, Named, true, ""),
        ("Measure-GeminiToken", "File", "System.String[]", false, Named, false, ""),
        ("Measure-GeminiToken", "MediaType", "System.String", false, Named, false, ""),
        ("Measure-GeminiToken", "SystemInstruction", "System.String", false, Named, false, "SystemMessage"),
        ("Measure-GeminiToken", "Tool", "VertexAI.ToolDefinition[]", false, Named, false, ""),
        ("Measure-GeminiToken", "Model", "System.String", false, Named, false, ""),
        .. ConnectionRows("Measure-GeminiToken"),
        ("Get-GeminiEmbedding", "Text", "System.String[]", true, 0, true, "Content"),
        ("Get-GeminiEmbedding", "Title", "System.String", false, Named, false, ""),
        ("Get-GeminiEmbedding", "TaskType", "System.String", false, Named, false, ""),
        ("Get-GeminiEmbedding", "Dimensions", "System.Int32", false, Named, false, ""),
        ("Get-GeminiEmbedding", "Model", "System.String", false, Named, false, ""),
        ("Get-GeminiEmbedding", "NoTruncation", Switch, false, Named, false, ""),
        ("Get-GeminiEmbedding", "ThrottleLimit", "System.Int32", false, Named, false, ""),
        ("Get-GeminiEmbedding", "Journal", "System.String", false, Named, false, ""),
        .. ConnectionRows("Get-GeminiEmbedding"),
        ("Get-GeminiModel", "Name", "System.String[]", false, 0, true, ""),
        ("Get-GeminiModel", "AllVersions", Switch, false, Named, false, ""),
        .. ConnectionRows("Get-GeminiModel"),
        ("Measure-GeminiUsage", "InputObject", "System.Management.Automation.PSObject", false, Named, true, ""),
        ("Measure-GeminiUsage", "Path", "System.String[]", false, 0, false, ""),
    ];

    // The only parameters that bind by property name: FileInfo objects from Get-ChildItem bind to -File by FullName;
    // objects with a Prompt property (Import-Csv rows) bind to the chat cmdlets' -Prompt (and Measure-GeminiToken's);
    // caches bind to the cache cmdlets' -Name; CSV rows bind to Get-GeminiEmbedding's -Text (or Content) and -Title;
    // models to Get-GeminiModel's -Name.
    private static readonly HashSet<(string Cmdlet, string Name)> ByPropertyName =
        [("New-GeminiMessage", "File"), ("Invoke-GeminiChat", "Prompt"), ("Get-GeminiStream", "Prompt"), ("Enter-GeminiChat", "Prompt"),
         ("Measure-GeminiToken", "Prompt"), ("Get-GeminiCache", "Name"), ("Set-GeminiCache", "Name"), ("Remove-GeminiCache", "Name"),
         ("Get-GeminiEmbedding", "Text"), ("Get-GeminiEmbedding", "Title"), ("Get-GeminiModel", "Name"),
         ("Start-GeminiBatchJob", "Prompt"), ("Get-GeminiBatchJob", "Name"), ("Wait-GeminiBatchJob", "Name"), ("Stop-GeminiBatchJob", "Name"),
         ("Receive-GeminiBatchJob", "Name")];

    public static TheoryData<string, string, string, bool, int, bool, string> Parameters()
    {
        var data = new TheoryData<string, string, string, bool, int, bool, string>();
        foreach (var row in Table)
        {
            data.Add(row.Cmdlet, row.Name, row.Type, row.Mandatory, row.Position, row.Pipeline, row.Aliases);
        }

        return data;
    }

    public static TheoryData<string> CmdletNames() => new(CmdletMetadataTests.SurfaceCmdlets);

    [Theory]
    [MemberData(nameof(Parameters))]
    public void ParameterMatchesTheSurface(string cmdlet, string name, string type, bool mandatory, int position, bool pipeline, string aliases)
    {
        var parameter = Cmdlet(cmdlet).Parameter(name);
        Assert.Equal(type, parameter.Type.FullName);
        var entry = Assert.Single(parameter.Sets);
        Assert.Equal(mandatory, entry.Mandatory);
        Assert.Equal(position, entry.Position);
        Assert.Equal(pipeline, entry.FromPipeline);
        Assert.True(entry.FromPipelineByPropertyName == ByPropertyName.Contains((cmdlet, name)),
            $"-{name} of {cmdlet} must {(ByPropertyName.Contains((cmdlet, name)) ? "" : "not ")}bind by property name.");
        var expectedAliases = aliases.Length == 0 ? [] : aliases.Split('|');
        Assert.Equal(expectedAliases.Order(StringComparer.Ordinal), parameter.Aliases.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void CmdletHasNoParameterBeyondTheSurface(string cmdlet)
    {
        var expected = Table.Where(r => r.Cmdlet == cmdlet).Select(r => r.Name).Order(StringComparer.Ordinal);
        Assert.Equal(expected, Cmdlet(cmdlet).Parameters.Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Invoke-GeminiChat", "VertexAI.ChatCompletion")]
    [InlineData("Get-GeminiStream", "VertexAI.ChatCompletionChunk|System.String")]
    [InlineData("New-GeminiMessage", "VertexAI.ChatMessage")]
    [InlineData("New-GeminiTool", "VertexAI.ToolDefinition")]
    [InlineData("Export-GeminiConversation", "System.IO.FileInfo")]
    [InlineData("Import-GeminiConversation", "VertexAI.ChatMessage")]
    [InlineData("Set-GeminiContext", "VertexAI.GeminiContext")]
    [InlineData("Get-GeminiContext", "VertexAI.GeminiContext")]
    [InlineData("Enter-GeminiChat", "VertexAI.ChatMessage")]
    [InlineData("New-GeminiCache", "VertexAI.GeminiCache")]
    [InlineData("Get-GeminiCache", "VertexAI.GeminiCache")]
    [InlineData("Set-GeminiCache", "VertexAI.GeminiCache")]
    [InlineData("Remove-GeminiCache", "System.String")]
    [InlineData("Measure-GeminiToken", "VertexAI.TokenCount")]
    [InlineData("Get-GeminiEmbedding", "VertexAI.Embedding")]
    [InlineData("Get-GeminiModel", "VertexAI.GeminiModel")]
    [InlineData("Measure-GeminiUsage", "VertexAI.UsageSummary")]
    [InlineData("Start-GeminiBatchJob", "VertexAI.BatchJob")]
    [InlineData("Get-GeminiBatchJob", "VertexAI.BatchJob")]
    [InlineData("Wait-GeminiBatchJob", "VertexAI.BatchJob")]
    [InlineData("Stop-GeminiBatchJob", "VertexAI.BatchJob")]
    [InlineData("Receive-GeminiBatchJob", "VertexAI.ChatCompletion")]
    public void OutputTypesMatchTheSurface(string cmdlet, string types)
    {
        Assert.Equal(types.Split('|').Order(StringComparer.Ordinal), Cmdlet(cmdlet).OutputTypes.Distinct().Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Invoke-GeminiChat")]
    [InlineData("Get-GeminiStream")]
    [InlineData("New-GeminiMessage")]
    [InlineData("New-GeminiTool")]
    [InlineData("Enter-GeminiChat")]
    [InlineData("New-GeminiCache")]
    [InlineData("Measure-GeminiToken")]
    [InlineData("Get-GeminiEmbedding")]
    [InlineData("Get-GeminiModel")]
    [InlineData("Measure-GeminiUsage")]
    [InlineData("Start-GeminiBatchJob")]
    [InlineData("Receive-GeminiBatchJob")]
    public void OutputTypesResolveToTypesOfTheCoreAssembly(string cmdlet)
    {
        Assert.NotNull(module.CoreAssembly);
        foreach (var name in Cmdlet(cmdlet).OutputTypes.Where(n => n.StartsWith("VertexAI.", StringComparison.Ordinal)))
        {
            Assert.NotNull(module.CoreAssembly!.GetType(name));
        }
    }

    [Theory]
    [InlineData("Invoke-GeminiChat", "ApiVersion", "v1|v1beta1")]
    [InlineData("Set-GeminiContext", "ApiVersion", "v1|v1beta1")]
    [InlineData("Get-GeminiStream", "ApiVersion", "v1|v1beta1")]
    [InlineData("New-GeminiMessage", "Role", "system|user|assistant|tool|developer")]
    [InlineData("Invoke-GeminiChat", "ThinkingLevel", "minimal|low|medium|high")]
    [InlineData("Get-GeminiStream", "ThinkingLevel", "minimal|low|medium|high")]
    [InlineData("Invoke-GeminiChat", "ReasoningEffort", "none|low|medium|high")]
    [InlineData("Get-GeminiStream", "ReasoningEffort", "none|low|medium|high")]
    [InlineData("Invoke-GeminiChat", "Modalities", "text|image|audio")]
    [InlineData("Invoke-GeminiChat", "InvokeTools", "None|Auto|Confirm")]
    [InlineData("Enter-GeminiChat", "InvokeTools", "None|Auto|Confirm")]
    [InlineData("Enter-GeminiChat", "ApiVersion", "v1|v1beta1")]
    [InlineData("Get-GeminiStream", "Modalities", "text|image|audio")]
    [InlineData("Get-GeminiEmbedding", "TaskType", "RETRIEVAL_QUERY|RETRIEVAL_DOCUMENT|SEMANTIC_SIMILARITY|CLASSIFICATION|CLUSTERING|QUESTION_ANSWERING|FACT_VERIFICATION|CODE_RETRIEVAL_QUERY")]
    [InlineData("Get-GeminiModel", "ApiVersion", "v1|v1beta1")]
    public void ValidateSetMatchesTheSurface(string cmdlet, string parameter, string values)
    {
        var attribute = Cmdlet(cmdlet).Parameter(parameter).Attributes
            .SingleOrDefault(a => a.AttributeType.FullName == "System.Management.Automation.ValidateSetAttribute");
        Assert.NotNull(attribute);
        var actual = attribute!.ConstructorArguments.SelectMany(CmdletModel.Flatten).Cast<string>();
        Assert.Equal(values.Split('|').Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Invoke-GeminiChat", "Temperature", 0d, 2d)]
    [InlineData("Invoke-GeminiChat", "TopP", 0d, 1d)]
    [InlineData("Invoke-GeminiChat", "MaxTokens", 1d, (double)int.MaxValue)]
    [InlineData("Get-GeminiStream", "Temperature", 0d, 2d)]
    [InlineData("Get-GeminiStream", "TopP", 0d, 1d)]
    [InlineData("Get-GeminiStream", "MaxTokens", 1d, (double)int.MaxValue)]
    [InlineData("Invoke-GeminiChat", "ThinkingBudget", -1d, (double)int.MaxValue)]
    [InlineData("Invoke-GeminiChat", "MaxToolRounds", 1d, 100d)]
    [InlineData("Enter-GeminiChat", "MaxToolRounds", 1d, 100d)]
    [InlineData("Enter-GeminiChat", "Temperature", 0d, 2d)]
    [InlineData("Get-GeminiStream", "ThinkingBudget", -1d, (double)int.MaxValue)]
    [InlineData("Invoke-GeminiChat", "MaxRetries", 0d, 20d)]
    [InlineData("Get-GeminiStream", "MaxRetries", 0d, 20d)]
    [InlineData("Invoke-GeminiChat", "TimeoutSec", 1d, 86400d)]
    [InlineData("Get-GeminiStream", "TimeoutSec", 1d, 86400d)]
    [InlineData("Invoke-GeminiChat", "ThrottleLimit", 1d, 64d)]
    [InlineData("Get-GeminiEmbedding", "ThrottleLimit", 1d, 64d)]
    [InlineData("Get-GeminiEmbedding", "Dimensions", 1d, 3072d)]
    [InlineData("Get-GeminiCache", "MaxRetries", 0d, 20d)]
    [InlineData("Wait-GeminiBatchJob", "PollIntervalSec", 0.01d, 3600d)]
    public void ValidateRangeMatchesTheSurface(string cmdlet, string parameter, double min, double max)
    {
        var attribute = Cmdlet(cmdlet).Parameter(parameter).Attributes
            .SingleOrDefault(a => a.AttributeType.FullName == "System.Management.Automation.ValidateRangeAttribute");
        Assert.NotNull(attribute);
        Assert.Equal(2, attribute!.ConstructorArguments.Count);
        Assert.Equal(min, Convert.ToDouble(attribute.ConstructorArguments[0].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(max, Convert.ToDouble(attribute.ConstructorArguments[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ToolNameHasTheSurfacePattern()
    {
        var attribute = Cmdlet("New-GeminiTool").Parameter("Name").Attributes
            .SingleOrDefault(a => a.AttributeType.FullName == "System.Management.Automation.ValidatePatternAttribute");
        Assert.NotNull(attribute);
        Assert.Equal("^[A-Za-z_][A-Za-z0-9_.-]{0,63}$", attribute!.ConstructorArguments[0].Value);
    }

    [Theory]
    [InlineData("Invoke-GeminiChat", "Model")]
    [InlineData("Invoke-GeminiChat", "Location")]
    [InlineData("Invoke-GeminiChat", "ToolChoice")]
    [InlineData("Get-GeminiStream", "Model")]
    [InlineData("Get-GeminiStream", "Location")]
    [InlineData("Get-GeminiStream", "ToolChoice")]
    [InlineData("Enter-GeminiChat", "Model")]
    [InlineData("New-GeminiCache", "Model")]
    [InlineData("Measure-GeminiToken", "Model")]
    [InlineData("Get-GeminiEmbedding", "Model")]
    [InlineData("Get-GeminiModel", "Name")]
    [InlineData("Get-GeminiModel", "Location")]
    public void ParameterHasAnArgumentCompleter(string cmdlet, string parameter)
    {
        Assert.NotNull(Cmdlet(cmdlet).Parameter(parameter).AttributeDerivedFrom("System.Management.Automation.ArgumentCompleterAttribute"));
    }

    [Theory]
    [InlineData("Invoke-GeminiChat")]
    [InlineData("Get-GeminiStream")]
    [InlineData("Enter-GeminiChat")]
    [InlineData("Get-GeminiModel")]
    [InlineData("Remove-GeminiCache")]
    public void AccessTokenTurnsAPlainStringIntoASecureString(string cmdlet)
    {
        // A SecureString parameter alone would reject the output of 'gcloud auth print-access-token'.
        Assert.NotNull(Cmdlet(cmdlet).Parameter("AccessToken").AttributeDerivedFrom("System.Management.Automation.ArgumentTransformationAttribute"));
    }

    [Fact]
    public void NoCmdletOfTheSurfaceNeedsMoreThanOneParameterSet()
    {
        Assert.All(module.Cmdlets, c => Assert.Single(c.ParameterSetNames));
    }

    private CmdletModel Cmdlet(string name) =>
        module.Cmdlets.SingleOrDefault(c => c.Name == name) ?? throw new Xunit.Sdk.XunitException($"The module has no {name} cmdlet.");

    private static IEnumerable<(string, string, string, bool, int, bool, string)> ChatRows(string cmdlet) =>
    [
        (cmdlet, "Prompt", "System.String[]", false, 0, true, ""),
        (cmdlet, "Message", "VertexAI.ChatMessage[]", false, Named, true, "Messages"),
        (cmdlet, "SystemMessage", "System.String", false, Named, false, "System"),
        (cmdlet, "InputObject", "System.Management.Automation.PSObject", false, Named, true, ""),
        (cmdlet, "Model", "System.String", false, Named, false, ""),
        (cmdlet, "Endpoint", "System.String", false, Named, false, "EndpointId"),
        (cmdlet, "Tool", "VertexAI.ToolDefinition[]", false, Named, false, "Tools"),
        (cmdlet, "ToolChoice", "System.String", false, Named, false, ""),
        (cmdlet, "Temperature", "System.Double", false, Named, false, ""),
        (cmdlet, "TopP", "System.Double", false, Named, false, ""),
        (cmdlet, "MaxTokens", "System.Int32", false, Named, false, ""),
        (cmdlet, "Stop", "System.String[]", false, Named, false, ""),
        (cmdlet, "Seed", "System.Int64", false, Named, false, ""),
        (cmdlet, "ResponseFormat", "System.Object", false, Named, false, ""),
        (cmdlet, "ExtraBody", "System.Collections.IDictionary", false, Named, false, ""),
        (cmdlet, "Conversation", "VertexAI.ChatCompletion", false, Named, true, ""),
        (cmdlet, "ThinkingBudget", "System.Int32", false, Named, false, ""),
        (cmdlet, "ThinkingLevel", "System.String", false, Named, false, ""),
        (cmdlet, "IncludeThoughts", Switch, false, Named, false, ""),
        (cmdlet, "ThoughtTagMarker", "System.String", false, Named, false, ""),
        (cmdlet, "ReasoningEffort", "System.String", false, Named, false, ""),
        (cmdlet, "ResponseSchema", "System.Object", false, Named, false, ""),
        (cmdlet, "SchemaName", "System.String", false, Named, false, ""),
        (cmdlet, "Modalities", "System.String[]", false, Named, false, ""),
        (cmdlet, "StreamFunctionCallArguments", Switch, false, Named, false, ""),
        (cmdlet, "GoogleSearch", Switch, false, Named, false, ""),
        (cmdlet, "SafetySetting", "System.Object[]", false, Named, false, ""),
        (cmdlet, "CachedContent", "System.String", false, Named, false, ""),
        (cmdlet, "MediaResolution", "System.String", false, Named, false, ""),
        .. ConnectionRows(cmdlet),
    ];

    /// <summary>The connection parameters every cmdlet that calls Vertex AI has (GeminiConnectionCommandBase).</summary>
    internal static IEnumerable<(string, string, string, bool, int, bool, string)> ConnectionRows(string cmdlet) =>
    [
        (cmdlet, "Project", "System.String", false, Named, false, ""),
        (cmdlet, "Location", "System.String", false, Named, false, ""),
        (cmdlet, "ApiVersion", "System.String", false, Named, false, ""),
        (cmdlet, "BaseUri", "System.Uri", false, Named, false, ""),
        (cmdlet, "AccessToken", "System.Security.SecureString", false, Named, false, ""),
        (cmdlet, "QuotaProject", "System.String", false, Named, false, ""),
        (cmdlet, "MaxRetries", "System.Int32", false, Named, false, ""),
        (cmdlet, "TimeoutSec", "System.Int32", false, Named, false, ""),
        (cmdlet, "Proxy", "System.Uri", false, Named, false, ""),
    ];
}
