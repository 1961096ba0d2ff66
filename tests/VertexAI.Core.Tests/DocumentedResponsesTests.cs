using System.Text.Json;
using System.Text.Json.Nodes;
using VertexAI;
using VertexAI.Emulator;
using VertexAI.Json;
using Xunit;

namespace VertexAI.Core.Tests;

/// <summary>The documented responses, served by the emulator, parse to the right objects and lose nothing.</summary>
public class DocumentedResponsesTests : ScriptedEmulatorTests
{
    private readonly EmulatorFixture _f;

    public DocumentedResponsesTests(EmulatorFixture f) : base(f) => _f = f;

    [Fact]
    public async Task Streamed_parallel_tool_calls_assemble_into_exactly_two_calls()
    {
        var steps = TranscriptData.StreamFunctionCallArgumentsEvents.Select(SseStep.Data).Append(SseStep.Done()).ToArray();
        _f.Emulator.Scenarios.Enqueue(Scenario.Stream(steps));
        var client = _f.Client("global", "v1", model: "gemini-3.1-pro-preview");
        var chunks = new List<ChatCompletionChunk>();
        var completion = await client.StreamAsync(EmulatorFixture.UserPrompt("What is the weather like in Boston and New Delhi today?"), chunks.Add);

        Assert.Equal(12, chunks.Count);
        Assert.Equal("nQiNafGyF5rw998PstqooAY", completion.Id);
        Assert.Equal("google/gemini-3.1-pro-preview", completion.Model);
        Assert.Equal(1770850461, completion.Created);
        Assert.Equal("tool_calls", completion.FinishReason);
        var calls = completion.Message!.ToolCalls!;
        Assert.Equal(2, calls.Count);

        Assert.Equal("function-call-c855348a-459a-46a4-a8ad-aa0a4e7c3563", calls[0].Id);
        Assert.Equal("get_current_weather", calls[0].Function.Name);
        Assert.Equal("function", calls[0].Type);
        Assert.Equal("{\"location\":\"Boston, MA\",\"unit\":\"celsius\"}", calls[0].Function.Arguments);
        Assert.Equal("...", calls[0].ThoughtSignature);
        Assert.Null(calls[0].Index);

        Assert.Equal("function-call-df0d087c-ad74-46f1-ba4a-9353cbf288a8", calls[1].Id);
        Assert.Equal("get_current_weather", calls[1].Function.Name);
        Assert.Equal("{\"location\":\"New Delhi, India\",\"unit\":\"celsius\"}", calls[1].Function.Arguments);
        Assert.Null(calls[1].ThoughtSignature);

        var usage = completion.Usage!;
        Assert.Equal(27, usage.PromptTokens);
        Assert.Equal(45, usage.CompletionTokens);
        Assert.Equal(504, usage.ReasoningTokens);
        Assert.Equal(576, usage.TotalTokens);
        Assert.Equal("PROVISIONED_THROUGHPUT", usage.TrafficType);

        // The assembled turn goes back verbatim: ids, names, arguments and the thought signature.
        var sent = JsonNode.Parse(Serialize(completion.Message))!;
        JsonAssert.Equivalent("""
            {"role":"assistant","content":null,"tool_calls":[
              {"id":"function-call-c855348a-459a-46a4-a8ad-aa0a4e7c3563","type":"function","function":{"name":"get_current_weather","arguments":"{\"location\":\"Boston, MA\",\"unit\":\"celsius\"}"},"extra_content":{"google":{"thought_signature":"..."}}},
              {"id":"function-call-df0d087c-ad74-46f1-ba4a-9353cbf288a8","type":"function","function":{"name":"get_current_weather","arguments":"{\"location\":\"New Delhi, India\",\"unit\":\"celsius\"}"}}]}
            """, sent);
    }

    [Fact]
    public async Task Image_generation_response_exposes_the_image_bytes_and_media_type()
    {
        var png = Convert.ToBase64String(new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 });
        var documented = TranscriptData.ImageGenerationResponse;
        _f.Emulator.Scenarios.Enqueue(Scenario.Respond(200, documented.Replace("<BASE64_BYTES>", png)));
        var client = _f.Client("global", "v1", model: "gemini-3-pro-image-preview");
        var request = EmulatorFixture.UserPrompt("Generate an image of a cat.");
        request.Modalities = new() { "image" };
        var completion = await client.CompleteAsync(request);

