using System.Text.Json.Nodes;
using Xunit;

namespace VertexAI.Core.Tests.Native;

/// <summary>
/// The one chat→native writer as countTokens and context caches send it, over real HTTP against the emulator (whose
/// validators check Content, Part, FunctionDeclaration.parameters as Schema and IANA media types as Vertex documents them).
/// </summary>
public sealed class NativeContentWriterTests(NativeFixture fixture) : IClassFixture<NativeFixture>
{
    private static readonly string LongDocument = new('d', 8200);

    private JsonNode LastBody(string kind) => fixture.Emulator.Requests.Last(r => r.Kind == kind).Json!;

    private static ToolCall Call(string id, string city, string? signature = null) => new()
    {
        Id = id,
        Function = new FunctionCall { Name = "get_weather", Arguments = $$"""{"city":"{{city}}"}""" },
        ExtraContent = signature is null ? null : ExtraContent.SetGoogle(null, "thought_signature", signature),
    };

    [Fact]
    public async Task Token_counts_send_parallel_tool_results_in_one_content_and_keep_thoughts_and_signatures()
    {
        var messages = new List<ChatMessage>
        {
            new("user", "Weather in Oslo and Rome?"),
            new() { Role = "assistant", ToolCalls = [Call("c1", "Oslo", "c2ln"), Call("c2", "Rome")], ContentWasNull = true },
            new("tool", "{\"temp\":3}") { ToolCallId = "c1" },
            new("tool", "mild") { ToolCallId = "c2" },
            new()
            {
                Role = "assistant",
                Parts = [new ContentPart { Type = "text", Text = "pondering", ExtraContent = ExtraContent.SetGoogle(null, "thought", true) }, ContentPart.FromText("Cold and mild.")],
                ExtraContent = ExtraContent.SetGoogle(null, "thought_signature", "AAAA"),
            },
            new("user", "Thanks"),
        };

        var count = await new TokenCalls(fixture.Client()).CountAsync("gemini-2.5-flash", messages);

        var contents = LastBody("countTokens")["contents"]!.AsArray();
        Assert.Equal(["user", "model", "user", "model", "user"], contents.Select(c => c!["role"]!.GetValue<string>()));
        JsonAssert.Equivalent(
            """
            [{"functionCall":{"name":"get_weather","args":{"city":"Oslo"}},"thoughtSignature":"c2ln"},
             {"functionCall":{"name":"get_weather","args":{"city":"Rome"}}}]
            """,
            contents[1]!["parts"]);
        JsonAssert.Equivalent(
            """
            [{"functionResponse":{"name":"get_weather","response":{"temp":3}}},
             {"functionResponse":{"name":"get_weather","response":{"content":"mild"}}}]
            """,
            contents[2]!["parts"]);
        JsonAssert.Equivalent("""[{"text":"pondering","thought":true,"thoughtSignature":"AAAA"},{"text":"Cold and mild."}]""", contents[3]!["parts"]);
        Assert.True(count.TotalTokens > 0);
    }

    [Fact]
    public async Task A_cache_keeps_an_empty_turn_valid_and_sends_tool_parameters_as_the_OpenAPI_schema_they_are()
    {
        var definition = new CacheDefinition { Model = "gemini-2.5-flash" };
        definition.Messages.Add(new ChatMessage("user", LongDocument));
        definition.Messages.Add(new ChatMessage("assistant", string.Empty));
        var schema = ToolSchemas.FromParameters([new ParameterDescription("Limit", typeof(int?))]);
        definition.Tools.Add(new ToolDefinition { Function = new FunctionDefinition { Name = "lookup", Parameters = schema } });

        var cache = await new CacheCalls(fixture.Client()).CreateAsync(definition);

        var sent = LastBody("cachedContents");
        JsonAssert.Equivalent("""{"role":"model","parts":[{"text":""}]}""", sent["contents"]![1]);
        var declaration = sent["tools"]![0]!["functionDeclarations"]![0]!.AsObject();
        Assert.False(declaration.ContainsKey("parametersJsonSchema"));
        JsonAssert.Equivalent("""{"type":"object","properties":{"Limit":{"type":"integer","nullable":true}}}""", declaration["parameters"]);
        Assert.NotNull(cache.Name);
    }

    public static TheoryData<string, ChatMessage> Unwritable => new()
    {
        { "messages[1].content[0].image_url", new ChatMessage { Role = "user", Parts = [ContentPart.FromImageUrl("gs://b/no-extension")] } },
        { "messages[1].content[0].input_audio", new ChatMessage { Role = "user", Parts = [ContentPart.FromInputAudio("not base64!", "audio/wav")] } },
        { "messages[1].content[0].type", new ChatMessage { Role = "user", Parts = [new ContentPart { Type = "file" }] } },
        { "messages[1].content[0]", new ChatMessage { Role = "system", Parts = [ContentPart.FromImageUrl("gs://b/logo.png")] } },
    };

    [Theory]
    [MemberData(nameof(Unwritable))]
    public async Task What_has_no_native_form_is_refused_before_anything_is_sent(string field, ChatMessage message)
    {
        var before = fixture.Emulator.Requests.Count(r => r.Kind == "countTokens");
        var messages = new List<ChatMessage> { new("user", "Look:"), message };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => new TokenCalls(fixture.Client()).CountAsync("gemini-2.5-flash", messages));

        Assert.Contains($"'{field}'", ex.Message);
        Assert.Equal("Message", ex.ParamName);
        Assert.Equal(before, fixture.Emulator.Requests.Count(r => r.Kind == "countTokens"));
    }
}
