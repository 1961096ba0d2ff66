using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace VertexAI.Emulator.Tests;

/// <summary>The native routes: context caches, countTokens, embeddings through :predict, the publisher model list.</summary>
public sealed class NativeRouteTests : EmulatorTestBase
{
    private const string Parent = "projects/test-project/locations/us-central1";
    private const string CacheModel = Parent + "/publishers/google/models/gemini-2.5-flash";

    // 8,200 characters: 2,050 tokens by the emulator's four-characters-a-token rule, just above Vertex's 2,048 minimum.
    private static readonly string LongDocument = new('a', 8200);

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonNode? body = null, string? token = "default", string? quotaProject = null)
    {
        var message = new HttpRequestMessage(method, path);
        if (body is not null) message.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        token = token == "default" ? Emulator.DefaultToken : token;
        if (token is not null) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (quotaProject is not null) message.Headers.Add("x-goog-user-project", quotaProject);
        return Http.SendAsync(message);
    }

    private async Task<JsonNode> JsonAsync(HttpMethod method, string path, JsonNode? body = null, int expected = 200)
    {
        using var response = await SendAsync(method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == (int)response.StatusCode, $"expected {expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static JsonObject TextContents(string text) => new()
    {
        ["contents"] = new JsonArray(new JsonObject
        {
            ["role"] = "user",
            ["parts"] = new JsonArray(new JsonObject { ["text"] = text }),
        }),
    };

    private static JsonObject CacheRequest(string text, string? ttl = null)
    {
        var request = TextContents(text);
        request["model"] = CacheModel;
        request["displayName"] = "manual";
        if (ttl is not null) request["ttl"] = ttl;
        return request;
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v1beta1")]
    public async Task A_cache_is_created_read_listed_extended_and_deleted(string version)
    {
        var created = await JsonAsync(HttpMethod.Post, $"{version}/{Parent}/cachedContents", CacheRequest(LongDocument, "600s"));
        var name = created["name"]!.GetValue<string>();
        Assert.Matches($"^{Parent}/cachedContents/[0-9]{{19}}$", name);
        Assert.Equal("manual", created["displayName"]!.GetValue<string>());
        Assert.Equal(CacheModel, created["model"]!.GetValue<string>());
        Assert.Equal(2050, created["usageMetadata"]!["totalTokenCount"]!.GetValue<int>());
        Assert.Equal(8200, created["usageMetadata"]!["textCount"]!.GetValue<int>());
        Assert.Null(created["contents"]); // input only
        var createTime = DateTimeOffset.Parse(created["createTime"]!.GetValue<string>());
        var expireTime = DateTimeOffset.Parse(created["expireTime"]!.GetValue<string>());
        Assert.Equal(600, (expireTime - createTime).TotalSeconds, 3);

        var read = await JsonAsync(HttpMethod.Get, $"{version}/{name}");
        Assert.Equal(created.ToJsonString(), read.ToJsonString());

        var list = await JsonAsync(HttpMethod.Get, $"{version}/{Parent}/cachedContents");
        Assert.Equal(name, Assert.Single(list["cachedContents"]!.AsArray())!["name"]!.GetValue<string>());
        Assert.Null(list["nextPageToken"]);

        var patched = await JsonAsync(HttpMethod.Patch, $"{version}/{name}?updateMask=ttl", new JsonObject { ["ttl"] = "7200s" });
        var newExpiry = DateTimeOffset.Parse(patched["expireTime"]!.GetValue<string>());
        Assert.InRange((newExpiry - DateTimeOffset.UtcNow).TotalSeconds, 7100, 7300);

        var at = DateTimeOffset.UtcNow.AddDays(2).ToString("yyyy-MM-ddTHH:mm:ssZ");
        patched = await JsonAsync(HttpMethod.Patch, $"{version}/{name}?updateMask=expireTime", new JsonObject { ["expireTime"] = at });
        Assert.Equal(DateTimeOffset.Parse(at), DateTimeOffset.Parse(patched["expireTime"]!.GetValue<string>()));

        Assert.Equal("{}", (await JsonAsync(HttpMethod.Delete, $"{version}/{name}")).ToJsonString());
        using var gone = await SendAsync(HttpMethod.Get, $"{version}/{name}");
        await AssertGoogleErrorAsync(gone, 404, "NOT_FOUND");
        Assert.Equal("cachedContents", Emulator.Requests[0].Kind);
        Assert.Equal(version, Emulator.Requests[0].ApiVersion);
        Assert.Equal("us-central1", Emulator.Requests[0].Location);
    }

    [Fact]
    public async Task A_cache_below_the_minimum_is_refused_with_the_counts()
    {
        using var response = await SendAsync(HttpMethod.Post, $"v1/{Parent}/cachedContents", CacheRequest(new string('a', 8000)));
        var error = await AssertGoogleErrorAsync(response, 400, "INVALID_ARGUMENT");
        Assert.Equal("The cached content is of 2000 tokens. The minimum token count to start caching is 2048.", error["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{\"model\":\"gemini-2.5-flash\"}", "Invalid model name")]
    [InlineData("{\"model\":\"projects/test-project/locations/europe-west4/publishers/google/models/gemini-2.5-flash\"}", "location")]
    [InlineData("{\"model\":\"projects/test-project/locations/us-central1/publishers/google/models/gemini-2.5-flash\",\"ttl\":\"60\"}", "Duration")]
    [InlineData("{\"model\":\"projects/test-project/locations/us-central1/publishers/google/models/gemini-2.5-flash\",\"ttl\":\"60s\",\"expireTime\":\"2030-01-01T00:00:00Z\"}", "oneof")]
    [InlineData("{\"model\":\"projects/test-project/locations/us-central1/publishers/google/models/gemini-2.5-flash\",\"contents\":[{\"role\":\"user\",\"parts\":[]}]}", "parts")]
    [InlineData("{\"model\":\"projects/test-project/locations/us-central1/publishers/google/models/gemini-2.5-flash\",\"colour\":1}", "Unknown name \"colour\"")]
    [InlineData("{\"model\":\"projects/test-project/locations/us-central1/publishers/google/models/gemini-2.5-flash\",\"contents\":[{\"role\":\"user\",\"parts\":[{\"fileData\":{\"mimeType\":\"pdf\",\"fileUri\":\"gs://b/a.pdf\"}}]}]}", "Unsupported MIME type: pdf")]
    [InlineData("{\"model\":\"projects/test-project/locations/us-central1/publishers/google/models/gemini-2.5-flash\",\"tools\":[{\"functionDeclarations\":[{\"name\":\"f\",\"parameters\":{\"type\":\"object\",\"const\":1}}]}]}", "Unknown name \"const\"")]
    public async Task Malformed_cache_requests_get_400s(string body, string expected)
    {
        using var response = await SendAsync(HttpMethod.Post, $"v1/{Parent}/cachedContents", JsonNode.Parse(body));
        var error = await AssertGoogleErrorAsync(response, 400, "INVALID_ARGUMENT");
        Assert.Contains(expected, error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_malformed_cache_id_is_400_and_an_unknown_one_404()
    {
        using var bad = await SendAsync(HttpMethod.Get, $"v1/{Parent}/cachedContents/not-a-number");
        await AssertGoogleErrorAsync(bad, 400, "INVALID_ARGUMENT");
        using var missing = await SendAsync(HttpMethod.Delete, $"v1/{Parent}/cachedContents/123456789");
        await AssertGoogleErrorAsync(missing, 404, "NOT_FOUND");
    }

    [Fact]
    public async Task An_expired_cache_is_gone_and_a_patch_needs_a_mask()
    {
        var created = await JsonAsync(HttpMethod.Post, $"v1/{Parent}/cachedContents", CacheRequest(LongDocument, "120s"));
        var name = created["name"]!.GetValue<string>();
        using (var noMask = await SendAsync(HttpMethod.Patch, $"v1/{name}", new JsonObject { ["ttl"] = "60s" }))
        {
            await AssertGoogleErrorAsync(noMask, 400, "INVALID_ARGUMENT");
        }

        using (var wrongMask = await SendAsync(HttpMethod.Patch, $"v1/{name}?updateMask=displayName", new JsonObject { ["displayName"] = "x" }))
        {
            await AssertGoogleErrorAsync(wrongMask, 400, "INVALID_ARGUMENT");
        }

        Emulator.AdvanceClock(TimeSpan.FromSeconds(121));
        using var gone = await SendAsync(HttpMethod.Get, $"v1/{name}");
        await AssertGoogleErrorAsync(gone, 404, "NOT_FOUND");
        Assert.Null((await JsonAsync(HttpMethod.Get, $"v1/{Parent}/cachedContents"))["cachedContents"]);
    }

    [Fact]
    public async Task Cache_lists_page_with_tokens_that_belong_to_their_list()
    {
        var names = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            names.Add((await JsonAsync(HttpMethod.Post, $"v1/{Parent}/cachedContents", CacheRequest(LongDocument + i)))["name"]!.GetValue<string>());
        }

        var first = await JsonAsync(HttpMethod.Get, $"v1/{Parent}/cachedContents");
        Assert.Equal(5, first["cachedContents"]!.AsArray().Count); // the emulator's default page size
        var token = first["nextPageToken"]!.GetValue<string>();
        var second = await JsonAsync(HttpMethod.Get, $"v1/{Parent}/cachedContents?pageToken={Uri.EscapeDataString(token)}");
        Assert.Null(second["nextPageToken"]);
        var seen = first["cachedContents"]!.AsArray().Concat(second["cachedContents"]!.AsArray()).Select(c => c!["name"]!.GetValue<string>());
        Assert.Equal(names, seen);

        var three = await JsonAsync(HttpMethod.Get, $"v1/{Parent}/cachedContents?pageSize=3");
        Assert.Equal(3, three["cachedContents"]!.AsArray().Count);

        using var foreign = await SendAsync(HttpMethod.Get, $"v1/projects/other/locations/us-central1/cachedContents?pageToken={Uri.EscapeDataString(token)}");
        await AssertGoogleErrorAsync(foreign, 400, "INVALID_ARGUMENT");
        using var negative = await SendAsync(HttpMethod.Get, $"v1/{Parent}/cachedContents?pageSize=-1");
        await AssertGoogleErrorAsync(negative, 400, "INVALID_ARGUMENT");
        using var madeUp = await SendAsync(HttpMethod.Get, $"v1/{Parent}/cachedContents?pageToken=bm9wZQ");
        await AssertGoogleErrorAsync(madeUp, 400, "INVALID_ARGUMENT");
    }

    [Fact]
    public async Task Deleting_while_paging_neither_shifts_nor_breaks_the_next_page()
    {
        var names = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            names.Add((await JsonAsync(HttpMethod.Post, $"v1/{Parent}/cachedContents", CacheRequest(LongDocument + i)))["name"]!.GetValue<string>());
        }

        var first = await JsonAsync(HttpMethod.Get, $"v1/{Parent}/cachedContents");
        foreach (var c in first["cachedContents"]!.AsArray())
        {
            await JsonAsync(HttpMethod.Delete, $"v1/{c!["name"]!.GetValue<string>()}");
        }

        var token = Uri.EscapeDataString(first["nextPageToken"]!.GetValue<string>());
        var second = await JsonAsync(HttpMethod.Get, $"v1/{Parent}/cachedContents?pageToken={token}");
        Assert.Equal(names.Skip(5), second["cachedContents"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_chat_naming_a_cache_reports_its_tokens_as_cached()
    {
        var name = (await JsonAsync(HttpMethod.Post, $"v1/{Parent}/cachedContents", CacheRequest(LongDocument)))["name"]!.GetValue<string>();
        var request = UserRequest("What does it say?");
        request["extra_body"] = new JsonObject { ["google"] = new JsonObject { ["cached_content"] = name } };
        var reply = await PostChatForJsonAsync(request);
        Assert.Equal(2050, reply["usage"]!["prompt_tokens_details"]!["cached_tokens"]!.GetValue<int>());
        Assert.Equal(2050 + 4, reply["usage"]!["prompt_tokens"]!.GetValue<int>()); // 4 words in the question

        // Deleted, it is gone for chat too.
        await JsonAsync(HttpMethod.Delete, $"v1/{name}");
        using var missing = await PostChatAsync(request);
        await AssertGoogleErrorAsync(missing, 404, "NOT_FOUND");
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v1beta1")]
    public async Task CountTokens_counts_text_and_media_per_modality(string version)
    {
        var request = TextContents("hello world"); // 11 characters: 3 tokens, 10 billable characters
        request["contents"]![0]!["parts"]!.AsArray().Add(new JsonObject
        {
            ["inlineData"] = new JsonObject { ["mimeType"] = "image/png", ["data"] = Convert.ToBase64String(new byte[10]) },
        });
        request["systemInstruction"] = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = "Be brief" }) }; // 2 tokens, 7 billable

        var reply = await JsonAsync(HttpMethod.Post, $"{version}/{Parent}/publishers/google/models/gemini-2.5-flash:countTokens", request);

        Assert.Equal(3 + 2 + 258, reply["totalTokens"]!.GetValue<int>());
        Assert.Equal(17, reply["totalBillableCharacters"]!.GetValue<int>());
        var details = reply["promptTokensDetails"]!.AsArray();
        Assert.Equal(258, details.Single(d => d!["modality"]!.GetValue<string>() == "IMAGE")!["tokenCount"]!.GetValue<int>());
        Assert.Equal(5, details.Single(d => d!["modality"]!.GetValue<string>() == "TEXT")!["tokenCount"]!.GetValue<int>());
        Assert.Equal("countTokens", Assert.Single(Emulator.Requests).Kind);
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"n":{"type":["integer","null"]}}}""", null, "parameters.properties[n].type': Proto field is not repeating")]
    [InlineData("""{"type":"thing"}""", null, "parameters.type' (type.googleapis.com/google.cloud.aiplatform.v1.Type)")]
    [InlineData("""{"type":"object","properties":{"n":{"$ref":"#/$defs/n"}}}""", null, "Unknown name \"$ref\" at 'tools[0].function_declarations[0].parameters.properties[n]'")]
    [InlineData("""{"type":"object","properties":{"n":{"type":"integer","nullable":"yes"}}}""", null, "nullable")]
    [InlineData("""{"type":"object"}""", """{"type":"object"}""", "Only one of parameters and parameters_json_schema")]
    [InlineData(null, null, "Unknown name \"strict\"")]
    public async Task CountTokens_checks_function_declarations_parameters_as_Vertex_Schema(string? parameters, string? jsonSchema, string expected)
    {
        var request = TextContents("x");
        var declaration = new JsonObject { ["name"] = "f" };
        if (parameters is not null) declaration["parameters"] = JsonNode.Parse(parameters);
        if (jsonSchema is not null) declaration["parametersJsonSchema"] = JsonNode.Parse(jsonSchema);
        if (parameters is null && jsonSchema is null) declaration["strict"] = true;
        request["tools"] = new JsonArray(new JsonObject { ["functionDeclarations"] = new JsonArray(declaration) });

        using var response = await SendAsync(HttpMethod.Post, $"v1/{Parent}/publishers/google/models/gemini-2.5-flash:countTokens", request);

        var error = await AssertGoogleErrorAsync(response, 400, "INVALID_ARGUMENT");
        Assert.Contains(expected, error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task CountTokens_takes_an_OpenAPI_schema_with_nullable_in_parameters_and_JSON_Schema_in_parametersJsonSchema()
    {
        var request = TextContents("x");
        request["tools"] = new JsonArray(new JsonObject
        {
            ["functionDeclarations"] = new JsonArray(
                new JsonObject
                {
                    ["name"] = "f",
                    ["parameters"] = JsonNode.Parse("""{"type":"object","properties":{"n":{"type":"integer","nullable":true,"minimum":1},"tags":{"type":"ARRAY","items":{"type":"string","enum":["a","b"]}}},"required":["n"]}"""),
                },
                new JsonObject { ["name"] = "g", ["parametersJsonSchema"] = JsonNode.Parse("""{"type":"object","properties":{"n":{"type":["integer","null"]}},"$defs":{}}""") }),
        });

        var reply = await JsonAsync(HttpMethod.Post, $"v1/{Parent}/publishers/google/models/gemini-2.5-flash:countTokens", request);

        Assert.True(reply["totalTokens"]!.GetValue<int>() > 1);
    }

    [Fact]
    public async Task CountTokens_needs_contents_and_a_known_model()
    {
        using var empty = await SendAsync(HttpMethod.Post, $"v1/{Parent}/publishers/google/models/gemini-2.5-flash:countTokens", new JsonObject());
        await AssertGoogleErrorAsync(empty, 400, "INVALID_ARGUMENT");
        using var unknown = await SendAsync(HttpMethod.Post, $"v1/{Parent}/publishers/google/models/no-such-model:countTokens", TextContents("x"));
        await AssertGoogleErrorAsync(unknown, 404, "NOT_FOUND");
    }

    [Fact]
    public async Task Embeddings_are_deterministic_unit_vectors_with_statistics()
    {
        var path = $"v1/{Parent}/publishers/google/models/text-embedding-005:predict";
        var body = new JsonObject
        {
            ["instances"] = new JsonArray(
                new JsonObject { ["content"] = "the quick brown fox", ["task_type"] = "RETRIEVAL_DOCUMENT", ["title"] = "Foxes" },
                new JsonObject { ["content"] = "the quick brown fox", ["task_type"] = "RETRIEVAL_DOCUMENT", ["title"] = "Foxes" },
                new JsonObject { ["content"] = "a lazy dog" }),
        };
        var reply = await JsonAsync(HttpMethod.Post, path, body);
        var predictions = reply["predictions"]!.AsArray();
        Assert.Equal(3, predictions.Count);
        var first = predictions[0]!["embeddings"]!["values"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
        var second = predictions[1]!["embeddings"]!["values"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
        var third = predictions[2]!["embeddings"]!["values"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
        Assert.Equal(768, first.Length);
        Assert.Equal(first, second);
        Assert.NotEqual(first, third);
        Assert.Equal(1.0, Math.Sqrt(first.Sum(v => (double)v * v)), 3);
        // "the quick brown fox" is 19 characters (5 tokens) and the title "Foxes" 5 (2 tokens).
        Assert.Equal(7, predictions[0]!["embeddings"]!["statistics"]!["token_count"]!.GetValue<int>());
        Assert.False(predictions[0]!["embeddings"]!["statistics"]!["truncated"]!.GetValue<bool>());

        body["parameters"] = new JsonObject { ["outputDimensionality"] = 64 };
        var shorter = await JsonAsync(HttpMethod.Post, path, body);
        var cut = shorter["predictions"]![0]!["embeddings"]!["values"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
        Assert.Equal(first.Take(64), cut);
    }

    [Fact]
    public async Task Gemini_embedding_takes_one_instance_and_truncates_long_input_unless_told_not_to()
    {
        var path = $"v1beta1/{Parent}/publishers/google/models/gemini-embedding-001:predict";
        using (var two = await SendAsync(HttpMethod.Post, path, new JsonObject { ["instances"] = new JsonArray(new JsonObject { ["content"] = "a" }, new JsonObject { ["content"] = "b" }) }))
        {
            await AssertGoogleErrorAsync(two, 400, "INVALID_ARGUMENT");
        }

        var longText = new string('x', 9000); // 2,250 tokens > 2,048
        var reply = await JsonAsync(HttpMethod.Post, path, new JsonObject { ["instances"] = new JsonArray(new JsonObject { ["content"] = longText }) });
        var embeddings = reply["predictions"]![0]!["embeddings"]!;
        Assert.Equal(3072, embeddings["values"]!.AsArray().Count);
        Assert.True(embeddings["statistics"]!["truncated"]!.GetValue<bool>());
        Assert.Equal(2048, embeddings["statistics"]!["token_count"]!.GetValue<int>());

        using var strict = await SendAsync(HttpMethod.Post, path, new JsonObject
        {
            ["instances"] = new JsonArray(new JsonObject { ["content"] = longText }),
            ["parameters"] = new JsonObject { ["autoTruncate"] = false },
        });
        await AssertGoogleErrorAsync(strict, 400, "INVALID_ARGUMENT");

        using var badTask = await SendAsync(HttpMethod.Post, path, new JsonObject { ["instances"] = new JsonArray(new JsonObject { ["content"] = "a", ["task_type"] = "SEARCH" }) });
        await AssertGoogleErrorAsync(badTask, 400, "INVALID_ARGUMENT");
        using var titleWithoutDocument = await SendAsync(HttpMethod.Post, path, new JsonObject { ["instances"] = new JsonArray(new JsonObject { ["content"] = "a", ["title"] = "t" }) });
        await AssertGoogleErrorAsync(titleWithoutDocument, 400, "INVALID_ARGUMENT");
    }

    [Fact]
    public async Task Publisher_models_page_on_v1beta1_only()
    {
        var first = await JsonAsync(HttpMethod.Get, "v1beta1/publishers/google/models");
        var models = first["publisherModels"]!.AsArray().ToList();
        var token = first["nextPageToken"]?.GetValue<string>();
        while (token is not null)
        {
            var next = await JsonAsync(HttpMethod.Get, $"v1beta1/publishers/google/models?pageToken={Uri.EscapeDataString(token)}");
            models.AddRange(next["publisherModels"]!.AsArray());
            token = next["nextPageToken"]?.GetValue<string>();
        }

        Assert.Contains(models, m => m!["name"]!.GetValue<string>() == "publishers/google/models/gemini-2.5-flash" && m["launchStage"]!.GetValue<string>() == "GA");
        Assert.Equal(12, models.Count);
        var all = await JsonAsync(HttpMethod.Get, "v1beta1/publishers/google/models?listAllVersions=true&pageSize=100");
        Assert.Equal(14, all["publisherModels"]!.AsArray().Count);
        Assert.Null(Emulator.Requests[0].Project);
        Assert.Equal("publisherModels", Emulator.Requests[0].Kind);

        using var v1 = await SendAsync(HttpMethod.Get, "v1/publishers/google/models");
        await AssertGoogleErrorAsync(v1, 404, "NOT_FOUND");
    }

    [Fact]
    public async Task A_user_credential_needs_a_quota_project_where_the_path_names_none()
    {
        var userToken = Emulator.IssueUserToken(TimeSpan.FromMinutes(5));
        using (var refused = await SendAsync(HttpMethod.Get, "v1beta1/publishers/google/models", token: userToken))
        {
            var error = await AssertGoogleErrorAsync(refused, 403, "PERMISSION_DENIED");
            Assert.Contains("requires a quota project, which is not set by default", error["message"]!.GetValue<string>());
            Assert.Equal("SERVICE_DISABLED", error["details"]![0]!["reason"]!.GetValue<string>());
        }

        using (var cured = await SendAsync(HttpMethod.Get, "v1beta1/publishers/google/models", token: userToken, quotaProject: "billing-project"))
        {
            Assert.Equal(200, (int)cured.StatusCode);
        }

        // A path with a project bills that project: no header needed.
        using var counted = await SendAsync(HttpMethod.Post, $"v1/{Parent}/publishers/google/models/gemini-2.5-flash:countTokens", TextContents("hi"), token: userToken);
        Assert.Equal(200, (int)counted.StatusCode);
        Assert.Equal("billing-project", Emulator.Requests[1].Headers["x-goog-user-project"]);
    }

    [Fact]
    public async Task A_token_from_a_refresh_grant_is_a_user_credential_and_a_service_account_token_is_not()
    {
        var user = JsonNode.Parse(Emulator.CreateAuthorizedUserJson())!;
        using var grant = await Http.PostAsync("token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = user["client_id"]!.GetValue<string>(),
            ["client_secret"] = user["client_secret"]!.GetValue<string>(),
            ["refresh_token"] = user["refresh_token"]!.GetValue<string>(),
        }));
        var userToken = JsonNode.Parse(await grant.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
        using (var refused = await SendAsync(HttpMethod.Get, "v1beta1/publishers/google/models", token: userToken))
        {
            await AssertGoogleErrorAsync(refused, 403, "PERMISSION_DENIED");
        }

        // The default token stands for a service account, which bills its own project.
        using var allowed = await SendAsync(HttpMethod.Get, "v1beta1/publishers/google/models");
        Assert.Equal(200, (int)allowed.StatusCode);
    }

    [Theory]
    [InlineData("GET", "v1beta1/publishers/google/models")]
    [InlineData("POST", "v1/projects/test-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:countTokens")]
    [InlineData("GET", "v1/projects/test-project/locations/us-central1/cachedContents")]
    public async Task Native_routes_check_the_bearer_and_play_scenarios(string method, string path)
    {
        using (var anonymous = await SendAsync(new HttpMethod(method), path, method == "POST" ? TextContents("x") : null, token: null))
        {
            await AssertGoogleErrorAsync(anonymous, 401, "UNAUTHENTICATED");
        }

        Emulator.Scenarios.Enqueue(Scenario.RateLimited(TimeSpan.Zero));
        using var limited = await SendAsync(new HttpMethod(method), path, method == "POST" ? TextContents("x") : null);
        await AssertGoogleErrorAsync(limited, 429, "RESOURCE_EXHAUSTED");
        Assert.Equal(0, Emulator.Scenarios.Count);
    }

    [Fact]
    public async Task Control_routes_issue_user_tokens_and_move_the_cache_clock()
    {
        var name = (await JsonAsync(HttpMethod.Post, $"v1/{Parent}/cachedContents", CacheRequest(LongDocument, "60s")))["name"]!.GetValue<string>();
        using (var clock = await SendAsync(HttpMethod.Post, "_emulator/clock", new JsonObject { ["advanceSeconds"] = 61 }))
        {
            Assert.Equal(204, (int)clock.StatusCode);
        }

        using (var gone = await SendAsync(HttpMethod.Get, $"v1/{name}"))
        {
            await AssertGoogleErrorAsync(gone, 404, "NOT_FOUND");
        }

        using var issued = await SendAsync(HttpMethod.Post, "_emulator/user-tokens", new JsonObject());
        var token = JsonNode.Parse(await issued.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
        using var refused = await SendAsync(HttpMethod.Get, "v1beta1/publishers/google/models", token: token);
        await AssertGoogleErrorAsync(refused, 403, "PERMISSION_DENIED");
    }
}