        var message = completion.Message!;
        Assert.Null(message.Content);
        Assert.True(message.ContentWasNull);
        Assert.Equal("image/png", message.Audio!.MimeType);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 }, message.Audio.GetBytes());
        Assert.Equal("...", message.ThoughtSignature);
        Assert.Equal(251, completion.Usage!.ReasoningTokens);
        Assert.Equal(1378, completion.Usage.TotalTokens);
        Assert.Equal("PROVISIONED_THROUGHPUT", completion.Usage.TrafficType);
        Assert.Equal("hAmNaZb8BZOX4_UPlNXoEA", completion.Id);

        // Nothing dropped: the completion writes back to the same JSON.
        JsonAssert.Equivalent(JsonNode.Parse(documented.Replace("<BASE64_BYTES>", png)), JsonNode.Parse(SerializeCompletion(completion)));
    }

    [Fact]
    public async Task Multimodal_function_response_answer_and_usage_without_reasoning()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.Respond(200, TranscriptData.MultimodalFunctionResponseResponse));
        var completion = await _f.Client("global").CompleteAsync(EmulatorFixture.UserPrompt("Show me the green shirt I ordered last month."));
        Assert.Equal("Here is the image of the green shirt you ordered.", completion.Content);
        Assert.Equal("stop", completion.FinishReason);
        Assert.Equal("assistant", completion.Message!.Role);
        Assert.Equal(1139, completion.Usage!.PromptTokens);
        Assert.Equal(16, completion.Usage.CompletionTokens);
        Assert.Equal(1155, completion.Usage.TotalTokens);
        Assert.Null(completion.Usage.ReasoningTokens);
        Assert.Equal("ON_DEMAND", completion.Usage.TrafficType);
        JsonAssert.Equivalent(JsonNode.Parse(TranscriptData.MultimodalFunctionResponseResponse), JsonNode.Parse(SerializeCompletion(completion)));
    }

    [Fact]
    public async Task Unknown_members_survive_into_the_next_request()
    {
        const string response = """
            {"id":"r1","object":"chat.completion","created":1,"model":"google/gemini-3-pro-preview","future_top":{"a":[1,2.5,"x",null,true]},
             "choices":[{"index":0,"finish_reason":"stop","logprobs":null,"future_choice":7,"message":{"role":"assistant","content":"hi",
               "future_message":"kept","extra_content":{"google":{"thought_signature":"sig-123","other":{"deep":1}}},
               "tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}","future_fn":1},"extra_content":{"google":{"thought_signature":"sig-call"}},"future_call":"x"}]}}],
             "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2,"future_usage":3}}
            """;
        _f.Emulator.Scenarios.Enqueue(Scenario.Respond(200, response));
        var client = _f.Client("global");
        var completion = await client.CompleteAsync(EmulatorFixture.UserPrompt("hello"));
        Assert.Equal("kept", completion.Message!.AdditionalProperties["future_message"]);
        Assert.Equal("sig-123", completion.Message.ThoughtSignature);

        _f.Emulator.ClearLog();
        _f.Emulator.Scenarios.Enqueue(Scenario.Respond(200, response));
        var next = EmulatorFixture.UserPrompt("hello");
        next.Messages.Add(completion.Message);
        next.Messages.Add(new ChatMessage("user", "and?"));
        await client.CompleteAsync(next);
        var sentAssistant = JsonNode.Parse(Assert.Single(_f.Emulator.ChatRequests).Body)!["messages"]![1]!;
        JsonAssert.Equivalent("""
            {"role":"assistant","content":"hi","future_message":"kept","extra_content":{"google":{"thought_signature":"sig-123","other":{"deep":1}}},
             "tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}","future_fn":1},"extra_content":{"google":{"thought_signature":"sig-call"}},"future_call":"x"}]}
            """, sentAssistant);
        JsonAssert.Equivalent(JsonNode.Parse(response), JsonNode.Parse(SerializeCompletion(completion)));
    }

    internal static string Serialize(ChatMessage message)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) WireWriter.WriteMessage(w, message);
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    internal static string SerializeCompletion(ChatCompletion completion)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) WireWriter.WriteCompletion(w, completion);
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }
}
