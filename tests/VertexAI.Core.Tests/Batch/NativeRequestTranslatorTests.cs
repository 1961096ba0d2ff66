using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using VertexAI.Batch;
using Xunit;

namespace VertexAI.Core.Tests.Batch;

/// <summary>
/// Every row of README's "Batch prediction jobs" translation table: the chat request on the left, the native
/// GenerateContentRequest member on the right (expected JSON written by hand), and every refusal naming its field.
/// </summary>
public sealed class NativeRequestTranslatorTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static ChatRequest Prompt(string text = "Hi") => new() { Messages = { new ChatMessage("user", text) } };

    private static JsonNode Native(ChatRequest request) => JsonNode.Parse(NativeRequestTranslator.ToJson(request))!;

    private static ChatRequest With(Action<ChatRequest> change)
    {
        var r = Prompt();
        change(r);
        return r;
    }

    private static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries)
        => entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    /// <summary>(row name, request, the member to look at, its expected JSON).</summary>
    public static TheoryData<string, ChatRequest, string, string> Rows => new()
    {
        { "user text", Prompt("Hello there"), "contents", """[{"role":"user","parts":[{"text":"Hello there"}]}]""" },
        {
            "system and developer messages", new ChatRequest { Messages = { new ChatMessage("system", "Be terse."), new ChatMessage("developer", "No emoji."), new ChatMessage("user", "Hi") } },
            "systemInstruction", """{"parts":[{"text":"Be terse."},{"text":"No emoji."}]}"""
        },
        {
            "assistant becomes model", new ChatRequest { Messages = { new ChatMessage("user", "2+2?"), new ChatMessage("assistant", "4"), new ChatMessage("user", "and 3+3?") } },
            "contents", """[{"role":"user","parts":[{"text":"2+2?"}]},{"role":"model","parts":[{"text":"4"}]},{"role":"user","parts":[{"text":"and 3+3?"}]}]"""
        },
        {
            "text parts", new ChatRequest { Messages = { new ChatMessage { Role = "user", Parts = [ContentPart.FromText("a"), ContentPart.FromText("b")] } } },
            "contents[0].parts", """[{"text":"a"},{"text":"b"}]"""
        },
        {
            "image gs:// URL", new ChatRequest { Messages = { new ChatMessage { Role = "user", Parts = [ContentPart.FromImageUrl("gs://b/scones.jpg")] } } },
            "contents[0].parts[0]", """{"fileData":{"mimeType":"image/jpeg","fileUri":"gs://b/scones.jpg"}}"""
        },
        {
            "image https URL", new ChatRequest { Messages = { new ChatMessage { Role = "user", Parts = [ContentPart.FromImageUrl("https://example.com/cat.png")] } } },
            "contents[0].parts[0]", """{"fileData":{"mimeType":"image/png","fileUri":"https://example.com/cat.png"}}"""
        },
        {
            "image data URI", new ChatRequest { Messages = { new ChatMessage { Role = "user", Parts = [ContentPart.FromImageUrl("data:image/png;base64,iVBORw0KGgo=")] } } },
            "contents[0].parts[0]", """{"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}}"""
        },
        {
            "input_audio base64", new ChatRequest { Messages = { new ChatMessage { Role = "user", Parts = [ContentPart.FromInputAudio("SUQz", "audio/mp3")] } } },
            "contents[0].parts[0]", """{"inlineData":{"mimeType":"audio/mp3","data":"SUQz"}}"""
        },
        {
            // OpenAI's bare formats name audio types; a native mimeType is an IANA type (Blob.mimeType).
            "input_audio bare format", new ChatRequest { Messages = { new ChatMessage { Role = "user", Parts = [ContentPart.FromInputAudio("UklGRg==", "wav")] } } },
            "contents[0].parts[0]", """{"inlineData":{"mimeType":"audio/wav","data":"UklGRg=="}}"""
        },
        {
            "input_audio gs:// (video, PDF)", new ChatRequest { Messages = { new ChatMessage { Role = "user", Parts = [ContentPart.FromInputAudio("gs://b/clip", "video/mp4")] } } },
            "contents[0].parts[0]", """{"fileData":{"mimeType":"video/mp4","fileUri":"gs://b/clip"}}"""
        },
        { "temperature", With(r => r.Temperature = 0.25), "generationConfig", """{"temperature":0.25}""" },
        { "top_p", With(r => r.TopP = 0.5), "generationConfig", """{"topP":0.5}""" },
        { "max_tokens", With(r => r.MaxTokens = 100), "generationConfig", """{"maxOutputTokens":100}""" },
        { "max_completion_tokens", With(r => r.MaxCompletionTokens = 64), "generationConfig", """{"maxOutputTokens":64}""" },
        { "stop", With(r => r.Stop = ["END", "\n\n"]), "generationConfig", """{"stopSequences":["END","\n\n"]}""" },
        { "seed", With(r => r.Seed = 42), "generationConfig", """{"seed":42}""" },
        { "presence and frequency penalty", With(r => { r.PresencePenalty = 0.5; r.FrequencyPenalty = -0.5; }), "generationConfig", """{"presencePenalty":0.5,"frequencyPenalty":-0.5}""" },
        { "response_format json_object", With(r => r.ResponseFormat = ResponseFormat.JsonObject), "generationConfig", """{"responseMimeType":"application/json"}""" },
        {
            "response_format json_schema", With(r => r.ResponseFormat = ResponseFormat.JsonSchema("city", Map(("type", "object"), ("properties", Map(("name", Map(("type", "string")))))))),
            "generationConfig", """{"responseMimeType":"application/json","responseJsonSchema":{"type":"object","properties":{"name":{"type":"string"}}}}"""
        },
        { "response_format text", With(r => r.ResponseFormat = ResponseFormat.Text), "generationConfig", "null" },
        { "reasoning_effort", With(r => r.ReasoningEffort = "medium"), "generationConfig", """{"thinkingConfig":{"thinkingBudget":8192}}""" },
        {
            "thinking_config", With(r => r.ExtraBody = Map(("google", Map(("thinking_config", Map(("thinking_budget", 1024L), ("include_thoughts", true))))))),
            "generationConfig", """{"thinkingConfig":{"thinkingBudget":1024,"includeThoughts":true}}"""
        },
        {
            "thinking_level", With(r => r.ExtraBody = Map(("google", Map(("thinking_config", Map(("thinking_level", "low"))))))),
            "generationConfig", """{"thinkingConfig":{"thinkingLevel":"LOW"}}"""
        },
        { "modalities", With(r => r.Modalities = ["text", "image"]), "generationConfig", """{"responseModalities":["TEXT","IMAGE"]}""" },
        {
            "media_resolution", With(r => r.ExtraBody = Map(("google", Map(("media_resolution", "low"))))),
            "generationConfig", """{"mediaResolution":"MEDIA_RESOLUTION_LOW"}"""
        },
        {
            "safety_settings", With(r => r.ExtraBody = Map(("google", Map(("safety_settings", new object?[] { Map(("category", "HARM_CATEGORY_HATE_SPEECH"), ("threshold", "BLOCK_ONLY_HIGH")) }))))),
            "safetySettings", """[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_ONLY_HIGH"}]"""
        },
        {
            "cached_content", With(r => r.ExtraBody = Map(("google", Map(("cached_content", "projects/p/locations/l/cachedContents/1"))))),
            "cachedContent", "\"projects/p/locations/l/cachedContents/1\""
        },
        {
            "tools", With(r => r.Tools = [new ToolDefinition { Function = new FunctionDefinition { Name = "get_weather", Description = "Weather", Parameters = Map(("type", "object"), ("properties", Map(("city", Map(("type", "string")))))) } }]),
            "tools", """[{"functionDeclarations":[{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}]}]"""
        },
        { "web_search_options (grounding)", With(r => r.WebSearchOptions = Map()), "tools", """[{"googleSearch":{}}]""" },
        {
            "grounding with functions", With(r => { r.WebSearchOptions = Map(); r.Tools = [new ToolDefinition { Function = new FunctionDefinition { Name = "f" } }]; }),
            "tools", """[{"googleSearch":{}},{"functionDeclarations":[{"name":"f"}]}]"""
        },
        { "tool_choice none", With(r => r.ToolChoice = ToolChoice.None), "toolConfig", """{"functionCallingConfig":{"mode":"NONE"}}""" },
        { "tool_choice auto", With(r => r.ToolChoice = ToolChoice.Auto), "toolConfig", """{"functionCallingConfig":{"mode":"AUTO"}}""" },
        { "tool_choice required", With(r => r.ToolChoice = ToolChoice.Required), "toolConfig", """{"functionCallingConfig":{"mode":"ANY"}}""" },
        { "tool_choice a function", With(r => r.ToolChoice = ToolChoice.Function("get_weather")), "toolConfig", """{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get_weather"]}}""" },
        {
            "tool calls and tool results", ToolTurn(),
            "contents", """
            [{"role":"user","parts":[{"text":"Weather in Boston and Paris?"}]},
             {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Boston"}},"thoughtSignature":"c2ln"},
                                      {"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}]},
             {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"temp":20}}},
                                     {"functionResponse":{"name":"get_weather","response":{"content":"sunny"}}}]}]
            """
        },
        {
            "thought parts and signatures", new ChatRequest { Messages = {
                new ChatMessage("user", "Q"),
                new ChatMessage { Role = "assistant", Parts = [
                    new ContentPart { Type = "text", Text = "thinking", ExtraContent = ExtraContent.SetGoogle(null, "thought", true) },
                    new ContentPart { Type = "text", Text = "answer", ExtraContent = ExtraContent.SetGoogle(null, "thought_signature", "AAAA") }] },
                new ChatMessage("user", "more") } },
            "contents[1].parts", """[{"text":"thinking","thought":true},{"text":"answer","thoughtSignature":"AAAA"}]"""
        },
        {
            "multimodal function response", MultimodalToolTurn(),
            "contents[2].parts[0].functionResponse", """{"name":"show","response":{"ok":true},"parts":[{"fileData":{"mimeType":"image/jpg","fileUri":"gs://b/dress.jpg","displayName":"dress.jpg"}}]}"""
        },
    };

    private static ChatRequest ToolTurn()
    {
        var call1 = new ToolCall { Id = "c1", Function = new FunctionCall { Name = "get_weather", Arguments = "{\"city\":\"Boston\"}" }, ExtraContent = ExtraContent.SetGoogle(null, "thought_signature", "c2ln") };
        var call2 = new ToolCall { Id = "c2", Function = new FunctionCall { Name = "get_weather", Arguments = "{\"city\":\"Paris\"}" } };
        return new ChatRequest
        {
            Messages =
            {
                new ChatMessage("user", "Weather in Boston and Paris?"),
                new ChatMessage { Role = "assistant", ToolCalls = [call1, call2], ContentWasNull = true },
                new ChatMessage("tool", "{\"temp\":20}") { ToolCallId = "c1" },
                new ChatMessage("tool", "sunny") { ToolCallId = "c2" },
            },
        };
    }

    private static ChatRequest MultimodalToolTurn()
    {
        var call = new ToolCall { Id = "c1", Function = new FunctionCall { Name = "show", Arguments = "{}" } };
        var parts = new object?[] { Map(("file_data", Map(("mime_type", "image/jpg"), ("display_name", "dress.jpg"), ("file_uri", "gs://b/dress.jpg")))) };
        return new ChatRequest
        {
            Messages =
            {
                new ChatMessage("user", "Show the dress"),
                new ChatMessage { Role = "assistant", ToolCalls = [call] },
                new ChatMessage("tool", "{\"ok\":true}") { ToolCallId = "c1", ExtraContent = ExtraContent.SetGoogle(null, "parts", parts) },
            },
        };
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_row_of_the_table_translates_as_documented(string row, ChatRequest request, string path, string expected)
    {
        _ = row;
        JsonAssert.Equivalent(expected, Select(Native(request), path));
    }

    [Fact]
    public void A_line_carries_its_position_as_a_label_inside_the_request()
    {
        using var buffer = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            NativeRequestTranslator.WriteLine(w, Prompt("x"), 41);
        }

        JsonAssert.Equivalent("""{"request":{"contents":[{"role":"user","parts":[{"text":"x"}]}],"labels":{"vertexai_ps_line":"41"}}}""", Encoding.UTF8.GetString(buffer.ToArray()));
    }

    public static TheoryData<string, ChatRequest> Refusals => new()
    {
        { "messages[0].name", new ChatRequest { Messages = { new ChatMessage("user", "Hi") { Name = "bob" } } } },
        { "messages[0].role", new ChatRequest { Messages = { new ChatMessage("function", "Hi") } } },
        { "n", With(r => r.N = 2) },
        { "web_search_options.search_context_size", With(r => r.WebSearchOptions = Map(("search_context_size", "low"))) },
        { "extra_body.google.stream_function_call_arguments", With(r => r.ExtraBody = Map(("google", Map(("stream_function_call_arguments", true))))) },
        { "extra_body.google.unheard_of", With(r => r.ExtraBody = Map(("google", Map(("unheard_of", 1L))))) },
        { "extra_body.other", With(r => r.ExtraBody = Map(("other", 1L))) },
        { "messages[0].content[0].image_url.detail", new ChatRequest { Messages = { new ChatMessage { Role = "user", Parts = [new ContentPart { Type = "image_url", ImageUrl = "gs://b/a.png", ImageDetail = "high" }] } } } },
        { "messages[0].content[0].image_url", new ChatRequest { Messages = { new ChatMessage { Role = "user", Parts = [ContentPart.FromImageUrl("gs://b/no-extension")] } } } },
        { "messages[0].content[0].type", new ChatRequest { Messages = { new ChatMessage { Role = "user", Parts = [new ContentPart { Type = "file" }] } } } },
        { "messages[1].tool_call_id", new ChatRequest { Messages = { new ChatMessage("user", "x"), new ChatMessage("tool", "r") { ToolCallId = "unknown" } } } },
        { "messages[1].tool_calls[0].function.arguments", new ChatRequest { Messages = { new ChatMessage("user", "x"), new ChatMessage { Role = "assistant", ToolCalls = [new ToolCall { Id = "a", Function = new FunctionCall { Name = "f", Arguments = "[1,2]" } }] } } } },
        { "seedling", WithAdditional("seedling") },
        { "tools[0].type", With(r => r.Tools = [new ToolDefinition { Type = "retrieval", Function = new FunctionDefinition { Name = "x" } }]) },
    };

    private static ChatRequest WithAdditional(string key)
    {
        var r = Prompt();
        r.AdditionalProperties[key] = 1L;
        return r;
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public void What_has_no_native_form_is_refused_naming_the_field_before_anything_is_written(string field, ChatRequest request)
    {
        using var buffer = new MemoryStream();
        var ex = Assert.Throws<NativeTranslationException>(() =>
        {
            using var w = new System.Text.Json.Utf8JsonWriter(buffer);
            NativeRequestTranslator.WriteLine(w, request, 0);
        });
        Assert.Equal(field, ex.Field);
        Assert.Equal(field, ex.ParamName);
        Assert.Contains($"'{field}'", ex.Message);
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public async Task Every_translated_row_is_a_GenerateContentRequest_the_emulators_strict_batch_validator_accepts()
    {
        var emulator = fixture.Emulator;
        var lines = new StringBuilder();
        var n = 0;
        foreach (var row in Rows)
        {
            using var buffer = new MemoryStream();
            using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
            {
                NativeRequestTranslator.WriteLine(w, (ChatRequest)row[1], n++);
            }

            lines.Append(Encoding.UTF8.GetString(buffer.ToArray())).Append('\n');
        }

        emulator.Storage.PutText("rows", "in.jsonl", lines.ToString());
        using var http = new HttpClient { BaseAddress = emulator.BaseUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", emulator.DefaultToken);
        var job = """{"displayName":"rows","model":"publishers/google/models/gemini-2.5-flash","inputConfig":{"instancesFormat":"jsonl","gcsSource":{"uris":["gs://rows/in.jsonl"]}},"outputConfig":{"predictionsFormat":"jsonl","gcsDestination":{"outputUriPrefix":"gs://rows/out"}}}""";
        using var created = await http.PostAsync("v1/projects/p/locations/us-central1/batchPredictionJobs", new StringContent(job, Encoding.UTF8, "application/json"));
        var name = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["name"]!;
        var state = JsonNode.Parse(await http.GetStringAsync("v1/" + name))!;
        Assert.True((string?)state["state"] == "JOB_STATE_RUNNING", state.ToJsonString());
        state = JsonNode.Parse(await http.GetStringAsync("v1/" + name))!;
        Assert.Equal("JOB_STATE_SUCCEEDED", (string?)state["state"]);
        Assert.Equal(n.ToString(), (string?)state["completionStats"]!["successfulCount"]);
    }

    // "a.b[1].c" → the node there (null when missing).
    private static JsonNode? Select(JsonNode root, string path)
    {
        JsonNode? node = root;
        foreach (var segment in path.Split('.'))
        {
            var name = segment;
            var index = -1;
            var bracket = segment.IndexOf('[');
            if (bracket >= 0)
            {
                name = segment[..bracket];
                index = int.Parse(segment[(bracket + 1)..^1]);
            }

            node = node?[name];
            if (index >= 0) node = node?[index];
        }

        return node;
    }
}
