using System.Text.Json;
using VertexAI.Batch;
using Xunit;

namespace VertexAI.Core.Tests.Batch;

/// <summary>A native GenerateContentResponse read as the chat API's ChatCompletion (documented shapes, expected values by hand).</summary>
public sealed class NativeResponseReaderTests
{
    private static ChatCompletion Read(string json, string? model = null)
    {
        using var doc = JsonDocument.Parse(json);
        return NativeResponseReader.Read(doc.RootElement, model);
    }

    [Fact]
    public void Text_usage_model_id_and_time_map_onto_the_completion()
    {
        var c = Read("""
        {"candidates":[{"content":{"role":"model","parts":[{"text":"Hello "},{"text":"world"}]},"finishReason":"STOP","avgLogprobs":-0.2,
          "safetyRatings":[{"category":"HARM_CATEGORY_HATE_SPEECH","probability":"NEGLIGIBLE"}]}],
         "usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":2,"totalTokenCount":13,"thoughtsTokenCount":7,"trafficType":"ON_DEMAND",
                          "promptTokensDetails":[{"modality":"TEXT","tokenCount":4}]},
         "modelVersion":"gemini-2.5-flash","createTime":"2025-01-02T03:04:05.123456Z","responseId":"abc123"}
        """);
        Assert.Equal("abc123", c.Id);
        Assert.Equal("chat.completion", c.Object);
        Assert.Equal("google/gemini-2.5-flash", c.Model);
        Assert.Equal(1735787045, c.Created);
        Assert.Equal("Hello world", c.Content);
        Assert.Equal("assistant", c.Message!.Role);
        Assert.Equal("stop", c.FinishReason);
        Assert.Equal(4, c.Usage!.PromptTokens);
        Assert.Equal(2, c.Usage.CompletionTokens);
        Assert.Equal(13, c.Usage.TotalTokens);
        Assert.Equal(7, c.Usage.ReasoningTokens);
        Assert.Equal("ON_DEMAND", c.Usage.TrafficType);
        Assert.True(c.Usage.AdditionalProperties.ContainsKey("promptTokensDetails"));
        Assert.True(c.Choices[0].AdditionalProperties.ContainsKey("safetyRatings"));
        Assert.Equal(-0.2, c.Choices[0].AdditionalProperties["avgLogprobs"]);
    }

    [Theory]
    [InlineData("STOP", "stop")]
    [InlineData("MAX_TOKENS", "length")]
    [InlineData("SAFETY", "content_filter")]
    [InlineData("RECITATION", "content_filter")]
    [InlineData("PROHIBITED_CONTENT", "content_filter")]
    [InlineData("BLOCKLIST", "content_filter")]
    [InlineData("SPII", "content_filter")]
    [InlineData("MALFORMED_FUNCTION_CALL", "malformed_function_call")]
    [InlineData("OTHER", "other")]
    public void Finish_reasons_take_the_chat_APIs_names(string native, string chat)
    {
        var c = Read($$"""{"candidates":[{"content":{"role":"model","parts":[{"text":"x"}]},"finishReason":"{{native}}"}]}""");
        Assert.Equal(chat, c.FinishReason);
    }

    [Fact]
    public void Function_calls_become_tool_calls_with_their_signatures_and_finish_tool_calls()
    {
        var c = Read("""
        {"candidates":[{"content":{"role":"model","parts":[
            {"functionCall":{"name":"get_weather","args":{"city":"Boston"}},"thoughtSignature":"c2lnMQ=="},
            {"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}]},"finishReason":"STOP"}],"responseId":"r1"}
        """);
        Assert.Equal("tool_calls", c.FinishReason);
        Assert.Null(c.Message!.Content);
        Assert.Equal(2, c.ToolCalls!.Count);
        Assert.Equal("get_weather", c.ToolCalls[0].Function.Name);
        JsonAssert.Equivalent("""{"city":"Boston"}""", c.ToolCalls[0].Function.Arguments!);
        Assert.Equal("c2lnMQ==", c.ToolCalls[0].ThoughtSignature);
        Assert.Null(c.ToolCalls[1].ThoughtSignature);
        Assert.NotEqual(c.ToolCalls[0].Id, c.ToolCalls[1].Id);
    }

