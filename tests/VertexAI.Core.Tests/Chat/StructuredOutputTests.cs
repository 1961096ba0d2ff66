using VertexAI;
using Xunit;

namespace VertexAI.Core.Tests.Chat;

public class StructuredOutputTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _f;

    public StructuredOutputTests(EmulatorFixture f) => _f = f;

    public enum Mood { Happy, Sad }

    public sealed class Address
    {
        public string City { get; set; } = "";
    }

    public sealed class Person
    {
        public string Name { get; set; } = "";
        public int Age { get; set; }
        public double Height { get; set; }
        public bool Active { get; set; }
        public Mood Mood { get; set; }
        public int? Rank { get; set; }
        public List<string> Tags { get; set; } = new();
        public Address[] Addresses { get; set; } = [];
        public Address Home { get; set; } = new();
        public string ReadOnly => "x";
    }

    public sealed class Node
    {
        public string Name { get; set; } = "";
        public List<Node> Children { get; set; } = new();
    }

    [Fact]
    public void Schema_from_a_type_maps_every_kind()
    {
        var schema = JsonSchemas.FromType(typeof(Person));
        JsonAssert.Equivalent(
            """
            {"type":"object","properties":{
              "Name":{"type":"string"},"Age":{"type":"integer"},"Height":{"type":"number"},"Active":{"type":"boolean"},
              "Mood":{"type":"string","enum":["Happy","Sad"]},"Rank":{"type":"integer","nullable":true},
              "Tags":{"type":"array","items":{"type":"string"}},
              "Addresses":{"type":"array","items":{"type":"object","properties":{"City":{"type":"string"}},"required":["City"]}},
              "Home":{"type":"object","properties":{"City":{"type":"string"}},"required":["City"]}},
             "required":["Name","Age","Height","Active","Mood","Tags","Addresses","Home"]}
            """,
            Json.PlainJson.Serialize(schema));
    }

    [Fact]
    public void A_type_that_contains_itself_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => JsonSchemas.FromType(typeof(Node)));
        Assert.Contains("recursive", ex.Message);
        Assert.Contains("Children", ex.Message);
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"next":{"$ref":"#"}}}""")]
    [InlineData("""{"type":"object","properties":{"a":{"$ref":"#/$defs/A"}},"$defs":{"A":{"type":"object","properties":{"b":{"$ref":"#/$defs/B"}}},"B":{"type":"object","properties":{"a":{"$ref":"#/$defs/A"}}}}}""")]
    public void Schemas_with_a_reference_cycle_are_refused(string json)
    {
        var schema = (Dictionary<string, object?>)Json.PlainJson.Parse(json)!;
        var ex = Assert.Throws<ArgumentException>(() => JsonSchemas.EnsureNotRecursive(schema));
        Assert.Contains("recursive", ex.Message);
    }

    [Fact]
    public async Task Schemas_with_shared_definitions_are_accepted_and_sent_whole()
    {
        const string Shared = """{"type":"object","properties":{"a":{"$ref":"#/$defs/A"},"b":{"$ref":"#/$defs/A"}},"$defs":{"A":{"type":"string"}}}""";
        var schema = (Dictionary<string, object?>)Json.PlainJson.Parse(Shared)!;
        Assert.Null(Record.Exception(() => JsonSchemas.EnsureNotRecursive(schema)));

        // Two references to one definition are no cycle: the request goes out with the definitions intact.
        _f.Emulator.ClearLog();
        var request = EmulatorFixture.UserPrompt("x");
        request.ResponseFormat = ResponseFormat.JsonSchema("shared", schema);
        await ChatCalls.CompleteAsync(_f.Client(), request);
        JsonAssert.Equivalent(Shared, Assert.Single(_f.Emulator.ChatRequests).Json!["response_format"]!["json_schema"]!["schema"]!.ToJsonString());
    }

    [Fact]
    public async Task A_recursive_schema_sends_nothing()
    {
        _f.Emulator.ClearLog();
        var request = EmulatorFixture.UserPrompt("x");
        request.ResponseFormat = ResponseFormat.JsonSchema("r", (Dictionary<string, object?>)Json.PlainJson.Parse("""{"type":"object","properties":{"n":{"$ref":"#"}}}""")!);
        await Assert.ThrowsAsync<ArgumentException>(() => ChatCalls.CompleteAsync(_f.Client(), request));
        Assert.Empty(_f.Emulator.ChatRequests);
    }

    [Fact]
    public async Task A_type_schema_goes_on_the_wire_and_the_answer_binds_to_the_type()
    {
        _f.Emulator.ClearLog();
        var request = EmulatorFixture.UserPrompt("Describe someone");
        request.ResponseFormat = ResponseFormat.ForType(typeof(Person));
        var completion = await ChatCalls.CompleteAsync(_f.Client(), request);
        var wire = Assert.Single(_f.Emulator.ChatRequests).Json!["response_format"]!;
        Assert.Equal("json_schema", (string?)wire["type"]);
        Assert.Equal("Person", (string?)wire["json_schema"]!["name"]);
        Assert.True((bool)wire["json_schema"]!["strict"]!);
        Assert.Null(completion.ParseError);
        var person = Assert.IsType<Person>(completion.Parsed);
        Assert.Equal("example", person.Name);
        Assert.NotNull(person.Home);
    }

    [Fact]
    public async Task Binding_to_the_type_can_wait_for_the_hosts_thread()
    {
        var request = EmulatorFixture.UserPrompt("Describe someone");
        request.ResponseFormat = ResponseFormat.ForType(typeof(Address));
        var completion = await ChatCalls.CompleteAsync(_f.Client(), request, bindResultType: false);
        Assert.IsType<Dictionary<string, object?>>(completion.Parsed);
        StructuredOutput.BindResultType(request.ResponseFormat, completion);
        Assert.Equal("example", Assert.IsType<Address>(completion.Parsed).City);
    }

    [Fact]
    public void Json_that_does_not_fit_the_type_is_a_parse_error()
    {
        var completion = new ChatCompletion { Choices = { new ChatChoice { Message = new ChatMessage("assistant", "{\"Age\":\"old\"}") } } };
        StructuredOutput.Apply(ResponseFormat.ForType(typeof(Person)), completion, bindResultType: false);
        StructuredOutput.BindResultType(ResponseFormat.ForType(typeof(Person)), completion);
        Assert.Null(completion.Parsed);
        Assert.Contains("Person", completion.ParseError!.Message);
        Assert.Equal("{\"Age\":\"old\"}", completion.ParseError.RawText);
    }

    [Fact]
    public async Task A_map_schema_parses_to_plain_values()
    {
        var request = EmulatorFixture.UserPrompt("x");
        request.ResponseFormat = ResponseFormat.JsonSchema("response", (Dictionary<string, object?>)Json.PlainJson.Parse(
            """{"type":"object","properties":{"name":{"type":"string"},"n":{"type":"integer"}},"required":["name","n"]}""")!);
        var completion = await ChatCalls.CompleteAsync(_f.Client(), request);
        var map = Assert.IsType<Dictionary<string, object?>>(completion.Parsed);
        Assert.Equal("example", map["name"]);
    }

    [Fact]
    public async Task Json_object_parses_too()
    {
        var request = EmulatorFixture.UserPrompt("hi");
        request.ResponseFormat = ResponseFormat.JsonObject;
        var completion = await ChatCalls.CompleteAsync(_f.Client(), request);
        Assert.Equal("hi", Assert.IsType<Dictionary<string, object?>>(completion.Parsed)["echo"]);
    }

    [Fact]
    public void Invalid_json_is_an_error_that_keeps_the_raw_text()
    {
        var completion = new ChatCompletion { Choices = { new ChatChoice { Message = new ChatMessage("assistant", "not { json") } } };
        StructuredOutput.Apply(ResponseFormat.JsonObject, completion);
        Assert.Null(completion.Parsed);
        Assert.NotNull(completion.ParseError);
        Assert.Equal("not { json", completion.ParseError!.RawText);
        Assert.Contains("not valid JSON", completion.ParseError.Message);
    }

    [Fact]
    public void A_json_fence_is_tolerated_and_binding_ignores_case()
    {
        var value = (Address)StructuredOutput.Parse("```json\n{\"city\":\"Oslo\"}\n```", typeof(Address))!;
        Assert.Equal("Oslo", value.City);
    }
}
