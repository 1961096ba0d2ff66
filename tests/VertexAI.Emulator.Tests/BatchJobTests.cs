using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace VertexAI.Emulator.Tests;

/// <summary>The batch prediction job routes: create, the lifecycle driven by reads, output files, cancel, list, errors.</summary>
public sealed class BatchJobTests : EmulatorTestBase
{
    private const string Jobs = "v1/projects/test-project/locations/us-central1/batchPredictionJobs";

    private static string Line(string text, JsonObject? generationConfig = null)
    {
        var request = new JsonObject
        {
            ["contents"] = new JsonArray(new JsonObject { ["role"] = "user", ["parts"] = new JsonArray(new JsonObject { ["text"] = text }) }),
        };
        if (generationConfig is not null) request["generationConfig"] = generationConfig;
        return new JsonObject { ["request"] = request }.ToJsonString();
    }

    private static JsonObject Job(string input = "gs://in-bucket/batch/requests.jsonl", string model = "publishers/google/models/gemini-2.5-flash") => new()
    {
        ["displayName"] = "test job",
        ["model"] = model,
        ["inputConfig"] = new JsonObject { ["instancesFormat"] = "jsonl", ["gcsSource"] = new JsonObject { ["uris"] = new JsonArray(input) } },
        ["outputConfig"] = new JsonObject { ["predictionsFormat"] = "jsonl", ["gcsDestination"] = new JsonObject { ["outputUriPrefix"] = "gs://out-bucket/results/" } },
    };

