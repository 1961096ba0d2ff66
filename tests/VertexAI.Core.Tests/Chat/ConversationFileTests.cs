using System.Text.Json.Nodes;
using VertexAI;
using Xunit;

namespace VertexAI.Core.Tests.Chat;

public class ConversationFileTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _f;

    public ConversationFileTests(EmulatorFixture f) => _f = f;

    [Fact]
    public async Task A_saved_conversation_reads_back_and_is_sent_exactly_as_before()
    {
        var request = EmulatorFixture.UserPrompt("weather in Boston");
        request.Tools = [new ToolDefinition { Function = new FunctionDefinition { Name = "get_weather", Parameters = new Dictionary<string, object?> { ["type"] = "object" } } }];
        var first = await ChatCalls.CompleteAsync(_f.Client(), request);
        var call = first.ToolCalls![0];
        var conversation = new List<ChatMessage>(first.Conversation!)
        {
            new ChatMessage("tool", "{\"temp\":20}") { ToolCallId = call.Id, ExtraContent = ExtraContent.SetGoogle(null, "parts", new object?[] { new Dictionary<string, object?> { ["file_data"] = new Dictionary<string, object?> { ["mime_type"] = "image/jpg", ["file_uri"] = "gs://b/x.jpg" } } }) },
        };

        var json = ConversationFile.Serialize(conversation);
        var loaded = ConversationFile.Parse(json);
        Assert.Equal(3, loaded.Count);
        Assert.Equal(call.ThoughtSignature, loaded[1].ToolCalls![0].ThoughtSignature);
        Assert.Equal(json, ConversationFile.Serialize(loaded));

        _f.Emulator.ClearLog();
        await ChatCalls.CompleteAsync(_f.Client(), new ChatRequest { Messages = conversation, Tools = request.Tools });
        var sentOriginal = Assert.Single(_f.Emulator.ChatRequests).Json!["messages"];
        _f.Emulator.ClearLog();
        await ChatCalls.CompleteAsync(_f.Client(), new ChatRequest { Messages = loaded, Tools = request.Tools });
        JsonAssert.Equivalent(sentOriginal, Assert.Single(_f.Emulator.ChatRequests).Json!["messages"]);
        JsonAssert.Equivalent(sentOriginal, JsonNode.Parse(json));
    }

    [Theory]
    [InlineData("{\"a\":1}")]
    [InlineData("[1]")]
    [InlineData("not json")]
    public void Files_that_are_not_a_messages_array_are_refused(string text)
    {
        Assert.Throws<InvalidDataException>(() => ConversationFile.Parse(text));
    }

    [Fact]
    public void A_request_body_reads_as_its_messages()
    {
        Assert.Single(ConversationFile.Parse("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
    }

    [Fact]
    public void Extend_adds_only_what_continues_the_collected_messages()
    {
        var a = new ChatMessage("user", "a");
        var b = new ChatMessage("assistant", "b");
        var c = new ChatMessage("user", "c");
        var collected = new List<ChatMessage> { a, b };
        ConversationFile.Extend(collected, [a, b, c]);
        Assert.Equal([a, b, c], collected);
        ConversationFile.Extend(collected, [a]);
        Assert.Equal([a, b, c, a], collected);
    }
}
