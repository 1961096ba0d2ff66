using System.Text.Json.Nodes;
using VertexAI;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Core.Tests;

/// <summary>
/// Every request example of the source documents (../shared/spec), sent through the core: the emulator's log must
/// show the documented URL path and body.
/// </summary>
public class DocumentedExamplesTests : ScriptedEmulatorTests
{
    private const string Story = "Write a story about a magic backpack.";
    private readonly EmulatorFixture _f;

    public DocumentedExamplesTests(EmulatorFixture f) : base(f) => _f = f;

    private async Task<RecordedRequest> SendAsync(GeminiClient client, ChatRequest request, bool stream)
    {
        _f.Emulator.ClearLog();
        if (stream)
        {
            await foreach (var _ in client.StreamChunksAsync(request)) { }
        }
        else
        {
            await client.CompleteAsync(request);
        }
        return Assert.Single(_f.Emulator.ChatRequests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Managed_regional_v1beta1_story(bool stream)
    {
        var client = _f.Client("us-central1", "v1beta1", model: "gemini-2.0-flash-001");
        var r = await SendAsync(client, EmulatorFixture.UserPrompt(Story), stream);
        Assert.Equal("/v1beta1/projects/test-project/locations/us-central1/endpoints/openapi/chat/completions", r.Path);
        JsonAssert.Equivalent(
            "{\"model\":\"google/gemini-2.0-flash-001\",\"messages\":[{\"role\":\"user\",\"content\":\"" + Story + "\"}]" + (stream ? ",\"stream\":true" : "") + "}",
            r.Body);
        Assert.Equal("Bearer " + _f.Emulator.DefaultToken, r.Headers["Authorization"]);
        Assert.StartsWith("application/json", r.Headers["Content-Type"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Self_deployed_global_v1beta1_story_without_model(bool stream)
    {
        var client = _f.Client("global", "v1beta1", endpointId: "1234567890123456789", model: null);
        var r = await SendAsync(client, EmulatorFixture.UserPrompt(Story), stream);
        Assert.Equal("/v1beta1/projects/test-project/locations/global/endpoints/1234567890123456789/chat/completions", r.Path);
        Assert.False(r.IsManaged);
        JsonAssert.Equivalent(
            "{" + (stream ? "\"stream\":true," : "") + "\"messages\":[{\"role\":\"user\",\"content\":\"" + Story + "\"}]}",
            r.Body);
    }

    [Fact]
    public async Task Image_url_as_a_bare_gs_string()
    {
        var client = _f.Client("us-central1", "v1", model: "gemini-2.0-flash-001");
        var request = new ChatRequest
        {
            Messages =
            {
                new ChatMessage { Role = "user", Parts = new() { ContentPart.FromText("Describe this image"), ContentPart.FromImageUrl("gs://cloud-samples-data/generative-ai/image/scones.jpg") } },
            },
        };
        var r = await SendAsync(client, request, false);
        Assert.Equal("/v1/projects/test-project/locations/us-central1/endpoints/openapi/chat/completions", r.Path);
        JsonAssert.Equivalent("""
            {"model":"google/gemini-2.0-flash-001","messages":[{"role":"user","content":[
              {"type":"text","text":"Describe this image"},
              {"type":"image_url","image_url":"gs://cloud-samples-data/generative-ai/image/scones.jpg"}]}]}
            """, r.Body);
    }

    [Fact]
    public async Task Input_audio_with_a_mime_format()
    {
        var client = _f.Client("us-central1", "v1", model: "gemini-2.0-flash-001");
        var request = new ChatRequest
        {
            Messages =
            {
                new ChatMessage { Role = "user", Parts = new() { ContentPart.FromText("Describe this: "), ContentPart.FromInputAudio("gs://cloud-samples-data/generative-ai/audio/pixel.mp3", "audio/mp3") } },
            },
        };
        var r = await SendAsync(client, request, false);
        JsonAssert.Equivalent("""
            {"model":"google/gemini-2.0-flash-001","messages":[{"role":"user","content":[
              {"type":"text","text":"Describe this: "},
              {"type":"input_audio","input_audio":{"format":"audio/mp3","data":"gs://cloud-samples-data/generative-ai/audio/pixel.mp3"}}]}]}
            """, r.Body);
    }

    [Fact]
    public async Task Thinking_config_and_thought_tag_marker_in_a_literal_extra_body()
    {
        var client = _f.Client("us-central1", "v1", model: "gemini-2.5-flash-preview-04-17");
        var request = new ChatRequest
        {
            Messages = { new ChatMessage { Role = "user", Parts = new() { ContentPart.FromText("Are there any primes number of the form n*ceil(log(n))") } } },
            ExtraBody = Map(("google", Map(
                ("thinking_config", Map(("include_thoughts", true), ("thinking_budget", 10000))),
                ("thought_tag_marker", "think")))),
        };
        var r = await SendAsync(client, request, true);
        Assert.Equal("/v1/projects/test-project/locations/us-central1/endpoints/openapi/chat/completions", r.Path);
        JsonAssert.Equivalent("""
            {"model":"google/gemini-2.5-flash-preview-04-17","messages":[{"role":"user","content":[
              {"type":"text","text":"Are there any primes number of the form n*ceil(log(n))"}]}],
             "extra_body":{"google":{"thinking_config":{"include_thoughts":true,"thinking_budget":10000},"thought_tag_marker":"think"}},
             "stream":true}
            """, r.Body);
    }

    [Fact]
    public async Task Stream_function_call_arguments_on_the_global_endpoint()
    {
        var client = _f.Client("global", "v1", model: "gemini-3.1-pro-preview");
        var request = new ChatRequest
        {
            Messages = { new ChatMessage("user", "What is the weather like in Boston and New Delhi today?") },
            Tools = new() { WeatherTool() },
            ExtraBody = Map(("google", Map(("stream_function_call_arguments", true)))),
        };
        var r = await SendAsync(client, request, true);
        Assert.Equal("/v1/projects/test-project/locations/global/endpoints/openapi/chat/completions", r.Path);
        JsonAssert.Equivalent("""
            {"model":"google/gemini-3.1-pro-preview",
             "messages":[{"role":"user","content":"What is the weather like in Boston and New Delhi today?"}],
             "tools":[{"type":"function","function":{"name":"get_current_weather","description":"Get the current weather in a given location",
               "parameters":{"type":"object","properties":{"location":{"type":"string","description":"The city and state, e.g. San Francisco, CA"},
                 "unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location","unit"]}}}],
             "extra_body":{"google":{"stream_function_call_arguments":true}},
             "stream":true}
            """, r.Body);
    }

    [Fact]
    public async Task Image_generation_request_with_modalities()
    {
        var client = _f.Client("global", "v1", model: "gemini-3-pro-image-preview");
        var request = EmulatorFixture.UserPrompt("Generate an image of a cat.");
        request.Modalities = new() { "image" };
        var r = await SendAsync(client, request, false);
        JsonAssert.Equivalent("""
            {"model":"google/gemini-3-pro-image-preview","messages":[{ "role": "user", "content": "Generate an image of a cat." }], "modalities": ["image"] }
            """, r.Body);
    }

    [Fact]
    public async Task Multimodal_function_response_with_extra_content_on_tool_call_and_tool_message()
    {
        _f.Emulator.Scenarios.Enqueue(Scenario.Respond(200, TranscriptData.MultimodalFunctionResponseResponse));
        var client = _f.Client("global", "v1", model: "gemini-3.1-pro-preview");
        var assistant = new ChatMessage
        {
            Role = "assistant",
            ToolCalls = new()
            {
                new ToolCall
                {
                    Id = "function-call-a350228d-0283-4792-8bfa-40da064fb959",
                    Type = "function",
                    Function = new FunctionCall { Name = "get_image", Arguments = "{\"item_name\":\"green shirt\"}" },
                    // The document's <THOUGHT_SIGNATURE> is a placeholder that Gemini 3 refuses; Google documents this
                    // value for history it did not produce (ai.google.dev/gemini-api/docs/thought-signatures).
                    ExtraContent = Map(("google", Map(("thought_signature", "skip_thought_signature_validator")))),
                },
            },
        };
        var tool = new ChatMessage("tool", "{\"image_ref\":{\"$ref\":\"dress.jpg\"}}")
        {
            ToolCallId = "function-call-a350228d-0283-4792-8bfa-40da064fb959",
            ExtraContent = Map(("google", Map(("parts", new object?[]
            {
                Map(("file_data", Map(("mime_type", "image/jpg"), ("display_name", "dress.jpg"), ("file_uri", "gs://cloud-samples-data/generative-ai/image/dress.jpg")))),
            })))),
        };
        var request = new ChatRequest
        {
            Messages = { new ChatMessage("user", "Show me the green shirt I ordered last month."), assistant, tool },
            Tools = new()
            {
                new ToolDefinition
                {
                    Function = new FunctionDefinition
                    {
                        Name = "get_image",
                        Description = "Retrieves the image file reference for a specific order item.",
                        Parameters = Map(("type", "object"),
                            ("properties", Map(("item_name", Map(("type", "string"), ("description", "The name or description of the item ordered (e.g., 'green shirt')."))))),
                            ("required", new object?[] { "item_name" })),
                    },
                },
            },
        };
        var r = await SendAsync(client, request, false);
        JsonAssert.Equivalent("""
            {"model":"google/gemini-3.1-pro-preview","messages":[
              {"role":"user","content":"Show me the green shirt I ordered last month."},
              {"role":"assistant","tool_calls":[{"extra_content":{"google":{"thought_signature":"skip_thought_signature_validator"}},
                 "function":{"arguments":"{\"item_name\":\"green shirt\"}","name":"get_image"},
                 "id":"function-call-a350228d-0283-4792-8bfa-40da064fb959","type":"function"}]},
              {"role":"tool","tool_call_id":"function-call-a350228d-0283-4792-8bfa-40da064fb959","content":"{\"image_ref\":{\"$ref\":\"dress.jpg\"}}",
               "extra_content":{"google":{"parts":[{"file_data":{"mime_type":"image/jpg","display_name":"dress.jpg","file_uri":"gs://cloud-samples-data/generative-ai/image/dress.jpg"}}]}}}],
             "tools":[{"type":"function","function":{"name":"get_image","description":"Retrieves the image file reference for a specific order item.",
               "parameters":{"type":"object","properties":{"item_name":{"type":"string","description":"The name or description of the item ordered (e.g., 'green shirt')."}},"required":["item_name"]}}}]}
            """, r.Body);
    }

    [Fact]
    public async Task Extra_content_on_a_message_and_on_a_part()
    {
        var client = _f.Client("us-central1", "v1");
        var request = new ChatRequest
        {
            Messages =
            {
                new ChatMessage("user", "plain") { ExtraContent = Map(("google", Map(("thought", false)))) },
                new ChatMessage { Role = "user", Parts = new() { new ContentPart { Type = "text", Text = "part", ExtraContent = Map(("google", Map(("thought", true)))) } } },
            },
        };
        var r = await SendAsync(client, request, false);
        JsonAssert.Equivalent("""
            {"model":"google/gemini-2.0-flash-001","messages":[
              {"role":"user","content":"plain","extra_content":{"google":{"thought":false}}},
              {"role":"user","content":[{"type":"text","text":"part","extra_content":{"google":{"thought":true}}}]}]}
            """, r.Body);
    }

    [Fact]
    public async Task Global_endpoint_hello_world_v1beta1()
    {
        var client = _f.Client("global", "v1beta1", model: "gemini-2.0-flash-001");
        var r = await SendAsync(client, EmulatorFixture.UserPrompt("Hello World"), false);
        Assert.Equal("/v1beta1/projects/test-project/locations/global/endpoints/openapi/chat/completions", r.Path);
        JsonAssert.Equivalent("""{"model":"google/gemini-2.0-flash-001","messages":[{"role":"user","content":"Hello World"}]}""", r.Body);
    }

    [Fact]
    public async Task Every_sampling_parameter_has_its_documented_name()
    {
        var client = _f.Client("us-central1", "v1");
        var request = EmulatorFixture.UserPrompt("Hi");
        request.Temperature = 0.5;
        request.TopP = 0.9;
        request.MaxTokens = 50;
        request.MaxCompletionTokens = 60;
        request.Stop = new() { "END" };
        request.Seed = 7;
        request.N = 2;
        request.PresencePenalty = 0.1;
        request.FrequencyPenalty = -0.2;
        request.ResponseFormat = ResponseFormat.JsonObject;
        request.ReasoningEffort = "low";
        request.ToolChoice = ToolChoice.Function("get_current_weather");
        request.Tools = new() { WeatherTool() };
        request.WebSearchOptions = Map(("search_context_size", "low"));
        var r = await SendAsync(client, request, false);
        var body = JsonNode.Parse(r.Body)!.AsObject();
        Assert.Equal(0.5, (double)body["temperature"]!);
        Assert.Equal(0.9, (double)body["top_p"]!);
        Assert.Equal(50, (int)body["max_tokens"]!);
        Assert.Equal(60, (int)body["max_completion_tokens"]!);
        JsonAssert.Equivalent("[\"END\"]", body["stop"]!.ToJsonString());
        Assert.Equal(7, (long)body["seed"]!);
        Assert.Equal(2, (int)body["n"]!);
        Assert.Equal(0.1, (double)body["presence_penalty"]!);
        Assert.Equal(-0.2, (double)body["frequency_penalty"]!);
        JsonAssert.Equivalent("{\"type\":\"json_object\"}", body["response_format"]!.ToJsonString());
        Assert.Equal("low", (string)body["reasoning_effort"]!);
        JsonAssert.Equivalent("{\"type\":\"function\",\"function\":{\"name\":\"get_current_weather\"}}", body["tool_choice"]!.ToJsonString());
        JsonAssert.Equivalent("{\"search_context_size\":\"low\"}", body["web_search_options"]!.ToJsonString());
        Assert.False(body.ContainsKey("stream"));
    }

    [Fact]
    public async Task Json_schema_response_format_is_nested_as_documented()
    {
        var client = _f.Client("us-central1", "v1");
        var request = EmulatorFixture.UserPrompt("Alice and Bob are going to a science fair on Friday.");
        request.ResponseFormat = ResponseFormat.JsonSchema("CalendarEvent", Map(("type", "object"),
            ("properties", Map(("name", Map(("type", "string"))), ("participants", Map(("type", "array"), ("items", Map(("type", "string"))))))),
            ("required", new object?[] { "name", "participants" })), strict: true);
        var r = await SendAsync(client, request, false);
        JsonAssert.Equivalent("""
            {"type":"json_schema","json_schema":{"name":"CalendarEvent","strict":true,"schema":{"type":"object",
              "properties":{"name":{"type":"string"},"participants":{"type":"array","items":{"type":"string"}}},"required":["name","participants"]}}}
            """, JsonNode.Parse(r.Body)!["response_format"]!.ToJsonString());
    }

    internal static ToolDefinition WeatherTool() => new()
    {
        Function = new FunctionDefinition
        {
            Name = "get_current_weather",
            Description = "Get the current weather in a given location",
            Parameters = Map(("type", "object"),
                ("properties", Map(
                    ("location", Map(("type", "string"), ("description", "The city and state, e.g. San Francisco, CA"))),
                    ("unit", Map(("type", "string"), ("enum", new object?[] { "celsius", "fahrenheit" }))))),
                ("required", new object?[] { "location", "unit" })),
        },
    };

    internal static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in entries) map[k] = v;
        return map;
    }
}