    private async Task<(int Status, JsonNode Body)> SendAsync(HttpMethod method, string path, JsonNode? body = null, string? token = "default")
    {
        var message = new HttpRequestMessage(method, path);
        if (body is not null) message.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        if (token is not null) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token == "default" ? Emulator.DefaultToken : token);
        using var response = await Http.SendAsync(message);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonNode.Parse(text)!);
    }

    private async Task<string> CreateAsync(JsonObject? job = null, string jobs = Jobs)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, jobs, job ?? Job());
        Assert.True(status == 200, body.ToJsonString());
        return (string)body["name"]!;
    }

    [Fact]
    public async Task A_job_goes_pending_running_succeeded_and_writes_one_output_line_per_input_line()
    {
        Emulator.Storage.PutText("in-bucket", "batch/requests.jsonl",
            Line("first") + "\n" + Line("second EMULATOR_FAIL") + "\n" + Line("third fourth", new JsonObject { ["maxOutputTokens"] = 2 }) + "\n");
        var (status, created) = await SendAsync(HttpMethod.Post, Jobs, Job());
        Assert.Equal(200, status);
        Assert.Equal("JOB_STATE_PENDING", (string?)created["state"]);
        Assert.Matches("^projects/test-project/locations/us-central1/batchPredictionJobs/[0-9]+$", (string)created["name"]!);
        Assert.Equal("publishers/google/models/gemini-2.5-flash", (string?)created["model"]);
        Assert.NotNull(created["createTime"]);

        var name = (string)created["name"]!;
        var (_, running) = await SendAsync(HttpMethod.Get, "v1/" + name);
        Assert.Equal("JOB_STATE_RUNNING", (string?)running["state"]);
        Assert.Equal("1", (string?)running["completionStats"]!["successfulCount"]);
        Assert.Equal("2", (string?)running["completionStats"]!["incompleteCount"]);

        var (_, done) = await SendAsync(HttpMethod.Get, "v1/" + name);
        Assert.Equal("JOB_STATE_SUCCEEDED", (string?)done["state"]);
        Assert.Equal("2", (string?)done["completionStats"]!["successfulCount"]);
        Assert.Equal("1", (string?)done["completionStats"]!["failedCount"]);
        Assert.Equal("0", (string?)done["completionStats"]!["incompleteCount"]);
        var directory = (string)done["outputInfo"]!["gcsOutputDirectory"]!;
        Assert.StartsWith("gs://out-bucket/results/prediction-model-", directory);

        var objectName = directory["gs://out-bucket/".Length..] + "/predictions.jsonl";
        var lines = Emulator.Storage.GetText("out-bucket", objectName)!.TrimEnd('\n').Split('\n').Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(3, lines.Count);
        // Vertex does not keep the input's order; the emulator writes it reversed so clients must not rely on it.
        Assert.Equal("third fourth", (string?)lines[0]["request"]!["contents"]![0]!["parts"]![0]!["text"]);
        Assert.Equal("", (string?)lines[0]["status"]);
        Assert.Equal("Echo: third", (string?)lines[0]["response"]!["candidates"]![0]!["content"]!["parts"]![0]!["text"]);
        Assert.Equal("MAX_TOKENS", (string?)lines[0]["response"]!["candidates"]![0]!["finishReason"]);
        Assert.StartsWith("Bad Request: ", (string?)lines[1]["status"]);
        Assert.Null(lines[1]["response"]);
        Assert.Equal("Echo: first", (string?)lines[2]["response"]!["candidates"]![0]!["content"]!["parts"]![0]!["text"]);
        Assert.Equal("STOP", (string?)lines[2]["response"]!["candidates"]![0]!["finishReason"]);
        Assert.Equal(1, (int)lines[2]["response"]!["usageMetadata"]!["promptTokenCount"]!);
        Assert.Equal(3, (int)lines[2]["response"]!["usageMetadata"]!["totalTokenCount"]!);

        var (_, again) = await SendAsync(HttpMethod.Get, "v1/" + name);
        Assert.Equal("JOB_STATE_SUCCEEDED", (string?)again["state"]);
    }

    [Theory]
    [InlineData("{\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],\"generationConfig\":{\"max_tokens\":5}}}", "Unknown name \"max_tokens\" at 'generation_config'")]
    [InlineData("{\"request\":{\"contents\":[{\"role\":\"assistant\",\"parts\":[{\"text\":\"hi\"}]}]}}", "valid role")]
    [InlineData("{\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\",\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"AA==\"}}]}]}}", "exactly one of")]
    [InlineData("{\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"not base64!\"}}]}]}}", "inline_data")]
    [InlineData("{\"request\":{\"contents\":[]}}", "at least one parts")]
    [InlineData("{\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"inlineData\":{\"mimeType\":\"wav\",\"data\":\"AA==\"}}]}]}}", "Unsupported MIME type: wav")]
    [InlineData("{\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],\"tools\":[{\"functionDeclarations\":[{\"name\":\"f\",\"parameters\":{\"type\":\"object\",\"properties\":{\"n\":{\"type\":[\"string\",\"null\"]}}}}]}]}}", "parameters.properties[n].type': Proto field is not repeating")]
    [InlineData("{\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],\"tools\":[{\"functionDeclarations\":[{\"name\":\"f\",\"parameters\":{\"type\":\"object\",\"$defs\":{}}}]}]}}", "Unknown name \"$defs\"")]
    [InlineData("{\"messages\":[]}", "no \"request\" object")]
    [InlineData("not json", "not valid JSON")]
    public async Task An_input_line_that_is_not_a_valid_GenerateContentRequest_fails_the_job_naming_the_line(string badLine, string expected)
    {
        Emulator.Storage.PutText("in-bucket", "batch/requests.jsonl", Line("fine") + "\n" + badLine + "\n");
        var name = await CreateAsync();
        var (_, job) = await SendAsync(HttpMethod.Get, "v1/" + name);
        Assert.Equal("JOB_STATE_FAILED", (string?)job["state"]);
        Assert.Equal(3, (int)job["error"]!["code"]!);
        var message = (string)job["error"]!["message"]!;
        Assert.StartsWith("Line 2 of gs://in-bucket/batch/requests.jsonl", message);
        Assert.Contains(expected, message);
        Assert.Empty(Emulator.Storage.Names("out-bucket"));
    }

    [Fact]
    public async Task A_job_whose_input_file_is_missing_fails_with_NOT_FOUND()
    {
        var name = await CreateAsync(Job("gs://in-bucket/none.jsonl"));
        var (_, job) = await SendAsync(HttpMethod.Get, "v1/" + name);
        Assert.Equal("JOB_STATE_FAILED", (string?)job["state"]);
        Assert.Equal(5, (int)job["error"]!["code"]!);
        Assert.Contains("gs://in-bucket/none.jsonl", (string)job["error"]!["message"]!);
    }

    [Fact]
    public async Task Cancel_answers_empty_then_the_job_is_cancelled_and_a_second_cancel_is_FAILED_PRECONDITION()
    {
        Emulator.Storage.PutText("in-bucket", "batch/requests.jsonl", Line("a") + "\n" + Line("b") + "\n");
        var name = await CreateAsync();
        var (_, running) = await SendAsync(HttpMethod.Get, "v1/" + name);
        Assert.Equal("JOB_STATE_RUNNING", (string?)running["state"]);

        var (status, body) = await SendAsync(HttpMethod.Post, "v1/" + name + ":cancel", new JsonObject());
        Assert.Equal(200, status);
        Assert.Equal("{}", body.ToJsonString());
        var (_, cancelled) = await SendAsync(HttpMethod.Get, "v1/" + name);
        Assert.Equal("JOB_STATE_CANCELLED", (string?)cancelled["state"]);
        Assert.Equal("1", (string?)cancelled["completionStats"]!["successfulCount"]);
        Assert.Equal("1", (string?)cancelled["completionStats"]!["incompleteCount"]);

        var (again, error) = await SendAsync(HttpMethod.Post, "v1/" + name + ":cancel", new JsonObject());
        Assert.Equal(400, again);
        Assert.Equal("FAILED_PRECONDITION", (string?)error["error"]!["status"]);
    }

    [Theory]
    [InlineData("displayName", null, "display_name is required")]
    [InlineData("model", "gemini-2.5-flash", "Invalid model name")]
    [InlineData("model", "publishers/openai/models/gpt", "not found")]
    [InlineData("unknownField", "x", "Unknown name \"unknownField\"")]
    public async Task Create_refuses_a_job_that_Vertex_would_refuse(string field, string? value, string expected)
    {
        var job = Job();
        job[field] = value;
        var (status, body) = await SendAsync(HttpMethod.Post, Jobs, job);
        Assert.Equal(400, status);
        Assert.Equal("INVALID_ARGUMENT", (string?)body["error"]!["status"]);
        Assert.Contains(expected, (string)body["error"]!["message"]!);
    }

    [Fact]
    public async Task Create_refuses_a_non_jsonl_input_or_a_destination_that_is_not_gs()
    {
        var job = Job();
        job["outputConfig"]!["gcsDestination"]!["outputUriPrefix"] = "https://example.com/out";
        Assert.Equal(400, (await SendAsync(HttpMethod.Post, Jobs, job)).Status);
        job = Job();
        job["inputConfig"]!["instancesFormat"] = "csv";
        Assert.Equal(400, (await SendAsync(HttpMethod.Post, Jobs, job)).Status);
    }

    [Fact]
    public async Task List_pages_through_the_jobs_of_one_location_on_v1_and_v1beta1()
    {
        var first = await CreateAsync();
        var second = await CreateAsync(jobs: Jobs.Replace("v1/", "v1beta1/"));
        await CreateAsync(jobs: "v1/projects/test-project/locations/europe-west4/batchPredictionJobs");
        var (_, page1) = await SendAsync(HttpMethod.Get, Jobs + "?pageSize=1");
        Assert.Equal(first, (string?)page1["batchPredictionJobs"]![0]!["name"]);
        var token = (string)page1["nextPageToken"]!;
        var (_, page2) = await SendAsync(HttpMethod.Get, Jobs.Replace("v1/", "v1beta1/") + "?pageSize=1&pageToken=" + token);
        Assert.Equal(second, (string?)page2["batchPredictionJobs"]![0]!["name"]);
        Assert.Null(page2["nextPageToken"]);
        var (_, empty) = await SendAsync(HttpMethod.Get, "v1/projects/other/locations/us-central1/batchPredictionJobs");
        Assert.Equal("{}", empty.ToJsonString());
    }

    [Fact]
    public async Task An_unknown_job_is_NOT_FOUND_and_a_missing_token_UNAUTHENTICATED()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, Jobs + "/42");
        Assert.Equal(404, status);
        Assert.Equal("NOT_FOUND", (string?)body["error"]!["status"]);
        var (unauthenticated, error) = await SendAsync(HttpMethod.Post, Jobs, Job(), token: null);
        Assert.Equal(401, unauthenticated);
        Assert.Equal("google.cloud.aiplatform.v1.JobService.CreateBatchPredictionJob", (string?)error["error"]!["details"]![0]!["metadata"]!["method"]);
    }

    [Fact]
    public async Task A_scripted_scenario_answers_a_job_route_after_the_bearer_check()
    {
        // As on the other native routes: tests script a slow or failing JobService (Ctrl+C, retries).
        var (unauthenticated, _) = await SendAsync(HttpMethod.Get, Jobs + "/42", token: null);
        Assert.Equal(401, unauthenticated);
        Emulator.Scenarios.Enqueue(Scenario.RateLimited(TimeSpan.Zero));
        var (status, body) = await SendAsync(HttpMethod.Get, Jobs + "/42");
        Assert.Equal(429, status);
        Assert.Equal("RESOURCE_EXHAUSTED", (string?)body["error"]!["status"]);
        Assert.Equal(0, Emulator.Scenarios.Count);
        var (after, _) = await SendAsync(HttpMethod.Get, Jobs + "/42");
        Assert.Equal(404, after);
    }

    [Fact]
    public async Task The_control_route_makes_each_state_last_several_reads()
    {
        Emulator.Storage.PutText("in-bucket", "batch/requests.jsonl", Line("a") + "\n");
        using (var control = new HttpRequestMessage(HttpMethod.Post, "_emulator/batch-jobs") { Content = new StringContent("{\"readsPerState\":3}") })
        {
            control.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Emulator.DefaultToken);
            Assert.Equal(204, (int)(await Http.SendAsync(control)).StatusCode);
        }

        var name = await CreateAsync();
        var states = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            states.Add((string)(await SendAsync(HttpMethod.Get, "v1/" + name)).Body["state"]!);
        }

        Assert.Equal(["JOB_STATE_PENDING", "JOB_STATE_PENDING", "JOB_STATE_RUNNING", "JOB_STATE_RUNNING", "JOB_STATE_RUNNING", "JOB_STATE_SUCCEEDED"], states);
    }
}
