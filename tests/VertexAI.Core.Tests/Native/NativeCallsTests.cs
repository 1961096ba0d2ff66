using System.Text.Json.Nodes;
using Xunit;

namespace VertexAI.Core.Tests.Native;

/// <summary>Caches, token counts, embeddings and the model list over real HTTP against the emulator.</summary>
public sealed class NativeCallsTests(NativeFixture fixture) : IClassFixture<NativeFixture>
{
    // 8,200 characters: 2,050 tokens by the emulator's four-characters-a-token rule, above Vertex's 2,048 minimum.
    private static readonly string LongDocument = new('d', 8200);

    private CacheCalls Caches(string location = "us-central1", string version = "v1") => new(fixture.Client(location, version));

    private JsonNode LastBody(string kind) => fixture.Emulator.Requests.Last(r => r.Kind == kind).Json!;

    [Theory]
    [InlineData("v1")]
    [InlineData("v1beta1")]
    public async Task A_cache_round_trips_through_create_get_update_list_and_delete(string version)
    {
        var calls = Caches(version: version);
        var definition = new CacheDefinition { Model = "gemini-2.5-flash", DisplayName = "contract", Ttl = TimeSpan.FromMinutes(10) };
        definition.Messages.Add(new ChatMessage("system", "You answer questions about the contract."));
        definition.Messages.Add(new ChatMessage("user", LongDocument));

        var cache = await calls.CreateAsync(definition);

        var sent = LastBody("cachedContents");
        Assert.Equal("projects/test-project/locations/us-central1/publishers/google/models/gemini-2.5-flash", sent["model"]!.GetValue<string>());
        Assert.Equal("600s", sent["ttl"]!.GetValue<string>());
        Assert.Equal("You answer questions about the contract.", sent["systemInstruction"]!["parts"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("user", sent["contents"]![0]!["role"]!.GetValue<string>());
        Assert.Equal("contract", cache.DisplayName);
        Assert.Equal("gemini-2.5-flash", cache.Model);
        Assert.Equal("us-central1", cache.Location);
        // 2,050 document tokens + 10 for the 40-character system instruction.
        Assert.Equal(2060, cache.TotalTokenCount);
        Assert.InRange(cache.Remaining!.Value.TotalSeconds, 590, 600);

        var read = await calls.GetAsync(cache.Id);
        Assert.Equal(cache.Name, read.Name);

        var later = DateTimeOffset.UtcNow.AddHours(5);
        var updated = await calls.UpdateExpiryAsync(cache.Name, null, later);
        Assert.Equal(later.ToUnixTimeMilliseconds(), updated.ExpireTime!.Value.ToUnixTimeMilliseconds());
        Assert.Contains("updateMask=expireTime", fixture.Emulator.Requests.Last().QueryString);
        updated = await calls.UpdateExpiryAsync(cache.Name, TimeSpan.FromSeconds(90.5), null);
        Assert.Equal("90.5s", LastBody("cachedContents")["ttl"]!.GetValue<string>());

        var page = await calls.ListPageAsync(null, pageSize: 1000);
        Assert.Contains(page.Caches, c => c.Name == cache.Name);

        await calls.DeleteAsync(cache.Name);
        var gone = await Assert.ThrowsAsync<GeminiApiException>(() => calls.GetAsync(cache.Name));
        Assert.Equal(404, gone.HttpStatus);
    }

    [Fact]
    public async Task Listing_pages_through_every_cache_in_order()
    {
        var calls = Caches(location: "europe-west4");
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var definition = new CacheDefinition();
            definition.Messages.Add(new ChatMessage("user", LongDocument + i));
            created.Add((await calls.CreateAsync(definition)).Name);
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await calls.ListPageAsync(token, pageSize: 3);
            seen.AddRange(page.Caches.Select(c => c.Name));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(created, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Too_small_a_cache_and_a_malformed_name_are_refused()
    {
        var calls = Caches();
        var definition = new CacheDefinition();
        definition.Messages.Add(new ChatMessage("user", "short"));
        var small = await Assert.ThrowsAsync<GeminiApiException>(() => calls.CreateAsync(definition));
        Assert.Equal(400, small.HttpStatus);
        Assert.Contains("minimum token count", small.Message);

        var bad = await Assert.ThrowsAsync<GeminiApiException>(() => calls.GetAsync("not-a-number"));
        Assert.Equal("INVALID_ARGUMENT", bad.Status);
        var count = fixture.Emulator.Requests.Count;
        Assert.Throws<ArgumentException>(() => calls.ResolveName("projects/p/cachedContents/1"));
        await Assert.ThrowsAsync<ArgumentException>(() => Caches(location: "global").ListPageAsync(null));
        Assert.Equal(count, fixture.Emulator.Requests.Count);
    }

    [Fact]
    public void A_full_cache_name_keeps_its_own_region()
    {
        var calls = Caches(location: "us-central1");
        Assert.Equal("projects/9/locations/asia-east1/cachedContents/77", calls.ResolveName("projects/9/locations/asia-east1/cachedContents/77"));
        Assert.Equal("projects/test-project/locations/us-central1/cachedContents/77", calls.ResolveName("cachedContents/77"));
        Assert.Equal("projects/test-project/locations/us-central1/cachedContents/77", calls.ResolveName("77"));
    }

    [Fact]
    public async Task Token_counts_translate_a_conversation_with_tools_and_media()
    {
        var calls = new TokenCalls(fixture.Client());
        var messages = new List<ChatMessage>
        {
            new("system", "Be brief"),
            new("user", "What is the weather?"),
            new() { Role = "assistant", ToolCalls = [new ToolCall { Id = "c1", Function = new FunctionCall { Name = "Get-Weather", Arguments = "{\"city\":\"Oslo\"}" } }] },
            new() { Role = "tool", ToolCallId = "c1", Content = "{\"temperature\":3}" },
            new() { Role = "user", Parts = [ContentPart.FromText("And this?"), ContentPart.FromImageUrl("data:image/png;base64," + Convert.ToBase64String(new byte[8]))] },
        };
        var tools = new List<ToolDefinition> { new() { Function = new FunctionDefinition { Name = "Get-Weather", Parameters = new Dictionary<string, object?> { ["type"] = "object" } } } };

        var count = await calls.CountAsync("google/gemini-2.5-flash", messages, tools);

        var sent = LastBody("countTokens");
        Assert.EndsWith("/publishers/google/models/gemini-2.5-flash:countTokens", fixture.Emulator.Requests.Last().Path);
        var contents = sent["contents"]!.AsArray();
        Assert.Equal(["user", "model", "user", "user"], contents.Select(c => c!["role"]!.GetValue<string>()));
        Assert.Equal("Oslo", contents[1]!["parts"]![0]!["functionCall"]!["args"]!["city"]!.GetValue<string>());
        Assert.Equal("Get-Weather", contents[2]!["parts"]![0]!["functionResponse"]!["name"]!.GetValue<string>());
        Assert.Equal(3, contents[2]!["parts"]![0]!["functionResponse"]!["response"]!["temperature"]!.GetValue<int>());
        Assert.Equal("image/png", contents[3]!["parts"]![1]!["inlineData"]!["mimeType"]!.GetValue<string>());
        Assert.Equal("object", sent["tools"]![0]!["functionDeclarations"]![0]!["parameters"]!["type"]!.GetValue<string>());

        Assert.Equal("gemini-2.5-flash", count.Model);
        Assert.Equal(258, count.Details.Single(d => d.Modality == "IMAGE").TokenCount);
        Assert.Equal(count.TotalTokens, count.Details.Sum(d => d.TokenCount));
        Assert.True(count.TextTokens > 0);
    }

    [Fact]
    public async Task Embeddings_come_back_in_input_order_tagged_with_their_input()
    {
        var calls = new EmbeddingCalls(fixture.Client());
        var batcher = new EmbeddingBatcher("text-embedding-005", autoTruncate: true);
        var texts = Enumerable.Range(0, 300).Select(i => $"row {i}").ToList();
        var batches = new List<IReadOnlyList<EmbeddingInput>>();
        foreach (var t in texts)
        {
            if (batcher.Add(new EmbeddingInput(t)) is { } full) batches.Add(full);
        }

        if (batcher.Flush() is { } last) batches.Add(last);
        Assert.Equal([250, 50], batches.Select(b => b.Count));

        var options = new EmbeddingOptions { Model = "text-embedding-005", TaskType = "CLUSTERING", Dimensions = 32 };
        var results = new List<Embedding>();
        foreach (var batch in batches) results.AddRange(await calls.EmbedAsync(batch, options));

        Assert.Equal(texts, results.Select(r => r.Input));
        Assert.Equal(Enumerable.Range(0, 300), results.Select(r => r.Index));
        Assert.All(results, r => Assert.Equal(32, r.Dimensions));
        Assert.Equal(2, results[0].TokenCount); // "row 0": 5 characters
        Assert.False(results[0].Truncated);
        var sent = LastBody("predict");
        Assert.Equal("CLUSTERING", sent["instances"]![0]!["task_type"]!.GetValue<string>());
        Assert.Equal(32, sent["parameters"]!["outputDimensionality"]!.GetValue<int>());
    }

    [Fact]
    public async Task Gemini_embeddings_go_one_per_request_and_report_truncation()
    {
        var batcher = new EmbeddingBatcher("gemini-embedding-001", autoTruncate: true);
        Assert.Equal(1, batcher.MaxInstances);
        var first = batcher.Add(new EmbeddingInput(new string('w', 9000)));
        Assert.Single(first!);
        var calls = new EmbeddingCalls(fixture.Client());
        var result = Assert.Single(await calls.EmbedAsync(first!, new EmbeddingOptions()));
        Assert.True(result.Truncated);
        Assert.Equal(2048, result.TokenCount);
        Assert.Equal(3072, result.Dimensions);
        Assert.Equal(1.0, Math.Sqrt(result.Values.Sum(v => (double)v * v)), 3);

        Assert.Throws<ArgumentException>(() => EmbeddingCalls.Validate(new EmbeddingOptions { TaskType = "SEARCH" }));
    }

    [Fact]
    public void Batches_also_respect_the_request_token_limit()
    {
        var batcher = new EmbeddingBatcher("text-embedding-005", autoTruncate: true);
        // Each input is estimated at the 2,048-token cap: nine fit in 20,000 tokens, the tenth starts a new request.
        var sizes = new List<int>();
        for (var i = 0; i < 12; i++)
        {
            if (batcher.Add(new EmbeddingInput(new string('z', 10_000))) is { } full) sizes.Add(full.Count);
        }

        sizes.Add(batcher.Flush()!.Count);
        Assert.Equal([9, 3], sizes);
    }

    [Fact]
    public async Task The_model_list_pages_on_v1beta1_whatever_the_session_version()
    {
        var calls = new ModelCalls(fixture.Client(version: "v1"));
        var models = new List<GeminiModel>();
        string? token = null;
        do
        {
            var page = await calls.ListPageAsync(token, pageSize: 4);
            models.AddRange(page.Models);
            token = page.NextPageToken;
        }
        while (token is not null);

        Assert.StartsWith("/v1beta1/publishers/google/models", fixture.Emulator.Requests.Last().Path);
        var flash = models.Single(m => m.Id == "gemini-2.5-flash");
        Assert.Equal("GA", flash.LaunchStage);
        Assert.Equal("default", flash.VersionId);
        Assert.Equal(9, models.Count(ModelCalls.IsGemini));
        Assert.Equal(12, models.Count);
    }

    [Fact]
    public async Task Every_native_route_retries_a_429_through_the_shared_transport()
    {
        var definition = new CacheDefinition();
        definition.Messages.Add(new ChatMessage("user", LongDocument));
        var calls = new List<(string Kind, Func<Task> Call)>
        {
            ("cachedContents", () => Caches(location: "asia-east1").CreateAsync(definition)),
            ("cachedContents", () => Caches(location: "asia-east1").ListPageAsync(null)),
            ("countTokens", () => new TokenCalls(fixture.Client()).CountAsync("gemini-2.5-flash", [new ChatMessage("user", "hi")])),
            ("predict", () => new EmbeddingCalls(fixture.Client()).EmbedAsync([new EmbeddingInput("hi")], new EmbeddingOptions())),
            ("publisherModels", () => new ModelCalls(fixture.Client()).ListPageAsync(null)),
        };
        foreach (var (kind, call) in calls)
        {
            var before = fixture.Emulator.Requests.Count;
            fixture.Emulator.Scenarios.Enqueue(VertexAI.Emulator.Scenario.RateLimited(TimeSpan.Zero));
            await call();
            var sent = fixture.Emulator.Requests.Skip(before).ToList();
            Assert.Equal([429, 200], sent.Select(r => r.ResponseStatus));
            Assert.All(sent, r => Assert.Equal(kind, r.Kind));
        }
    }

    [Fact]
    public async Task A_user_credential_lists_models_only_with_a_quota_project()
    {
        var userToken = fixture.Emulator.IssueUserToken(TimeSpan.FromMinutes(5));
        var refused = await Assert.ThrowsAsync<GeminiApiException>(() => new ModelCalls(fixture.Client(token: userToken)).ListPageAsync(null));
        Assert.Equal(403, refused.HttpStatus);
        Assert.Contains("requires a quota project", refused.Message);

        var page = await new ModelCalls(fixture.Client(token: userToken, quotaProject: "billing-project")).ListPageAsync(null);
        Assert.NotEmpty(page.Models);
        Assert.Equal("billing-project", fixture.Emulator.Requests.Last().Headers["x-goog-user-project"]);
    }
}
