using System.Text.Json.Nodes;
using Xunit;

namespace VertexAI.Emulator.Tests;

public sealed class ReplyTests : EmulatorTestBase
{
    [Fact]
    public async Task The_reply_echoes_the_last_user_message_in_Vertex_shape()
    {
        var request = new JsonObject
        {
            ["model"] = Model,
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "system", ["content"] = "Be brief." },
                new JsonObject { ["role"] = "user", ["content"] = "first question" },
                new JsonObject { ["role"] = "assistant", ["content"] = "an answer" },
                new JsonObject { ["role"] = "user", ["content"] = "Write a story" }),
        };
        var reply = await PostChatForJsonAsync(request);

        Assert.Equal("chat.completion", reply["object"]!.GetValue<string>());
        Assert.Equal(Model, reply["model"]!.GetValue<string>());
        Assert.Equal("", reply["system_fingerprint"]!.GetValue<string>());
        Assert.True(reply["created"]!.GetValue<long>() > 1_600_000_000);
        var choice = Assert.Single(reply["choices"]!.AsArray())!;
        Assert.Equal(0, choice["index"]!.GetValue<int>());
        Assert.Equal("stop", choice["finish_reason"]!.GetValue<string>());
        Assert.True(choice.AsObject().ContainsKey("logprobs"));
        Assert.Null(choice["logprobs"]);
        Assert.Equal("assistant", choice["message"]!["role"]!.GetValue<string>());
        Assert.Equal("Echo: Write a story", choice["message"]!["content"]!.GetValue<string>());

        var usage = reply["usage"]!;
        Assert.Equal(9, usage["prompt_tokens"]!.GetValue<int>()); // 2 + 2 + 2 + 3 words
        Assert.Equal(4, usage["completion_tokens"]!.GetValue<int>());
        Assert.Equal(13, usage["total_tokens"]!.GetValue<int>());
        Assert.Equal("ON_DEMAND", usage["extra_properties"]!["google"]!["traffic_type"]!.GetValue<string>());
        Assert.Null(usage["completion_tokens_details"]);
    }

    [Fact]
    public async Task The_same_body_gives_the_same_id_and_a_different_body_a_different_one()
    {
        var a1 = await PostChatForJsonAsync(UserRequest("same"));
        var a2 = await PostChatForJsonAsync(UserRequest("same"));
        var b = await PostChatForJsonAsync(UserRequest("other"));
        Assert.Equal(a1.ToJsonString(), a2.ToJsonString());
        Assert.NotEqual(a1["id"]!.GetValue<string>(), b["id"]!.GetValue<string>());
        Assert.Equal(23, a1["id"]!.GetValue<string>().Length);
    }

    [Fact]
    public async Task Text_parts_are_concatenated_and_media_parts_counted()
    {
        var request = JsonNode.Parse($$$"""
            {"model":"{{{Model}}}","messages":[{"role":"user","content":[
              {"type":"text","text":"Describe "},{"type":"text","text":"these"},
              {"type":"image_url","image_url":"gs://b/a.jpg"},{"type":"image_url","image_url":{"url":"https://x/b.png"}},
              {"type":"input_audio","input_audio":{"format":"audio/mp3","data":"gs://b/c.mp3"}}]}]}
            """)!;
        var reply = await PostChatForJsonAsync(request);
        Assert.Equal("Echo: Describe these [2 images, 1 audio]", Content(reply));
        Assert.Equal(5, reply["usage"]!["prompt_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task N_gives_that_many_choices()
    {
        var request = UserRequest("multi");
        request["n"] = 3;
        var reply = await PostChatForJsonAsync(request);
        var choices = reply["choices"]!.AsArray();
        Assert.Equal([0, 1, 2], choices.Select(c => c!["index"]!.GetValue<int>()));
        Assert.All(choices, c => Assert.Equal("Echo: multi", c!["message"]!["content"]!.GetValue<string>()));
        Assert.Equal(6, reply["usage"]!["completion_tokens"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("max_tokens")]
    [InlineData("max_completion_tokens")]
    public async Task A_token_limit_truncates_to_that_many_words_with_finish_reason_length(string name)
    {
        var request = UserRequest("one two three four");
        request[name] = 3;
        var reply = await PostChatForJsonAsync(request);
        Assert.Equal("Echo: one two", Content(reply));
        Assert.Equal("length", reply["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Equal(3, reply["usage"]!["completion_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_limit_above_the_length_changes_nothing()
    {
        var request = UserRequest("short");
        request["max_tokens"] = 50;
        var reply = await PostChatForJsonAsync(request);
        Assert.Equal("Echo: short", Content(reply));
        Assert.Equal("stop", reply["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stop_cuts_at_the_first_stop_string()
    {
        var request = UserRequest("alpha beta gamma delta");
        request["stop"] = new JsonArray("delta", "gamma");
        var reply = await PostChatForJsonAsync(request);
        Assert.Equal("Echo: alpha beta ", Content(reply));
        Assert.Equal("stop", reply["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Json_object_format_returns_a_json_object_string()
    {
        var request = UserRequest("Alice");
        request["response_format"] = new JsonObject { ["type"] = "json_object" };
        var content = JsonNode.Parse(Content(await PostChatForJsonAsync(request)))!;
        Assert.Equal("Alice", content["echo"]!.GetValue<string>());
    }

    [Fact]
    public async Task Json_schema_format_fills_every_required_property_deterministically()
    {
        var request = UserRequest("Alice and Bob go to a fair on Friday.");
        request["response_format"] = JsonNode.Parse("""
            {"type":"json_schema","json_schema":{"name":"CalendarEvent","schema":{"type":"object",
              "properties":{"name":{"type":"string"},"date":{"type":"string"},"participants":{"type":"array","items":{"type":"string"}},
                "count":{"type":"integer"},"score":{"type":"number"},"public":{"type":"boolean"},"kind":{"type":"string","enum":["fair","party"]},
                "place":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"optional":{"type":"string"}},
              "required":["name","date","participants","count","score","public","kind","place"]}}}
            """);
        var content = JsonNode.Parse(Content(await PostChatForJsonAsync(request)))!;
        Assert.Equal(
            """{"name":"example","date":"example","participants":[],"count":1,"score":1,"public":true,"kind":"fair","place":{"city":"example"}}""",
            content.ToJsonString());
    }

    [Fact]
    public async Task Image_modality_returns_a_png_in_message_audio_like_the_transcript()
    {
        var request = UserRequest("Generate an image of a cat.");
        request["model"] = "google/gemini-3-pro-image-preview";
        request["modalities"] = new JsonArray("image");
        var reply = await PostChatForJsonAsync(request);

        var message = reply["choices"]![0]!["message"]!;
        Assert.True(message.AsObject().ContainsKey("content"));
        Assert.Null(message["content"]);
        var png = Convert.FromBase64String(message["audio"]!["data"]!.GetValue<string>());
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4));
        Assert.Equal("image/png", message["audio"]!["extra_content"]!["google"]!["mime_type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(message["extra_content"]!["google"]!["thought_signature"]!.GetValue<string>()));
        var usage = reply["usage"]!;
        var reasoning = usage["completion_tokens_details"]!["reasoning_tokens"]!.GetValue<int>();
        Assert.True(reasoning > 0);
        Assert.Equal(
            usage["prompt_tokens"]!.GetValue<int>() + usage["completion_tokens"]!.GetValue<int>() + reasoning,
            usage["total_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Thinking_adds_reasoning_tokens_and_tagged_thoughts()
    {
        var request = UserRequest("Are there primes?");
        request["extra_body"] = JsonNode.Parse("""{"google":{"thinking_config":{"include_thoughts":true,"thinking_budget":10000},"thought_tag_marker":"think"}}""");
        var reply = await PostChatForJsonAsync(request);
        Assert.Equal("<think>Thinking about: Are there primes?</think>Echo: Are there primes?", Content(reply));
        var usage = reply["usage"]!;
        Assert.Equal(7, usage["completion_tokens_details"]!["reasoning_tokens"]!.GetValue<int>());
        Assert.Equal(4, usage["completion_tokens"]!.GetValue<int>());
        Assert.Equal(3 + 4 + 7, usage["total_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Thoughts_without_a_marker_only_show_in_usage()
    {
        var request = UserRequest("Hi");
        request["extra_body"] = JsonNode.Parse("""{"google":{"thinking_config":{"include_thoughts":true}}}""");
        var reply = await PostChatForJsonAsync(request);
        Assert.Equal("Echo: Hi", Content(reply));
        Assert.Equal(7, reply["usage"]!["completion_tokens_details"]!["reasoning_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Tools_produce_parallel_calls_with_arguments_from_the_schema()
    {
        var reply = await PostChatForJsonAsync(WeatherRequest("Boston, MA"));
        var choice = reply["choices"]![0]!;
        Assert.Equal("tool_calls", choice["finish_reason"]!.GetValue<string>());
        Assert.Null(choice["message"]!["content"]);
        var calls = choice["message"]!["tool_calls"]!.AsArray();
        Assert.Equal(2, calls.Count); // three tools, at most two calls

        var first = calls[0]!;
        Assert.Matches("^function-call-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", first["id"]!.GetValue<string>());
        Assert.Equal("function", first["type"]!.GetValue<string>());
        Assert.Equal("get_current_weather", first["function"]!["name"]!.GetValue<string>());
        Assert.Equal("""{"location":"Boston, MA","unit":"celsius"}""", first["function"]!["arguments"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(first["extra_content"]!["google"]!["thought_signature"]!.GetValue<string>()));

        var second = calls[1]!;
        Assert.Equal("get_stats", second["function"]!["name"]!.GetValue<string>());
        Assert.Equal("""{"days":1,"ratio":1,"detailed":true,"tags":[]}""", second["function"]!["arguments"]!.GetValue<string>());
        Assert.Null(second["extra_content"]);
        Assert.NotEqual(first["id"]!.GetValue<string>(), second["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tool_choice_none_gives_text_and_a_named_tool_choice_calls_only_that_tool()
    {
        var none = WeatherRequest("Paris");
        none["tool_choice"] = "none";
        Assert.Equal("Echo: Paris", Content(await PostChatForJsonAsync(none)));

        var named = WeatherRequest("Paris");
        named["tool_choice"] = JsonNode.Parse("""{"type":"function","function":{"name":"get_stats"}}""");
        var calls = (await PostChatForJsonAsync(named))["choices"]![0]!["message"]!["tool_calls"]!.AsArray();
        Assert.Equal("get_stats", Assert.Single(calls)!["function"]!["name"]!.GetValue<string>());

        foreach (var mode in new[] { "auto", "required" })
        {
            var plain = WeatherRequest("Paris");
            plain["tool_choice"] = mode;
            var all = (await PostChatForJsonAsync(plain))["choices"]![0]!["message"]!["tool_calls"]!.AsArray();
            Assert.Equal(2, all.Count);
        }
    }

    [Fact]
    public async Task After_tool_results_the_reply_echoes_them()
    {
        var request = WeatherRequest("Boston");
        var messages = request["messages"]!.AsArray();
        messages.Add(JsonNode.Parse("""{"role":"assistant","content":null,"tool_calls":[{"id":"a","type":"function","function":{"name":"get_current_weather","arguments":"{}"}},{"id":"b","type":"function","function":{"name":"get_stats","arguments":"{}"}}]}"""));
        messages.Add(JsonNode.Parse("""{"role":"tool","tool_call_id":"a","content":"sunny, 20C"}"""));
        messages.Add(JsonNode.Parse("""{"role":"tool","tool_call_id":"b","content":[{"type":"text","text":"42"}]}"""));
        var reply = await PostChatForJsonAsync(request);
        Assert.Equal("Echo: tool results: sunny, 20C; 42", Content(reply));
        Assert.Equal("stop", reply["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    internal static JsonObject WeatherRequest(string text) => new()
    {
        ["model"] = Model,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }),
        ["tools"] = JsonNode.Parse("""
            [{"type":"function","function":{"name":"get_current_weather","description":"Get the current weather",
               "parameters":{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},
               "required":["location","unit"]}}},
             {"type":"function","function":{"name":"get_stats","parameters":{"type":"object",
               "properties":{"days":{"type":"integer"},"ratio":{"type":"number"},"detailed":{"type":"boolean"},"tags":{"type":"array"},"note":{"type":"string"}},
               "required":["days","ratio","detailed","tags"]}}},
             {"type":"function","function":{"name":"third_tool"}}]
            """),
    };

    private static string Content(JsonNode reply) => reply["choices"]![0]!["message"]!["content"]!.GetValue<string>();
}