    [Fact]
    public void Thought_parts_are_separated_from_the_answer_as_online()
    {
        var c = Read("""{"candidates":[{"content":{"role":"model","parts":[{"text":"Let me think.","thought":true},{"text":"42","thoughtSignature":"AAAA"}]},"finishReason":"STOP"}]}""");
        Assert.Equal("42", c.Content);
        Assert.Equal("Let me think.", c.Thoughts);
        Assert.Equal("AAAA", c.Message!.ThoughtSignature);
    }

    [Fact]
    public void A_generated_image_goes_to_message_audio_with_its_media_type_as_the_chat_API_puts_it()
    {
        var c = Read("""{"candidates":[{"content":{"role":"model","parts":[{"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}}]},"finishReason":"STOP"}]}""");
        Assert.Equal("image/png", c.Message!.Audio!.MimeType);
        Assert.Single(c.Images);
    }

    [Fact]
    public void A_blocked_prompt_without_candidates_is_an_empty_content_filter_answer_keeping_promptFeedback()
    {
        var c = Read("""{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":3,"totalTokenCount":3}}""");
        Assert.Equal("content_filter", c.FinishReason);
        Assert.Null(c.Content);
        Assert.Equal("SAFETY", Json.PlainJson.GetPath(c.AdditionalProperties, "promptFeedback", "blockReason"));
    }

    [Fact]
    public void An_output_line_gives_its_position_prompt_and_completion_or_its_failure()
    {
        var ok = BatchOutputLine.Parse("""
        {"status":"","processed_time":"2025-01-01T00:00:00.000+00:00",
         "request":{"contents":[{"role":"user","parts":[{"text":"first"}]},{"role":"model","parts":[{"text":"a"}]},{"role":"user","parts":[{"text":"second "},{"text":"prompt"}]}],"labels":{"vertexai_ps_line":"7"}},
         "response":{"candidates":[{"content":{"role":"model","parts":[{"text":"Echo"}]},"finishReason":"STOP"}]}}
        """, "gemini-2.5-flash");
        Assert.Equal(7, ok.Line);
        Assert.Equal("second prompt", ok.Input);
        Assert.Null(ok.Status);
        Assert.Equal("Echo", ok.Completion!.Content);
        Assert.Equal("google/gemini-2.5-flash", ok.Completion.Model);

        var failed = BatchOutputLine.Parse("""{"status":"Bad Request: {\"error\": {\"code\": 400}}","request":{"contents":[{"role":"user","parts":[{"text":"x"}]}],"labels":{"vertexai_ps_line":"0"}}}""");
        Assert.Equal(0, failed.Line);
        Assert.Equal("x", failed.Input);
        Assert.Null(failed.Completion);
        Assert.StartsWith("Bad Request", failed.Status);

        var unlabelled = BatchOutputLine.Parse("""{"status":"","request":{"contents":[{"parts":[{"text":"y"}]}]},"response":{"candidates":[]}}""");
        Assert.Null(unlabelled.Line);
        Assert.Equal("y", unlabelled.Input);
    }

    [Fact]
    public void A_JSON_answer_is_parsed_into_Parsed_as_online_and_a_broken_one_keeps_its_text_with_a_ParseError()
    {
        const string request = """{"contents":[{"role":"user","parts":[{"text":"Zurich"}]}],"generationConfig":{"responseMimeType":"application/json"}}""";
        var ok = BatchOutputLine.Parse("""{"status":"","request":""" + request + ""","response":{"candidates":[{"content":{"role":"model","parts":[{"text":"{\"population\":421878}"}]},"finishReason":"STOP"}]}}""");
        Assert.Equal(421878L, Json.PlainJson.GetPath(ok.Completion!.Parsed, "population"));
        var broken = BatchOutputLine.Parse("""{"status":"","request":""" + request + ""","response":{"candidates":[{"content":{"role":"model","parts":[{"text":"{not json"}]},"finishReason":"STOP"}]}}""");
        Assert.Null(broken.Completion!.Parsed);
        Assert.NotNull(broken.Completion.ParseError);
        Assert.Equal("{not json", broken.Completion.Content);
    }
}
