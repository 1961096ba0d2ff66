using System.Text.Json.Nodes;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Emulator.Tests;

public sealed class TranscriptTests : EmulatorTestBase
{
    [Fact]
    public void The_streamed_tool_call_transcript_is_kept_verbatim()
    {
        var events = TranscriptData.StreamFunctionCallArgumentsEvents;
        Assert.Equal(12, events.Count);
        Assert.All(events, e => Assert.IsType<JsonObject>(JsonNode.Parse(e)));
        Assert.StartsWith("""{"choices":[{"delta":{"role":"assistant","tool_calls":[{"extra_content":{"google":{"thought_signature":"..."}}""", events[0]);
        Assert.Contains("""{"arguments":"{\"location\":\"New Delhi, India","name":"get_current_weather"}""", events[7]);
        Assert.Contains("\"finish_reason\":\"tool_calls\"", events[11]);
        Assert.Contains("\"reasoning_tokens\":504", events[11]);
        Assert.DoesNotContain("\n", string.Concat(events));

        var ids = events.Select(e => JsonNode.Parse(e)!["choices"]![0]!["delta"]!["tool_calls"]![0]!["id"]!.GetValue<string>()).Distinct();
        Assert.Equal(["function-call-c855348a-459a-46a4-a8ad-aa0a4e7c3563", "function-call-df0d087c-ad74-46f1-ba4a-9353cbf288a8"], ids);
    }

    [Fact]
    public void The_image_and_multimodal_function_response_transcripts_parse()
    {
        var image = JsonNode.Parse(TranscriptData.ImageGenerationResponse)!;
        Assert.Equal("<BASE64_BYTES>", image["choices"]![0]!["message"]!["audio"]!["data"]!.GetValue<string>());
        Assert.Equal("...", image["choices"]![0]!["message"]!["extra_content"]!["google"]!["thought_signature"]!.GetValue<string>());
        Assert.Equal(1378, image["usage"]!["total_tokens"]!.GetValue<int>());

        var multimodal = JsonNode.Parse(TranscriptData.MultimodalFunctionResponseResponse)!;
        Assert.Equal("Here is the image of the green shirt you ordered.", multimodal["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal("bA-NacCPKoae_9MPsNCn6Qc", multimodal["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_transcript_replays_through_a_stream_scenario_byte_for_byte()
    {
        Emulator.Scenarios.Enqueue(Scenario.Stream(
            TranscriptData.StreamFunctionCallArgumentsEvents.Select(SseStep.Data).Append(SseStep.Done())));
        using var response = await PostChatAsync(UserRequest("What is the weather like in Boston and New Delhi today?", stream: true));
        Assert.Equal(TranscriptData.StreamFunctionCallArgumentsSse, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_emulators_own_tool_stream_has_the_transcripts_member_layout()
    {
        var request = ReplyTests.WeatherRequest("Boston, MA");
        request["model"] = "google/gemini-3.1-pro-preview";
        request["stream"] = true;
        request["extra_body"] = JsonNode.Parse("""{"google":{"stream_function_call_arguments":true}}""");
        using var response = await PostChatAsync(request);
        var ours = DataPayloads(await response.Content.ReadAsStringAsync()).SkipLast(1).Select(p => JsonNode.Parse(p)!).ToList();
        var theirs = TranscriptData.StreamFunctionCallArgumentsEvents.Select(p => JsonNode.Parse(p)!).ToList();

        static string Shape(JsonNode chunk)
        {
            var call = chunk["choices"]![0]!["delta"]!["tool_calls"]![0]!.AsObject();
            return string.Join(",", call.Select(m => m.Key).Order()) + "|" + string.Join(",", chunk.AsObject().Select(m => m.Key).Order());
        }

        Assert.Equal(Shape(theirs[0]), Shape(ours[0]));
        Assert.Equal(Shape(theirs[1]), Shape(ours[1]));
        Assert.Equal(Shape(theirs[11]), Shape(ours[^1]));
    }
}
