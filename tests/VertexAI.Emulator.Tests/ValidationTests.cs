using System.Text.Json.Nodes;
using Xunit;
using VertexAI.Emulator;

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

    // One bad request per rule; each one's good twin is in StrictRulesAcceptWhatTheSpecAllows.
    private const string Call = """{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]}""";
    private const string FTool = """{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"n":{"type":"integer"}}}}}""";

    public static TheoryData<string, string> StrictRuleViolations => new()
    {
        // image_url: only gs://, https:// or data:<mime>;base64, (PROTOCOL.md).
        { Part("""{"type":"image_url","image_url":"scones.jpg"}"""), "messages[0].content[1].image_url" },
        { Part("""{"type":"image_url","image_url":"http://b/scones.jpg"}"""), "messages[0].content[1].image_url" },
        { Part("""{"type":"image_url","image_url":{"url":"file:///tmp/a.png"}}"""), "messages[0].content[1].image_url" },
        { Part("""{"type":"image_url","image_url":"data:image/png,AAAA"}"""), "messages[0].content[1].image_url" },
        { Part("""{"type":"image_url","image_url":"data:image/png;base64,not base64!"}"""), "messages[0].content[1].image_url" },
        // input_audio.format is a MIME type, not OpenAI's bare "mp3".
        { Part("""{"type":"input_audio","input_audio":{"format":"mp3","data":"gs://b/pixel.mp3"}}"""), "messages[0].content[1].input_audio.format" },
        // An assistant turn needs content or tool calls.
        { Body("""{"role":"user","content":"x"},{"role":"assistant","content":null}"""), "messages[1]: an assistant message must have content or tool_calls" },
        { Body("""{"role":"user","content":"x"},{"role":"assistant","tool_calls":[]}"""), "messages[1]: an assistant message must have content or tool_calls" },
        // arguments is the JSON text of an object.
        { Body("""{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":{"n":1}}}]}"""), "messages[1].tool_calls[0].function.arguments" },
        { Body("""{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"[1]"}}]}"""), "messages[1].tool_calls[0].function.arguments" },
        // A tool result answers an earlier call.
        { Body($$"""{"role":"user","content":"x"},{{Call}},{"role":"tool","tool_call_id":"c2","content":"r"}"""), "messages[2].tool_call_id" },
        { Body("""{"role":"user","content":"x"},{"role":"tool","tool_call_id":"c1","content":"r"}"""), "messages[1].tool_call_id" },
        // tool_choice, reasoning_effort, modalities: known values only.
        { Body("""{"role":"user","content":"x"}""", $$""","tools":[{{FTool}}],"tool_choice":"any" """), "tool_choice" },
        { Body("""{"role":"user","content":"x"}""", $$$""","tools":[{{{FTool}}}],"tool_choice":{"type":"function","function":{"name":"g"}}"""), "tool_choice.function.name" },
        { Body("""{"role":"user","content":"x"}""", ""","reasoning_effort":"extreme" """), "reasoning_effort" },
        { Body("""{"role":"user","content":"x"}""", ""","modalities":["text","video"]"""), "modalities" },
        { Body("""{"role":"user","content":"x"}""", ""","modalities":"text" """), "modalities" },
        // json_schema needs a name and a schema.
        { Body("""{"role":"user","content":"x"}""", ""","response_format":{"type":"json_schema","json_schema":{"schema":{"type":"object"}}}"""), "response_format.json_schema.name" },
        { Body("""{"role":"user","content":"x"}""", ""","response_format":{"type":"json_schema","json_schema":{"name":"r"}}"""), "response_format.json_schema.schema" },
        { Body("""{"role":"user","content":"x"}""", ""","response_format":{"type":"json_schema"}"""), "response_format.json_schema" },
        // Schemas are OpenAPI 3.0: one type, null as "nullable": true.
        { Body("""{"role":"user","content":"x"}""", ""","response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object","properties":{"n":{"type":["integer","null"]}}}}}"""), "response_format.json_schema.schema.properties.n.type" },
        { Tool("""{"type":"object","properties":{"n":{"type":["integer","null"]}}}"""), "tools[0].function.parameters.properties.n.type" },
        { Tool("""{"type":"object","properties":{"n":{"type":"null"}}}"""), "tools[0].function.parameters.properties.n.type" },
        { Tool("""{"type":"object","properties":{"n":{"type":"banana"}}}"""), "tools[0].function.parameters.properties.n.type" },
        { Tool("""{"type":"string"}"""), "tools[0].function.parameters.type" },
        { Tool("""{"type":"object","properties":{"n":"integer"}}"""), "tools[0].function.parameters.properties.n" },
        { Tool("""{"type":"object","properties":[]}"""), "tools[0].function.parameters.properties" },
        { Tool("""{"type":"object","properties":{"n":{"type":"array","items":[{"type":"string"}]}}}"""), "tools[0].function.parameters.properties.n.items" },
        { Tool("""{"type":"object","properties":{"n":{"type":"integer"}},"required":["m"]}"""), "tools[0].function.parameters.required[0]" },
        { Tool("""{"type":"object","properties":{"n":{"type":"integer","nullable":"yes"}}}"""), "tools[0].function.parameters.properties.n.nullable" },
        { Tool("""{"type":"object","properties":{"n":{"type":"string","enum":[1,2]}}}"""), "tools[0].function.parameters.properties.n.enum" },
    };

    public static TheoryData<string> StrictRulesAcceptWhatTheSpecAllows => new()
    {
        Part("""{"type":"image_url","image_url":"https://example.com/scones.jpg"}"""),
        Part("""{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4A=="}}"""),
        Part("""{"type":"input_audio","input_audio":{"format":"application/pdf","data":"JVBERi0="}}"""),
        Body("""{"role":"user","content":"x"},{"role":"assistant","content":"y"},{"role":"user","content":"z"}"""),
        Body($$"""{"role":"user","content":"x"},{{Call}},{"role":"tool","tool_call_id":"c1","content":"r"}""", $$""","tools":[{{FTool}}]"""),
        Body("""{"role":"user","content":"x"}""", $$""","tools":[{{FTool}}],"tool_choice":"required" """),
        Body("""{"role":"user","content":"x"}""", $$$""","tools":[{{{FTool}}}],"tool_choice":{"type":"function","function":{"name":"f"}}"""),
        Body("""{"role":"user","content":"x"}""", ""","reasoning_effort":"medium" """),
        Body("""{"role":"user","content":"x"}""", ""","modalities":["text","image"]"""),
        Body("""{"role":"user","content":"x"}""", ""","response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object","properties":{"n":{"type":"integer","nullable":true}},"required":["n"]}}}"""),
        Tool("""{"type":"object","properties":{"n":{"type":"integer","nullable":true},"tags":{"type":"array","items":{"type":"string","enum":["a","b"]}}},"required":["n"]}"""),
    };

    [Theory]
    [MemberData(nameof(StrictRuleViolations))]
    public async Task What_Vertex_or_the_protocol_refuses_gets_400_INVALID_ARGUMENT_naming_the_field(string body, string field)
    {
        using var response = await PostChatAsync(body);
        var error = await AssertGoogleErrorAsync(response, 400, "INVALID_ARGUMENT");
        Assert.Contains(field, error["message"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(StrictRulesAcceptWhatTheSpecAllows))]
    public async Task What_the_protocol_allows_is_accepted(string body)
    {
        using var response = await PostChatAsync(body);
        Assert.True(200 == (int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_scripted_answer_does_not_skip_validation_nor_get_used_up_by_a_bad_body()
    {
        Emulator.Scenarios.Enqueue(Scenario.GoogleError(503, "UNAVAILABLE", "scripted"));
        using (var bad = await PostChatAsync(Part("""{"type":"image_url","image_url":"scones.jpg"}""")))
        {
            await AssertGoogleErrorAsync(bad, 400, "INVALID_ARGUMENT");
        }

        Assert.Equal(1, Emulator.Scenarios.Count);
        using var good = await PostChatAsync(UserRequest("x"));
        await AssertGoogleErrorAsync(good, 503, "UNAVAILABLE");
    }

    private static string Body(string messages, string more = "") =>
        $$$"""{"model":"{{{Model}}}","messages":[{{{messages}}}]{{{more}}}}""";

    private static string Part(string part) =>
        Body($$"""{"role":"user","content":[{"type":"text","text":"Describe"},{{part}}]}""");

    private static string Tool(string parameters) =>
        Body("""{"role":"user","content":"x"}""", $$$""","tools":[{"type":"function","function":{"name":"f","parameters":{{{parameters}}}}}]""");

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
