using System.Text.Json.Nodes;
using Xunit;

namespace VertexAI.Emulator.Tests;

/// <summary>web_search_options and extra_body.google.{safety_settings, cached_content, media_resolution}: validation,
/// grounded answers (whole and streamed), cached tokens in usage.</summary>
public sealed class GoogleExtensionsTests : EmulatorTestBase
{
    private const string GlobalPath = "v1/projects/test-project/locations/global/endpoints/openapi/chat/completions";

    public static TheoryData<string, string> Refused => new()
    {
        { """ "web_search_options":true """, "web_search_options" },
        { """ "web_search_options":{"search_context_size":"huge"} """, "web_search_options.search_context_size" },
        { Google(""" "safety_settings":{"HARM_CATEGORY_HATE_SPEECH":"BLOCK_ONLY_HIGH"} """), "safety_settings: must be an array" },
        { Google(""" "safety_settings":[{"category":"HARM_CATEGORY_HATE","threshold":"BLOCK_ONLY_HIGH"}] """), "'extra_body.google.safety_settings[0].category' (type.googleapis.com/google.cloud.aiplatform.v1.HarmCategory), \"HARM_CATEGORY_HATE\"" },
        { Google(""" "safety_settings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_SOME"}] """), "safety_settings[0].threshold" },
        { Google(""" "safety_settings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"block_only_high"}] """), "safety_settings[0].threshold" },
        { Google(""" "safety_settings":[{"category":"HARM_CATEGORY_HATE_SPEECH"}] """), "safety_settings[0].threshold: is required" },
        { Google(""" "safety_settings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"OFF","method":"LOUDNESS"}] """), "safety_settings[0].method" },
        { Google(""" "safety_settings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"OFF","level":1}] """), "Unknown name \"level\"" },
        { Google(""" "safety_settings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"OFF"},{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}] """), "safety_settings[1].category" },
        { Google(""" "cached_content":"1234567890" """), "cached_content: must be a resource name" },
        { Google(""" "cached_content":"projects/test-project/locations/europe-west4/cachedContents/1" """), "is in location europe-west4" },
        { Google(""" "media_resolution":"low" """), "'extra_body.google.media_resolution' (type.googleapis.com/google.cloud.aiplatform.v1.GenerationConfig.MediaResolution)" },
        { Google(""" "media_resolution":"MEDIA_RESOLUTION_ULTRA" """), "media_resolution" },
    };

