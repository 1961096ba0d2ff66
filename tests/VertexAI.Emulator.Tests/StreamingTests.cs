using System.Text.Json.Nodes;
using Xunit;

namespace VertexAI.Emulator.Tests;

public sealed class StreamingTests : EmulatorTestBase
{
    private async Task<IReadOnlyList<string>> StreamAsync(JsonNode request)
    {
        using var response = await Http.SendAsync(ChatMessage(request.ToJsonString()), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var sse = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("data: [DONE]\n\n", sse);
        var payloads = DataPayloads(sse);
        Assert.Equal("[DONE]", payloads[^1]);
        return payloads.Take(payloads.Count - 1).ToList();
    }

    [Fact]
    public async Task Text_streams_one_word_per_chunk_and_concatenates_to_the_echo()
    {
        var request = UserRequest("Write a story about a magic backpack.", stream: true);
        var chunks = (await StreamAsync(request)).Select(p => JsonNode.Parse(p)!).ToList();
        var plain = await PostChatForJsonAsync(UserRequest("Write a story about a magic backpack."));

        Assert.Equal(8, chunks.Count);
        Assert.All(chunks, c =>
        {
            Assert.Equal("chat.completion.chunk", c["object"]!.GetValue<string>());
            Assert.Equal(Model, c["model"]!.GetValue<string>());
            Assert.Equal("", c["system_fingerprint"]!.GetValue<string>());
            Assert.Equal(chunks[0]["id"]!.GetValue<string>(), c["id"]!.GetValue<string>());
            Assert.Equal("assistant", c["choices"]![0]!["delta"]!["role"]!.GetValue<string>());
        });
        var text = string.Concat(chunks.Select(c => c["choices"]![0]!["delta"]!["content"]!.GetValue<string>()));
        Assert.Equal(plain["choices"]![0]!["message"]!["content"]!.GetValue<string>(), text);

        Assert.All(chunks.SkipLast(1), c => Assert.Null(c["choices"]![0]!["finish_reason"]));
        Assert.All(chunks.SkipLast(1), c => Assert.Null(c["usage"]));
        var last = chunks[^1];
        Assert.Equal("stop", last["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Equal(plain["usage"]!.ToJsonString(), last["usage"]!.ToJsonString());
    }

    [Fact]
    public async Task Events_are_flushed_one_by_one_as_data_lines()
    {
        using var response = await Http.SendAsync(ChatMessage(UserRequest("a b c", stream: true).ToJsonString()), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            lines.Add(line);
        }

        // data, blank, data, blank, ... : strictly alternating, nothing else.
        Assert.Equal(0, lines.Count % 2);
        for (var i = 0; i < lines.Count; i += 2)
        {
            Assert.StartsWith("data: ", lines[i]);
            Assert.Equal("", lines[i + 1]);
        }

        Assert.Equal("data: [DONE]", lines[^2]);
    }

    [Fact]
    public async Task Several_choices_alternate_and_each_ends_with_its_finish_reason()
    {
        var request = UserRequest("x y", stream: true);
        request["n"] = 2;
        var chunks = (await StreamAsync(request)).Select(p => JsonNode.Parse(p)!).ToList();
        var indexes = chunks.Select(c => c["choices"]![0]!["index"]!.GetValue<int>()).ToList();
        Assert.Equal([0, 1, 0, 1, 0, 1], indexes);
        foreach (var index in new[] { 0, 1 })
        {
            var mine = chunks.Where(c => c["choices"]![0]!["index"]!.GetValue<int>() == index).ToList();
            Assert.Equal("Echo: x y", string.Concat(mine.Select(c => c["choices"]![0]!["delta"]!["content"]!.GetValue<string>())));
            Assert.Equal("stop", mine[^1]["choices"]![0]!["finish_reason"]!.GetValue<string>());
        }

        Assert.NotNull(chunks[^1]["usage"]);
    }

    [Fact]
    public async Task Tool_calls_stream_in_the_Vertex_style_of_the_transcript()
    {
        var request = ReplyTests.WeatherRequest("Boston, MA");
        request["stream"] = true;
        request["extra_body"] = JsonNode.Parse("""{"google":{"stream_function_call_arguments":true}}""");
        var chunks = (await StreamAsync(request)).Select(p => JsonNode.Parse(p)!).ToList();
        var calls = chunks.Select(c => c["choices"]![0]!["delta"]!["tool_calls"]![0]!).ToList();

        // Same layout as the documented transcript for the first call: 6 deltas, index 1 then 0, "" first.
        var firstId = calls[0]["id"]!.GetValue<string>();
        var firstCall = calls.Where(c => c["id"]!.GetValue<string>() == firstId).ToList();
        Assert.Equal([1, 0, 0, 0, 0, 0], firstCall.Select(c => c["index"]!.GetValue<int>()));
        Assert.Equal(
            ["", "{\"location\":\"Boston, MA", "\"", ",\"unit\":\"celsius", "\"", "}"],
            firstCall.Select(c => c["function"]!["arguments"]!.GetValue<string>()));
        Assert.NotNull(firstCall[0]["extra_content"]!["google"]!["thought_signature"]);
        Assert.All(firstCall.Skip(1), c => Assert.Null(c["extra_content"]));
        Assert.All(calls, c => Assert.Equal("function", c["type"]!.GetValue<string>()));

        var secondCall = calls.Where(c => c["id"]!.GetValue<string>() != firstId).ToList();
        Assert.Equal(0, secondCall[0]["index"]!.GetValue<int>());
        Assert.All(secondCall.Skip(1), c => Assert.Equal(1, c["index"]!.GetValue<int>()));
        Assert.All(secondCall, c => Assert.Equal("get_stats", c["function"]!["name"]!.GetValue<string>()));

        // Merged by id, the fragments equal the non-streamed arguments.
        request.Remove("stream");
        var plain = (await PostChatForJsonAsync(request))["choices"]![0]!["message"]!["tool_calls"]!.AsArray();
        Assert.Equal(plain[0]!["function"]!["arguments"]!.GetValue<string>(),
            string.Concat(firstCall.Select(c => c["function"]!["arguments"]!.GetValue<string>())));
        Assert.Equal(plain[1]!["function"]!["arguments"]!.GetValue<string>(),
            string.Concat(secondCall.Select(c => c["function"]!["arguments"]!.GetValue<string>())));

        Assert.Equal("tool_calls", chunks[^1]["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.NotNull(chunks[^1]["usage"]);
    }

    [Fact]
    public async Task Without_argument_streaming_each_call_comes_whole_in_one_delta()
    {
        var request = ReplyTests.WeatherRequest("Boston, MA");
        request["stream"] = true;
        var chunks = (await StreamAsync(request)).Select(p => JsonNode.Parse(p)!).ToList();
        Assert.Equal(2, chunks.Count);
        var first = chunks[0]["choices"]![0]!["delta"]!["tool_calls"]![0]!;
        Assert.Equal("""{"location":"Boston, MA","unit":"celsius"}""", first["function"]!["arguments"]!.GetValue<string>());
        Assert.Equal(0, first["index"]!.GetValue<int>());
        Assert.Equal(1, chunks[1]["choices"]![0]!["delta"]!["tool_calls"]![0]!["index"]!.GetValue<int>());
    }

    [Fact]
    public async Task Image_output_streams_as_a_single_audio_chunk()
    {
        var request = UserRequest("cat", stream: true);
        request["modalities"] = new JsonArray("image");
        var chunk = JsonNode.Parse(Assert.Single(await StreamAsync(request)))!;
        var delta = chunk["choices"]![0]!["delta"]!;
        Assert.Equal("image/png", delta["audio"]!["extra_content"]!["google"]!["mime_type"]!.GetValue<string>());
        Assert.NotEmpty(delta["audio"]!["data"]!.GetValue<string>());
        Assert.Equal("stop", chunk["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }
}
