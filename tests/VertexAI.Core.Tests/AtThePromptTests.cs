using VertexAI;
using VertexAI.Auth;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Core.Tests;

/// <summary>What the cmdlets show a person, from the core: the request JSON for -Debug, and why an answer ended.</summary>
public class AtThePromptTests(EmulatorFixture f) : IClassFixture<EmulatorFixture>
{
    private const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    [Fact]
    public async Task The_debug_log_shows_the_request_json_with_media_shortened_and_no_token()
    {
        var log = new ListLog();
        var endpoint = VertexEndpoint.Resolve(new EndpointSettings
        {
            Project = "test-project", Location = "us-central1", Model = "gemini-2.0-flash-001", BaseUri = f.Emulator.BaseUri,
        }, _ => null);
        var client = new GeminiClient(new GeminiClientOptions
        {
            Endpoint = endpoint,
            TokenSource = new StaticTokenSource(f.Emulator.DefaultToken),
            Log = log,
            LogRequestBody = true,
        });
        var request = new ChatRequest
        {
            Messages =
            {
                new ChatMessage { Role = "user", Parts = new List<ContentPart> { ContentPart.FromText("Describe"), ContentPart.FromImageUrl("data:image/png;base64," + Png) } },
            },
        };
        await client.CompleteAsync(request);
        var debug = string.Join("\n", log.Lines.Where(l => l.StartsWith("DEBUG: Request body", StringComparison.Ordinal)));
        Assert.Contains("\"text\": \"Describe\"", debug);
        Assert.Contains("data:image/png;base64,iVBOR…(" + (Png.TrimEnd('=').Length * 3 / 4) + " bytes)", debug);
        Assert.DoesNotContain(Png, debug);
        Assert.DoesNotContain(f.Emulator.DefaultToken, debug);
    }

    [Fact]
    public async Task Without_LogRequestBody_the_debug_log_gives_only_the_size()
    {
        var log = new ListLog();
        await f.Client(log: log).CompleteAsync(EmulatorFixture.UserPrompt("hi"));
        Assert.Contains(log.Lines, l => l.StartsWith("DEBUG: Request body: ", StringComparison.Ordinal) && l.EndsWith(" bytes.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("short text")]
    [InlineData("gs://bucket/a-rather-long-object-name-that-is-not-base64-at-all/and/goes/on/and/on.png")]
    public void Plain_strings_are_left_alone(string value) => Assert.Equal(value, RequestBodyLog.Shorten(value));

    [Fact]
    public async Task A_cut_answer_is_described_with_the_token_limit()
    {
        var request = EmulatorFixture.UserPrompt("one two three four");
        request.MaxTokens = 2;
        var completion = await f.Client().CompleteAsync(request);
        Assert.Equal("length", completion.FinishReason);
        var warning = AnswerEnding.Describe(completion, 2);
        Assert.Contains("-MaxTokens 2", warning);
        Assert.Null(AnswerEnding.Describe(await f.Client().CompleteAsync(EmulatorFixture.UserPrompt("fine")), null));
    }

    [Fact]
    public async Task A_blocked_answer_is_described_with_the_block_reason_and_the_ratings()
    {
        f.Emulator.Scenarios.Enqueue(Scenario.Respond(200, """
            {"id":"b","object":"chat.completion","created":1,"model":"google/gemini-2.5-flash","choices":[{"index":0,"finish_reason":"content_filter",
             "message":{"role":"assistant","content":null,"extra_content":{"google":{"finish_reason":"SAFETY","safety_ratings":[
               {"category":"HARM_CATEGORY_DANGEROUS_CONTENT","probability":"HIGH","blocked":true},{"category":"HARM_CATEGORY_HARASSMENT","probability":"NEGLIGIBLE"}]}}}}]}
            """));
        var completion = await f.Client().CompleteAsync(EmulatorFixture.UserPrompt("x"));
        var warning = AnswerEnding.Describe(completion, null);
        Assert.Equal("The answer was blocked by Vertex AI's safety filters (finish reason 'content_filter'; reason SAFETY; safety ratings: DANGEROUS_CONTENT HIGH (blocked), HARASSMENT NEGLIGIBLE).", warning);
    }
}
