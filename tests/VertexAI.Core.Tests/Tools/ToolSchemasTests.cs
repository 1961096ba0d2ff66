using VertexAI;
using VertexAI.Json;
using Xunit;

namespace VertexAI.Core.Tests.Tools;

public class ToolSchemasTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _f;

    public ToolSchemasTests(EmulatorFixture f) => _f = f;

    private enum Unit { Celsius, Fahrenheit }

    [Fact]
    public void Parameters_map_to_an_OpenAPI_object_schema()
    {
        var schema = ToolSchemas.FromParameters(
        [
            new ParameterDescription("City", typeof(string)) { Mandatory = true, Description = "The city" },
            new ParameterDescription("Days", typeof(int)) { Minimum = 1, Maximum = 10 },
            new ParameterDescription("Ratio", typeof(double)),
            new ParameterDescription("Detailed", typeof(bool)),
            new ParameterDescription("Unit", typeof(Unit)),
            new ParameterDescription("Kind", typeof(string)) { AllowedValues = ["a", "b"] },
            new ParameterDescription("Tags", typeof(string[])),
            new ParameterDescription("Ids", typeof(List<long>)),
            new ParameterDescription("Limit", typeof(int?)),
            new ParameterDescription("Options", typeof(System.Collections.Hashtable)),
            new ParameterDescription("Path", typeof(FileInfo)),
            new ParameterDescription("Anything", typeof(object)),
        ]);
        JsonAssert.Equivalent(
            """
            {"type":"object","properties":{
              "City":{"type":"string","description":"The city"},
              "Days":{"type":"integer","minimum":1,"maximum":10},
              "Ratio":{"type":"number"},
              "Detailed":{"type":"boolean"},
              "Unit":{"type":"string","enum":["Celsius","Fahrenheit"]},
              "Kind":{"type":"string","enum":["a","b"]},
              "Tags":{"type":"array","items":{"type":"string"}},
              "Ids":{"type":"array","items":{"type":"integer"}},
              "Limit":{"type":"integer","nullable":true},
              "Options":{"type":"object"},
              "Path":{"type":"string"},
              "Anything":{"type":"string"}},
             "required":["City"]}
            """,
            PlainJson.Serialize(schema));
    }

    [Fact]
    public void A_ValidateSet_on_an_array_constrains_its_items()
    {
        var schema = ToolSchemas.FromParameters([new ParameterDescription("Colors", typeof(string[])) { AllowedValues = ["red", "green"] }]);
        JsonAssert.Equivalent("""{"type":"array","items":{"type":"string","enum":["red","green"]}}""", PlainJson.Serialize(((Dictionary<string, object?>)schema["properties"]!)["Colors"]));
    }

    [Fact]
    public void No_parameters_give_an_empty_object()
    {
        JsonAssert.Equivalent("""{"type":"object","properties":{}}""", PlainJson.Serialize(ToolSchemas.FromParameters([])));
    }

    [Fact]
    public async Task A_derived_schema_is_accepted_and_the_model_calls_with_its_required_arguments()
    {
        var tool = new ToolDefinition
        {
            Function = new FunctionDefinition
            {
                Name = "Get-Weather",
                Parameters = ToolSchemas.FromParameters(
                [
                    new ParameterDescription("City", typeof(string)) { Mandatory = true },
                    new ParameterDescription("Unit", typeof(string)) { Mandatory = true, AllowedValues = ["celsius", "fahrenheit"] },
                    new ParameterDescription("Days", typeof(int)) { Mandatory = true, Minimum = 1 },
                ]),
            },
        };
        var request = EmulatorFixture.UserPrompt("Oslo");
        request.Tools = [tool];
        var completion = await ChatCalls.CompleteAsync(_f.Client(), request);
        var call = Assert.Single(completion.ToolCalls!);
        Assert.Equal("Get-Weather", call.Function.Name);
        JsonAssert.Equivalent("""{"City":"Oslo","Unit":"celsius","Days":1}""", call.Function.Arguments!);
        // Only the wire format is sent (the PowerShell command behind a tool is kept by the module, not in this model).
        Assert.DoesNotContain("Command", _f.Emulator.ChatRequests[^1].Body);
    }
}
