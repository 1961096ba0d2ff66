using System.Text.Json.Nodes;
using Xunit;

namespace VertexAI.Emulator.Tests;

public sealed class ValidationTests : EmulatorTestBase
{
    private const string SelfDeployedPath = "v1/projects/p/locations/l/endpoints/42/chat/completions";

    public static TheoryData<string, string> BadBodies => new()
    {
        { "{not json", "JSON" },
        { "[1,2]", "JSON object" },
        { $$$"""{"model":"{{{Model}}}"}""", "messages" },
        { $$$"""{"model":"{{{Model}}}","messages":{}}""", "messages" },
        { $$$"""{"model":"{{{Model}}}","messages":[]}""", "messages" },
        { $$$"""{"model":"{{{Model}}}","messages":[{"role":"robot","content":"x"}]}""", "messages[0].role" },
        { $$$"""{"model":"{{{Model}}}","messages":[{"content":"x"}]}""", "messages[0].role" },
        { $$$"""{"model":"{{{Model}}}","messages":[{"role":"system","content":"s"},{"role":"user"}]}""", "messages[1].content" },
        { $$$"""{"model":"{{{Model}}}","messages":[{"role":"user","content":7}]}""", "messages[0].content" },
        { $$$"""{"model":"{{{Model}}}","messages":[{"role":"user","content":[{"type":"video","video":"x"}]}]}""", "messages[0].content[0].type" },
        { $$$"""{"model":"{{{Model}}}","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"detail":"high"}}]}]}""", "messages[0].content[0].image_url" },
        { $$$"""{"model":"{{{Model}}}","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"gs://a.mp3"}}]}]}""", "messages[0].content[0].input_audio" },
        { """{"messages":[{"role":"user","content":"x"}]}""", "google/{model}" },
        { """{"model":"gemini-2.0-flash","messages":[{"role":"user","content":"x"}]}""", "google/{model}" },
        { $$$$"""{"model":"{{{{Model}}}}","reasoning_effort":"low","extra_body":{"google":{"thinking_config":{"thinking_budget":10}}},"messages":[{"role":"user","content":"x"}]}""", "reasoning_effort" },
        { $$$"""{"model":"{{{Model}}}","messages":[{"role":"user","content":"x"},{"role":"tool","content":"r"}]}""", "messages[1].tool_call_id" },
        { $$$"""{"model":"{{{Model}}}","tools":[{"type":"retrieval"}],"messages":[{"role":"user","content":"x"}]}""", "tools[0].type" },
        { $$$"""{"model":"{{{Model}}}","tools":[{"type":"function","function":{}}],"messages":[{"role":"user","content":"x"}]}""", "tools[0].function.name" },
        { $$$"""{"model":"{{{Model}}}","stream":"yes","messages":[{"role":"user","content":"x"}]}""", "stream" },
        { $$$"""{"model":"{{{Model}}}","extra_body":"google","messages":[{"role":"user","content":"x"}]}""", "extra_body" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_bodies_get_400_INVALID_ARGUMENT_naming_the_field(string body, string field)
    {
        using var response = await PostChatAsync(body);
        var error = await AssertGoogleErrorAsync(response, 400, "INVALID_ARGUMENT");
        Assert.Contains(field, error["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"type":"image_url","image_url":"gs://b/scones.jpg"}""")]
    [InlineData("""{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"low"}}""")]
    [InlineData("""{"type":"input_audio","input_audio":{"format":"audio/mp3","data":"gs://b/pixel.mp3"}}""")]
    [InlineData("""{"type":"file","file":{"file_id":"gs://b/doc.pdf"}}""")]
    public async Task Both_image_url_shapes_and_audio_and_file_parts_are_accepted(string part)
    {
        var body = $$$"""{"model":"{{{Model}}}","messages":[{"role":"user","content":[{"type":"text","text":"Describe"},{{{part}}}]}]}""";
        using var response = await PostChatAsync(body);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Self_deployed_endpoints_need_no_model()
    {
        using var response = await PostChatAsync("""{"messages":[{"role":"user","content":"x"}]}""", path: SelfDeployedPath);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Gemini_3_rejects_replayed_tool_calls_without_a_signature_it_issued()
    {
        var history = ToolHistory(signature: null);
        using (var missing = await PostChatAsync(history))
        {
            var error = await AssertGoogleErrorAsync(missing, 400, "INVALID_ARGUMENT");
            Assert.StartsWith("Function call is missing a thought_signature in functionCall parts", error["message"]!.GetValue<string>());
        }

        using (var forged = await PostChatAsync(ToolHistory(signature: "Zm9yZ2Vk")))
        {
            await AssertGoogleErrorAsync(forged, 400, "INVALID_ARGUMENT");
        }

        // Older models do not check.
        history["model"] = "google/gemini-2.5-flash";
        using var older = await PostChatAsync(history);
        Assert.Equal(200, (int)older.StatusCode);
    }

    [Fact]
    public async Task Gemini_3_accepts_the_signature_it_issued_sent_back_verbatim()
    {
        var first = new JsonObject
        {
            ["model"] = "google/gemini-3-pro-preview",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Weather in Paris?" }),
            ["tools"] = new JsonArray(WeatherTool()),
        };
        var reply = await PostChatForJsonAsync(first);
        var call = reply["choices"]![0]!["message"]!["tool_calls"]![0]!;
        var signature = call["extra_content"]!["google"]!["thought_signature"]!.GetValue<string>();

        using var response = await PostChatAsync(ToolHistory(signature, call["id"]!.GetValue<string>()));
        Assert.Equal(200, (int)response.StatusCode);
    }

    private static JsonObject WeatherTool() => new()
    {
        ["type"] = "function",
        ["function"] = new JsonObject
        {
            ["name"] = "get_weather",
            ["parameters"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["city"] = new JsonObject { ["type"] = "string" } },
                ["required"] = new JsonArray("city"),
            },
        },
    };

    private static JsonObject ToolHistory(string? signature, string callId = "function-call-1")
    {
        var call = new JsonObject
        {
            ["id"] = callId,
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = "get_weather", ["arguments"] = """{"city":"Paris"}""" },
        };
        if (signature is not null)
        {
            call["extra_content"] = new JsonObject { ["google"] = new JsonObject { ["thought_signature"] = signature } };
        }

        return new JsonObject
        {
            ["model"] = "google/gemini-3-pro-preview",
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "Weather in Paris?" },
                new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = new JsonArray(call) },
                new JsonObject { ["role"] = "tool", ["tool_call_id"] = callId, ["content"] = "sunny" }),
            ["tools"] = new JsonArray(WeatherTool()),
        };
    }
}
