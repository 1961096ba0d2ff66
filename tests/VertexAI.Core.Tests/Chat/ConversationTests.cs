using VertexAI;
using Xunit;

namespace VertexAI.Core.Tests.Chat;

public class ConversationTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _f;

    public ConversationTests(EmulatorFixture f) => _f = f;

    [Fact]
    public async Task A_completion_carries_its_conversation_and_continues_it()
    {
        var first = await ChatCalls.CompleteAsync(_f.Client(), EmulatorFixture.UserPrompt("Name a prime"));
        Assert.NotNull(first.Conversation);
        Assert.Equal(["user", "assistant"], first.Conversation!.Select(m => m.Role));
        Assert.Same(first.Message, first.Conversation[1]);

        _f.Emulator.ClearLog();
        var next = new ChatRequest { Messages = new List<ChatMessage>(first.Conversation) };
        next.Messages.Add(new ChatMessage("user", "And the next one?"));
        var second = await ChatCalls.CompleteAsync(_f.Client(), next);
        var wire = Assert.Single(_f.Emulator.ChatRequests).Json!["messages"]!.AsArray();
        Assert.Equal(3, wire.Count);
        Assert.Equal("Echo: Name a prime", (string?)wire[1]!["content"]);
        Assert.Equal(4, second.Conversation!.Count);
    }

    [Fact]
    public async Task Tool_turns_keep_their_thought_signatures_in_the_conversation()
    {
        var request = EmulatorFixture.UserPrompt("weather in Boston");
        request.Tools = [new ToolDefinition { Function = new FunctionDefinition { Name = "get_weather", Parameters = new Dictionary<string, object?> { ["type"] = "object" } } }];
        var completion = await ChatCalls.CompleteAsync(_f.Client(), request);
        var assistant = completion.Conversation![^1];
        Assert.NotNull(Assert.Single(assistant.ToolCalls!).ThoughtSignature);
    }
}
