using System.Text.Json.Nodes;
using VertexAI;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Core.Tests;

/// <summary>Grounding, safety settings, a context cache and media resolution: what goes on the wire, what is refused
/// before sending, and what is read back (grounding sources, cached tokens), whole and streamed.</summary>
public sealed class GoogleOptionsTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    private async Task<(ChatCompletion Completion, JsonNode Body)> CompleteAsync(ChatRequest request, bool stream, string location = "us-central1")
    {
        f.Emulator.ClearLog();
        var client = f.Client(location);
        var completion = stream
            ? await ChatCalls.StreamAsync(client, request, _ => { })
            : await ChatCalls.CompleteAsync(client, request);
        return (completion, Assert.Single(f.Emulator.ChatRequests).Json!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_grounded_answer_has_its_sources_and_queries_and_keeps_the_raw_metadata(bool stream)
    {
        var request = EmulatorFixture.UserPrompt("Is us-central1 degraded?");
        GoogleOptions.SetGoogleSearch(request);
        var (completion, body) = await CompleteAsync(request, stream);

        Assert.Equal("{}", body["web_search_options"]!.ToJsonString());
        var grounding = Assert.IsType<Grounding>(completion.Grounding);
        Assert.Equal(["example.com", "example.org"], grounding.Sources.Select(s => s.Title));
        Assert.Equal($"https://vertexaisearch.cloud.google.com/grounding-api-redirect/{completion.Id}-1", grounding.Sources[0].Uri);
        Assert.Equal("example.org", grounding.Sources[1].Domain);
        Assert.Equal(["Is us-central1 degraded?"], grounding.SearchQueries);
        Assert.Equal($"Sources: example.com (https://vertexaisearch.cloud.google.com/grounding-api-redirect/{completion.Id}-1); example.org (https://vertexaisearch.cloud.google.com/grounding-api-redirect/{completion.Id}-2)",
            grounding.ToString());
        // Nothing dropped: the metadata and the annotations stay on the message as they came (the stream's last delta included).
        Assert.NotNull(Json.PlainJson.GetPath(completion.Message!.ExtraContent, "google", "grounding_metadata", "grounding_supports"));
        Assert.Equal(2, Assert.IsType<object?[]>(completion.Message!.AdditionalProperties["annotations"]).Length);
        Assert.Equal("Echo: Is us-central1 degraded?", completion.Content);
    }

    [Fact]
    public async Task An_answer_without_grounding_has_no_Grounding()
    {
        var (completion, body) = await CompleteAsync(EmulatorFixture.UserPrompt("hello"), stream: false);
        Assert.Null(body["web_search_options"]);
        Assert.Null(completion.Grounding);
    }

    [Fact]
    public void Grounding_is_read_from_url_citations_alone_and_from_camelCase_metadata()
    {
        var citations = Json.WireReader.ReadCompletion(System.Text.Json.JsonDocument.Parse("""
            {"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"x",
             "annotations":[{"type":"url_citation","url_citation":{"url":"https://a.example/1","title":"A","start_index":0,"end_index":1}},
                            {"type":"url_citation","url_citation":{"url":"https://a.example/1","title":"A"}}]}}]}
            """).RootElement);
        Assert.Equal("Sources: A (https://a.example/1)", citations.Grounding!.ToString());

        var camel = Json.WireReader.ReadCompletion(System.Text.Json.JsonDocument.Parse("""
            {"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"x"},
             "groundingMetadata":{"webSearchQueries":["q"],"groundingChunks":[{"web":{"uri":"https://b.example","title":"b.example"}}],
                                  "searchEntryPoint":{"renderedContent":"<div/>"}}}]}
            """).RootElement);
        Assert.Equal(["q"], camel.Grounding!.SearchQueries);
        Assert.Equal("b.example (https://b.example)", camel.Grounding.Sources.Single().ToString());
        Assert.Equal("<div/>", camel.Grounding.SearchEntryPoint);
    }

    [Fact]
    public async Task Streamed_citations_that_come_a_piece_per_delta_are_all_kept()
    {
        static string Chunk(string delta, string? finish = null) =>
            $$"""{"id":"s1","object":"chat.completion.chunk","created":1,"model":"google/gemini-2.0-flash-001","choices":[{"index":0,"delta":{{delta}}{{(finish is null ? "" : $",\"finish_reason\":\"{finish}\"")}}}]}""";
        f.Emulator.Scenarios.Enqueue(Scenario.Stream(
            SseStep.Data(Chunk("""{"role":"assistant","content":"Up."}""")),
            SseStep.Data(Chunk("""{"role":"assistant","annotations":[{"type":"url_citation","url_citation":{"url":"https://a.example","title":"A"}}]}""")),
            SseStep.Data(Chunk("""{"role":"assistant","annotations":[{"type":"url_citation","url_citation":{"url":"https://b.example","title":"B"}}]}""", "stop")),
            SseStep.Done()));
        var completion = await ChatCalls.StreamAsync(f.Client(), EmulatorFixture.UserPrompt("status"), _ => { });
        Assert.Equal(["A", "B"], completion.Grounding!.Sources.Select(s => s.Title));
        Assert.Equal("Up.", completion.Content);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_bare_cache_id_is_completed_with_the_endpoint_and_its_cached_tokens_are_read(bool stream)
    {
        var cache = f.Emulator.CreateCache("test-project", "us-central1", textTokens: 4096);
        var id = cache.Substring(cache.LastIndexOf('/') + 1);
        var request = EmulatorFixture.UserPrompt("Summarize the runbook");
        GoogleOptions.SetCachedContent(request, id);
        var (completion, body) = await CompleteAsync(request, stream);

        Assert.Equal(cache, body["extra_body"]!["google"]!["cached_content"]!.GetValue<string>());
        // The caller's request is left as it was.
        Assert.Equal(id, Json.PlainJson.GetPath(request.ExtraBody, "google", "cached_content"));
        Assert.Equal(4096, completion.Usage!.CachedTokens);
        Assert.Equal(4096 + 3, completion.Usage.PromptTokens);
        Assert.StartsWith("prompt 4099 (4096 cached), completion ", completion.Usage.ToString());
    }

    [Theory]
    [InlineData("""{"prompt_tokens":10,"completion_tokens":1,"total_tokens":11,"prompt_tokens_details":{"cached_tokens":8}}""", 8)]
    [InlineData("""{"prompt_tokens":10,"completion_tokens":1,"total_tokens":11,"extra_properties":{"google":{"traffic_type":"ON_DEMAND","cached_content_token_count":6}}}""", 6)]
    [InlineData("""{"prompt_tokens":10,"completion_tokens":1,"total_tokens":11}""", null)]
    public void Cached_tokens_are_read_where_either_name_puts_them(string usage, int? expected)
    {
        var read = Json.WireReader.ReadUsage(System.Text.Json.JsonDocument.Parse(usage).RootElement)!;
        Assert.Equal(expected, read.CachedTokens);
        Assert.Equal(expected is null, !read.ToString().Contains("cached", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cache_is_refused_before_sending_on_global_and_in_another_location()
    {
        f.Emulator.ClearLog();
        var request = EmulatorFixture.UserPrompt("x");
        GoogleOptions.SetCachedContent(request, "987654321");
        var global = await Assert.ThrowsAsync<ArgumentException>(() => ChatCalls.CompleteAsync(f.Client("global"), request));
        Assert.Contains("no context caches in location 'global'", global.Message);
        Assert.Equal("CachedContent", global.ParamName);

        var other = EmulatorFixture.UserPrompt("x");
        GoogleOptions.SetCachedContent(other, "projects/test-project/locations/europe-west4/cachedContents/1");
        var elsewhere = await Assert.ThrowsAsync<ArgumentException>(() => ChatCalls.StreamAsync(f.Client(), other, _ => { }));
        Assert.Contains("is in location 'europe-west4', but the request goes to 'us-central1'", elsewhere.Message);
        Assert.Empty(f.Emulator.ChatRequests);
    }

    [Fact]
    public async Task Safety_settings_and_media_resolution_go_in_extra_body_google_as_Vertex_names_them()
    {
        var request = EmulatorFixture.UserPrompt("x");
        GoogleOptions.SetSafetySettings(request,
        [
            GoogleOptions.SafetySetting("hate_speech", "block_only_high"),
            GoogleOptions.SafetySetting("HARM_CATEGORY_DANGEROUS_CONTENT", "BLOCK_LOW_AND_ABOVE", "severity"),
        ]);
        GoogleOptions.SetMediaResolution(request, "Low");
        var (_, body) = await CompleteAsync(request, stream: false);
        var google = body["extra_body"]!["google"]!;
        Assert.Equal(
            """[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_ONLY_HIGH"},{"category":"HARM_CATEGORY_DANGEROUS_CONTENT","threshold":"BLOCK_LOW_AND_ABOVE","method":"SEVERITY"}]""",
            google["safety_settings"]!.ToJsonString());
        Assert.Equal("MEDIA_RESOLUTION_LOW", google["media_resolution"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("HARM_CATEGORY_HATE", "BLOCK_ONLY_HIGH", null, "'HARM_CATEGORY_HATE' is not a harm category")]
    [InlineData("HARM_CATEGORY_UNSPECIFIED", "OFF", null, "is not a harm category")]
    [InlineData("HARM_CATEGORY_HARASSMENT", "BLOCK_SOME", null, "'BLOCK_SOME' (for HARM_CATEGORY_HARASSMENT) is not a block threshold")]
    [InlineData("HARM_CATEGORY_HARASSMENT", "OFF", "LOUDNESS", "'LOUDNESS' (for HARM_CATEGORY_HARASSMENT) is not a block method")]
    public void Bad_safety_values_are_refused_naming_the_value(string category, string threshold, string? method, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => GoogleOptions.SafetySetting(category, threshold, method));
        Assert.Contains(expected, ex.Message);
        Assert.Equal("SafetySetting", ex.ParamName);
    }

    [Fact]
    public void A_category_given_twice_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => GoogleOptions.SetSafetySettings(new ChatRequest(),
            [GoogleOptions.SafetySetting("HARASSMENT", "OFF"), GoogleOptions.SafetySetting("HARM_CATEGORY_HARASSMENT", "BLOCK_NONE")]));
        Assert.Contains("HARM_CATEGORY_HARASSMENT is given twice", ex.Message);
    }

    [Theory]
    [InlineData("projects/p/locations/us-central1/cachedContents")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("cached contents")]
    public void A_malformed_cache_name_is_refused(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => GoogleOptions.SetCachedContent(new ChatRequest(), name));
        Assert.Contains("is not a context cache name", ex.Message);
    }

    [Theory]
    [InlineData("ultra")]
    [InlineData("MEDIA_RESOLUTION_UNSPECIFIED")]
    public void An_unknown_media_resolution_is_refused(string level)
    {
        var ex = Assert.Throws<ArgumentException>(() => GoogleOptions.SetMediaResolution(new ChatRequest(), level));
        Assert.Contains("use low, medium or high", ex.Message);
    }
}
