using System.Text.Json;
using VertexAI;
using VertexAI.Json;
using Xunit;

namespace VertexAI.Core.Tests;

public class StreamAccumulatorTests
{
    private static ChatCompletionChunk Chunk(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return WireReader.ReadChunk(doc.RootElement);
    }

    [Fact]
    public void OpenAI_style_deltas_merge_by_index_when_ids_are_absent()
    {
        var acc = new StreamAccumulator();
        acc.Add(Chunk("""{"id":"x","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":""}},{"index":1,"id":"b","type":"function","function":{"name":"g","arguments":"{\"q\""}}]}}]}"""));
        acc.Add(Chunk("""{"id":"x","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":":1}"}}]}}]}"""));
        acc.Add(Chunk("""{"id":"x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]},"finish_reason":"tool_calls"}]}"""));
        var calls = acc.ToCompletion().ToolCalls!;
        Assert.Equal(2, calls.Count);
        Assert.Equal(("a", "f", "{}"), (calls[0].Id, calls[0].Function.Name, calls[0].Function.Arguments));
        Assert.Equal(("b", "g", "{\"q\":1}"), (calls[1].Id, calls[1].Function.Name, calls[1].Function.Arguments));
    }

    [Fact]
    public void ToolCallsSoFar_matches_the_completion_and_is_a_snapshot()
    {
        var acc = new StreamAccumulator();
        Assert.Null(acc.ToolCallsSoFar());
        acc.Add(Chunk("""{"choices":[{"index":0,"delta":{"role":"assistant","content":"x"}}]}"""));
        Assert.Null(acc.ToolCallsSoFar());
        acc.Add(Chunk("""{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":"{\"q\""}}]}}]}"""));
        var early = acc.ToolCallsSoFar()!;
        acc.Add(Chunk("""{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","function":{"arguments":":1}"}}]},"finish_reason":"tool_calls"}]}"""));
        // What was handed out earlier does not change under later deltas (a -Stream caller may keep it).
        Assert.Equal("{\"q\"", Assert.Single(early).Function.Arguments);
        var now = Assert.Single(acc.ToolCallsSoFar()!);
        var expected = Assert.Single(acc.ToCompletion().ToolCalls!);
        Assert.Equal((expected.Id, expected.Type, expected.Function.Name, expected.Function.Arguments), (now.Id, now.Type, now.Function.Name, now.Function.Arguments));
        Assert.Equal("{\"q\":1}", now.Function.Arguments);
    }

    [Fact]
    public void Deltas_without_id_or_index_merge_by_position()
    {
        var acc = new StreamAccumulator();
        acc.Add(Chunk("""{"choices":[{"index":0,"delta":{"tool_calls":[{"type":"function","function":{"name":"f","arguments":"{\"a\":"}}]}}]}"""));
        acc.Add(Chunk("""{"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"arguments":"1}"}}]},"finish_reason":"stop"}]}"""));
        var call = Assert.Single(acc.ToCompletion().ToolCalls!);
        Assert.Equal("{\"a\":1}", call.Function.Arguments);
        Assert.Equal("f", call.Function.Name);
    }

    [Fact]
    public void Text_usage_and_extra_content_from_metadata_only_deltas_are_kept()
    {
        var acc = new StreamAccumulator();
        acc.Add(Chunk("""{"id":"r","model":"google/m","created":5,"choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}"""));
        acc.Add(Chunk("""{"id":"r","choices":[{"index":0,"delta":{"extra_content":{"google":{"thought_signature":"sig"}}}}]}"""));
        acc.Add(Chunk("""{"id":"r","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":9,"completion_tokens_details":{"reasoning_tokens":6}}}"""));
        var c = acc.ToCompletion();
        Assert.Equal("Hello", c.Content);
        Assert.Equal("sig", c.Message!.ThoughtSignature);
        Assert.Equal("stop", c.FinishReason);
        Assert.Equal(6, c.Usage!.ReasoningTokens);
        Assert.Equal(("r", "google/m", 5L), (c.Id, c.Model, c.Created));
        Assert.Equal(3, acc.ChunkCount);
    }

    [Fact]
    public void Choices_are_kept_apart_and_in_order()
    {
        var acc = new StreamAccumulator();
        acc.Add(Chunk("""{"choices":[{"index":1,"delta":{"role":"assistant","content":"B"}},{"index":0,"delta":{"role":"assistant","content":"A"}}]}"""));
        acc.Add(Chunk("""{"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"stop"},{"index":1,"delta":{"content":"b"},"finish_reason":"length"}]}"""));
        var c = acc.ToCompletion();
        Assert.Equal(new[] { "Aa", "Bb" }, c.Choices.Select(ch => ch.Message.Text));
        Assert.Equal(new[] { "stop", "length" }, c.Choices.Select(ch => ch.FinishReason));
        Assert.True(acc.AllChoicesFinished);
    }

    [Fact]
    public void Streamed_image_output_is_assembled_in_audio()
    {
        var acc = new StreamAccumulator();
        acc.Add(Chunk("""{"choices":[{"index":0,"delta":{"role":"assistant","audio":{"data":"AAEC","extra_content":{"google":{"mime_type":"image/png"}}}}}]}"""));
        acc.Add(Chunk("""{"choices":[{"index":0,"delta":{"audio":{"data":"AwQF"}},"finish_reason":"stop"}]}"""));
        var audio = acc.ToCompletion().Message!.Audio!;
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4, 5 }, audio.GetBytes());
        Assert.Equal("image/png", audio.MimeType);
    }
}