    public static TheoryData<string> Accepted => new()
    {
        """ "web_search_options":{} """,
        """ "web_search_options":{"search_context_size":"low","user_location":{"type":"approximate"}} """,
        Google(""" "safety_settings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_ONLY_HIGH"},{"category":"HARM_CATEGORY_DANGEROUS_CONTENT","threshold":"BLOCK_LOW_AND_ABOVE","method":"SEVERITY"},{"category":"HARM_CATEGORY_HARASSMENT","threshold":"OFF","method":"PROBABILITY"},{"category":"HARM_CATEGORY_SEXUALLY_EXPLICIT","threshold":"BLOCK_NONE"},{"category":"HARM_CATEGORY_CIVIC_INTEGRITY","threshold":"BLOCK_MEDIUM_AND_ABOVE"}] """),
        Google(""" "media_resolution":"MEDIA_RESOLUTION_LOW" """),
        Google(""" "media_resolution":"MEDIA_RESOLUTION_HIGH","thinking_config":{"include_thoughts":true} """),
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Bad_Gemini_settings_get_400_INVALID_ARGUMENT_naming_the_field(string member, string expected)
    {
        using var response = await PostChatAsync(Body(member));
        var error = await AssertGoogleErrorAsync(response, 400, "INVALID_ARGUMENT");
        Assert.Contains(expected, error["message"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public async Task Documented_Gemini_settings_are_accepted(string member)
    {
        using var response = await PostChatAsync(Body(member));
        Assert.True(200 == (int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_cache_that_exists_in_the_requests_location_is_accepted()
    {
        var cache = Emulator.CreateCache();
        using var response = await PostChatAsync(Body(Google($$""" "cached_content":"{{cache}}" """)));
        Assert.True(200 == (int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_cache_of_another_project_is_refused()
    {
        var cache = Emulator.CreateCache(project: "other-project");
        using var response = await PostChatAsync(Body(Google($$""" "cached_content":"{{cache}}" """)));
        var error = await AssertGoogleErrorAsync(response, 400, "INVALID_ARGUMENT");
        Assert.Contains("another project or location", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_context_cache_is_refused_on_the_global_location()
    {
        var body = Body(Google(""" "cached_content":"projects/test-project/locations/global/cachedContents/1" """));
        using var response = await PostChatAsync(body, path: GlobalPath);
        var error = await AssertGoogleErrorAsync(response, 400, "INVALID_ARGUMENT");
        Assert.Contains("not supported in location global", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_cache_that_does_not_exist_is_404_NOT_FOUND_and_no_answer()
    {
        var name = "projects/test-project/locations/us-central1/cachedContents/missing-1";
        using var response = await PostChatAsync(Body(Google($$""" "cached_content":"{{name}}" """)));
        var error = await AssertGoogleErrorAsync(response, 404, "NOT_FOUND");
        Assert.Contains(name, error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_cached_prompt_reports_its_cached_tokens_and_counts_them_in_the_prompt()
    {
        var cache = Emulator.CreateCache(textTokens: 4096);
        var plain = await PostChatForJsonAsync(JsonNode.Parse(Body(""" "seed":1 """))!);
        var cached = await PostChatForJsonAsync(JsonNode.Parse(Body(Google($$""" "cached_content":"{{cache}}" """)))!);

        Assert.Null(plain["usage"]!["prompt_tokens_details"]);
        Assert.Equal(4096, cached["usage"]!["prompt_tokens_details"]!["cached_tokens"]!.GetValue<int>());
        // "Status of us-central1" is 3 words: 3 + 4096 cached.
        Assert.Equal(3, plain["usage"]!["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(4099, cached["usage"]!["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(4099 + cached["usage"]!["completion_tokens"]!.GetValue<int>(), cached["usage"]!["total_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_grounded_answer_carries_grounding_metadata_and_url_citations()
    {
        var json = await PostChatForJsonAsync(JsonNode.Parse(Body(""" "web_search_options":{} """))!);
        var message = json["choices"]![0]!["message"]!;
        var metadata = message["extra_content"]!["google"]!["grounding_metadata"]!;
        Assert.Equal("Status of us-central1", metadata["web_search_queries"]![0]!.GetValue<string>());
        var chunks = metadata["grounding_chunks"]!.AsArray();
        Assert.Equal(["example.com", "example.org"], chunks.Select(c => c!["web"]!["title"]!.GetValue<string>()));
        var id = json["id"]!.GetValue<string>();
        Assert.Equal($"https://vertexaisearch.cloud.google.com/grounding-api-redirect/{id}-1", chunks[0]!["web"]!["uri"]!.GetValue<string>());
        Assert.Equal([0, 1], metadata["grounding_supports"]![0]!["grounding_chunk_indices"]!.AsArray().Select(i => i!.GetValue<int>()));

        var annotations = message["annotations"]!.AsArray();
        Assert.Equal(2, annotations.Count);
        Assert.Equal("url_citation", annotations[1]!["type"]!.GetValue<string>());
        Assert.Equal($"https://vertexaisearch.cloud.google.com/grounding-api-redirect/{id}-2", annotations[1]!["url_citation"]!["url"]!.GetValue<string>());
        Assert.Equal("Echo: Status of us-central1", message["content"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v1beta1")]
    public async Task Both_API_versions_take_the_settings_and_ground_the_answer(string version)
    {
        var cache = Emulator.CreateCache(textTokens: 4096);
        var body = Body(""" "web_search_options":{}, """ + Google($$""" "cached_content":"{{cache}}","media_resolution":"MEDIA_RESOLUTION_MEDIUM","safety_settings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"OFF"}] """));
        var json = await PostChatForJsonAsync(JsonNode.Parse(body)!, path: $"{version}/projects/test-project/locations/us-central1/endpoints/openapi/chat/completions");
        Assert.Equal(2, json["choices"]![0]!["message"]!["annotations"]!.AsArray().Count);
        Assert.Equal(4096, json["usage"]!["prompt_tokens_details"]!["cached_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_ungrounded_answer_has_no_grounding_members()
    {
        var json = await PostChatForJsonAsync(UserRequest("Status of us-central1"));
        var message = json["choices"]![0]!["message"]!.AsObject();
        Assert.False(message.ContainsKey("annotations"));
        Assert.False(message.ContainsKey("extra_content"));
    }

    [Fact]
    public async Task A_streamed_grounded_answer_sends_the_grounding_on_a_late_delta_of_its_own()
    {
        var body = JsonNode.Parse(Body(""" "web_search_options":{},"stream":true """))!;
        using var response = await PostChatAsync(body);
        var payloads = DataPayloads(await response.Content.ReadAsStringAsync());
        Assert.Equal("[DONE]", payloads[^1]);
        var chunks = payloads.SkipLast(1).Select(p => JsonNode.Parse(p)!).ToList();
        var last = chunks[^1]["choices"]![0]!;
        Assert.Null(last["delta"]!["content"]);
        Assert.Equal("stop", last["finish_reason"]!.GetValue<string>());
        Assert.Equal(2, last["delta"]!["extra_content"]!["google"]!["grounding_metadata"]!["grounding_chunks"]!.AsArray().Count);
        Assert.Equal(2, last["delta"]!["annotations"]!.AsArray().Count);
        // The text came before, without grounding.
        Assert.All(chunks.SkipLast(1), c => Assert.Null(c["choices"]![0]!["delta"]!["extra_content"]));
        Assert.Equal("Echo: Status of us-central1",
            string.Concat(chunks.Select(c => c["choices"]![0]!["delta"]!["content"]?.GetValue<string>())));
    }

    private static string Google(string members) => $$$""" "extra_body":{"google":{{{{members}}}}} """;

    private static string Body(string members) =>
        $$$"""{"model":"{{{Model}}}","messages":[{"role":"user","content":"Status of us-central1"}],{{{members}}}}""";
}
