using VertexAI;
using VertexAI.Json;
using Xunit;

namespace VertexAI.Core.Tests.Tools;

public class ToolResultsTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _f;

    public ToolResultsTests(EmulatorFixture f) => _f = f;

    [Fact]
    public void Arguments_parse_to_a_map_and_bad_ones_are_refused()
    {
        Assert.Equal("Oslo", ToolResults.ParseArguments("{\"city\":\"Oslo\"}")["city"]);
        Assert.Empty(ToolResults.ParseArguments(""));
        Assert.Throws<ArgumentException>(() => ToolResults.ParseArguments("[1]"));
        Assert.Throws<ArgumentException>(() => ToolResults.ParseArguments("{"));
    }

    [Fact]
    public void Results_become_tool_messages()
    {
        Assert.Equal("sunny", ToolResults.Success("c1", ["sunny"]).Content);
        Assert.Equal("null", ToolResults.Success("c1", []).Content);
        JsonAssert.Equivalent("""{"t":20}""", ToolResults.Success("c1", [new Dictionary<string, object?> { ["t"] = 20L }]).Content!);
        JsonAssert.Equivalent("""[1,"two"]""", ToolResults.Success("c1", [1L, "two"]).Content!);
        var error = ToolResults.Error("c2", "boom \"quoted\"");
        Assert.Equal("tool", error.Role);
        Assert.Equal("c2", error.ToolCallId);
        JsonAssert.Equivalent("""{"error":"boom \"quoted\""}""", error.Content!);
    }

    [Fact]
    public async Task A_tool_round_trip_sends_the_assistant_message_unchanged_and_the_results_in_order()
    {
        ToolDefinition Tool(string name) => new() { Function = new FunctionDefinition { Name = name, Parameters = new Dictionary<string, object?> { ["type"] = "object" } } };
        var request = EmulatorFixture.UserPrompt("two things");
        request.Tools = [Tool("first"), Tool("second")];
        var first = await ChatCalls.CompleteAsync(_f.Client(), request);
        Assert.Equal(2, first.ToolCalls!.Count);

        var next = request.ShallowCopy();
        next.Messages = new List<ChatMessage>(first.Conversation!);
        foreach (var call in first.ToolCalls) next.Messages.Add(ToolResults.Success(call.Id!, [call.Function.Name]));
        _f.Emulator.ClearLog();
        var answer = await ChatCalls.CompleteAsync(_f.Client(), next);
        Assert.Equal("Echo: tool results: first; second", answer.Content);
        var sent = Assert.Single(_f.Emulator.ChatRequests).Json!["messages"]!.AsArray();
        Assert.Equal(first.ToolCalls[0].ThoughtSignature, (string?)sent[1]!["tool_calls"]![0]!["extra_content"]!["google"]!["thought_signature"]);
    }

    [Fact]
    public async Task Streamed_function_call_arguments_flow_and_the_last_chunk_has_the_assembled_calls()
    {
        var request = EmulatorFixture.UserPrompt("weather in Boston");
        request.Tools = [new ToolDefinition { Function = new FunctionDefinition { Name = "get_weather", Parameters = (Dictionary<string, object?>)PlainJson.Parse("""{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}""")! } }];
        ThinkingOptions.SetExtraBodyGoogle(request, "stream_function_call_arguments", true);
        _f.Emulator.ClearLog();
        var chunks = new List<ChatCompletionChunk>();
        var completion = await ChatCalls.StreamAsync(_f.Client(), request, chunks.Add);
        Assert.True((bool)Assert.Single(_f.Emulator.ChatRequests).Json!["extra_body"]!["google"]!["stream_function_call_arguments"]!);
        Assert.True(chunks.Count > 2);
        var last = chunks[^1].ToolCallsSoFar;
        Assert.NotNull(last);
        var call = Assert.Single(last!);
        JsonAssert.Equivalent("""{"location":"weather in Boston"}""", call.Function.Arguments!);
        Assert.Equal(completion.ToolCalls![0].Function.Arguments, call.Function.Arguments);
        Assert.NotNull(call.ThoughtSignature);
    }
}
