using System.Text.Json.Nodes;
using VertexAI;
using Xunit;

namespace VertexAI.Core.Tests.Chat;

public class ThinkingTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _f;

    public ThinkingTests(EmulatorFixture f) => _f = f;

    [Fact]
    public void Split_separates_tagged_thoughts_from_the_answer()
    {
        ThoughtParser.Split("<think>Let me see.</think>\n\nThe answer.", "think", out var thoughts, out var answer);
        Assert.Equal("Let me see.", thoughts);
        Assert.Equal("The answer.", answer);
    }

    [Fact]
    public void Split_without_marker_or_tags_keeps_the_text()
    {
        ThoughtParser.Split("<think>x</think>y", null, out var t1, out var a1);
        Assert.Null(t1);
        Assert.Equal("<think>x</think>y", a1);
        ThoughtParser.Split("plain a < b", "think", out var t2, out var a2);
        Assert.Null(t2);
        Assert.Equal("plain a < b", a2);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Feed_recognises_tags_cut_across_fragments(int size)
    {
        const string text = "<think>step one, a < b</think>Answer: 1 <th is fine";
        var parser = new ThoughtParser("think");
        var thought = "";
        var answer = "";
        for (var i = 0; i < text.Length; i += size)
        {
            foreach (var s in parser.Feed(text.Substring(i, Math.Min(size, text.Length - i))))
            {
                if (s.IsThought) thought += s.Text; else answer += s.Text;
            }
        }
        foreach (var s in parser.Flush())
        {
            if (s.IsThought) thought += s.Text; else answer += s.Text;
        }
        Assert.Equal("step one, a < b", thought);
        Assert.Equal("Answer: 1 <th is fine", answer);
    }

    [Fact]
    public void Parts_marked_as_thought_count_as_thoughts()
    {
        var message = new ChatMessage
        {
            Role = "assistant",
            Parts =
            [
                new ContentPart { Type = "text", Text = "pondering", ExtraContent = ExtraContent.SetGoogle(null, "thought", true) },
                ContentPart.FromText("answer"),
            ],
        };
        var completion = new ChatCompletion { Choices = { new ChatChoice { Message = message } } };
        Assert.Equal("pondering", completion.Thoughts);
        Assert.Equal("answer", completion.Content);
        Assert.Equal("ponderinganswer", completion.RawContent);
    }

    [Fact]
    public void Options_merge_into_extra_body_and_win_over_it()
    {
        var request = new ChatRequest
        {
            ExtraBody = new Dictionary<string, object?>
            {
                ["google"] = new Dictionary<string, object?>
                {
                    ["thinking_config"] = new Dictionary<string, object?> { ["thinking_budget"] = 5L, ["include_thoughts"] = false },
                    ["safety_settings"] = "keep",
                },
            },
        };
        new ThinkingOptions { Budget = 1024, Level = "high", IncludeThoughts = true, ThoughtTagMarker = "think" }.ApplyTo(request);
        JsonAssert.Equivalent(
            """{"google":{"thinking_config":{"thinking_budget":1024,"thinking_level":"high","include_thoughts":true},"safety_settings":"keep","thought_tag_marker":"think"}}""",
            JsonNode.Parse(Json.PlainJson.Serialize(request.ExtraBody)));
    }

    [Fact]
    public void Reasoning_effort_with_a_thinking_config_is_refused_naming_both()
    {
        var request = EmulatorFixture.UserPrompt("hi");
        request.ReasoningEffort = "low";
        ThinkingOptions.Validate(request); // alone: fine
        new ThinkingOptions { Budget = 10 }.ApplyTo(request);
        var ex = Assert.Throws<ArgumentException>(() => ThinkingOptions.Validate(request));
        Assert.Contains("-ReasoningEffort", ex.Message);
        Assert.Contains("thinking_config", ex.Message);
    }

    [Fact]
    public async Task Reasoning_effort_with_thinking_config_in_extra_body_sends_nothing()
    {
        _f.Emulator.ClearLog();
        var request = EmulatorFixture.UserPrompt("hi");
        request.ReasoningEffort = "high";
        request.ExtraBody = new Dictionary<string, object?> { ["google"] = new Dictionary<string, object?> { ["thinking_config"] = new Dictionary<string, object?>() } };
        await Assert.ThrowsAsync<ArgumentException>(() => ChatCalls.CompleteAsync(_f.Client(), request));
        Assert.Empty(_f.Emulator.ChatRequests);
    }

    [Fact]
    public async Task Tagged_thoughts_are_separated_from_the_answer()
    {
        var request = EmulatorFixture.UserPrompt("Are there primes?");
        new ThinkingOptions { IncludeThoughts = true, Budget = 1024, ThoughtTagMarker = "think" }.ApplyTo(request);
        var completion = await ChatCalls.CompleteAsync(_f.Client(), request);
        Assert.Equal("Thinking about: Are there primes?", completion.Thoughts);
        Assert.Equal("Echo: Are there primes?", completion.Content);
        Assert.StartsWith("<think>", completion.RawContent);
        Assert.StartsWith("<think>", completion.Message!.Content); // the message is unchanged, for the round trip
        Assert.Equal(7, completion.Usage!.ReasoningTokens);
        Assert.Contains("reasoning 7", completion.Usage.ToString());
    }

    [Fact]
    public async Task Streamed_chunks_tell_thought_text_from_answer_text()
    {
        var request = EmulatorFixture.UserPrompt("Are there primes?");
        new ThinkingOptions { IncludeThoughts = true, ThoughtTagMarker = "think" }.ApplyTo(request);
        var thought = "";
        var answer = "";
        var chunks = new List<ChatCompletionChunk>();
        var completion = await ChatCalls.StreamAsync(_f.Client(), request, c =>
        {
            chunks.Add(c);
            thought += c.ThoughtText;
            answer += c.AnswerText;
        });
        Assert.Equal("Thinking about: Are there primes?", thought);
        Assert.Equal("Echo: Are there primes?", answer);
        Assert.Contains(chunks, c => c.IsThought);
        Assert.Equal("Echo: Are there primes?", completion.Content);
        Assert.Equal("Thinking about: Are there primes?", completion.Thoughts);
    }

    [Fact]
    public async Task Without_a_marker_chunks_are_all_answer()
    {
        var answer = "";
        await ChatCalls.StreamAsync(_f.Client(), EmulatorFixture.UserPrompt("one two"), c => answer += c.AnswerText);
        Assert.Equal("Echo: one two", answer);
    }

    [Fact]
    public async Task Wire_request_carries_the_thinking_settings_and_reasoning_effort()
    {
        _f.Emulator.ClearLog();
        var request = EmulatorFixture.UserPrompt("x");
        new ThinkingOptions { Level = "low", ThoughtTagMarker = "t" }.ApplyTo(request);
        await ChatCalls.CompleteAsync(_f.Client(), request);
        var json = Assert.Single(_f.Emulator.ChatRequests).Json!;
        JsonAssert.Equivalent("""{"google":{"thinking_config":{"thinking_level":"low"},"thought_tag_marker":"t"}}""", json["extra_body"]);

        _f.Emulator.ClearLog();
        var effort = EmulatorFixture.UserPrompt("x");
        effort.ReasoningEffort = "medium";
        await ChatCalls.CompleteAsync(_f.Client(), effort);
        Assert.Equal("medium", (string?)Assert.Single(_f.Emulator.ChatRequests).Json!["reasoning_effort"]);
    }
}
