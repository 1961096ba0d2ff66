using VertexAI.Batch;
using VertexAI.Storage;
using Xunit;

namespace VertexAI.Core.Tests.Batch;

/// <summary>The whole batch path in the core over real HTTP: lines to a file, resumable upload, job, output read back in input order.</summary>
public sealed class BatchJobPathTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private CloudStorageClient Storage(ListLog? log = null)
    {
        var rest = fixture.RestClient(log: log);
        return new CloudStorageClient(rest.Options, CloudStorageClient.ResolveRoot(null, fixture.Emulator.BaseUri)) { ChunkSize = 256 * 1024 };
    }

    [Fact]
    public async Task Prompts_go_up_in_256_KiB_chunks_the_job_runs_and_the_answers_come_back_in_input_order()
    {
        var log = new ListLog();
        using var input = new BatchInputFile();
        var padding = new string('x', 2000); // ~2 KB a line, so 300 lines need several chunks
        for (var i = 0; i < 300; i++)
        {
            input.Add(new ChatRequest { Messages = { new ChatMessage("user", $"prompt {i} {(i == 7 ? "EMULATOR_FAIL" : padding)}") } });
        }

        Assert.Equal(300, input.Count);
        Assert.True(input.Length > 2 * 256 * 1024);
        var storage = Storage(log);
        var target = GcsUri.Parse("gs://core-bucket/jobs/a/input.jsonl", "OutputUri");
        var size = await storage.UploadAsync(target, input.OpenForUpload(), "application/jsonl");
        Assert.Equal(input.Length, size);
        Assert.Equal(input.Length, System.Text.Encoding.UTF8.GetByteCount(fixture.Emulator.Storage.GetText("core-bucket", "jobs/a/input.jsonl")!));
        var puts = fixture.Emulator.Requests.Count(r => r.Method == "PUT" && r.Path == "/upload/storage/v1/b/core-bucket/o");
        Assert.Equal((int)((input.Length + 262143) / 262144), puts);
        Assert.Contains(log.Lines, l => l.Contains("Uploaded 262,144 of"));
        // The session URI is a capability (whoever holds it may write the object): the log never shows its upload_id.
        var putLines = log.Lines.Where(l => l.StartsWith("VERBOSE: PUT ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(putLines);
        Assert.All(putLines, l => Assert.Contains("upload_id=(redacted)", l));
        var uploadId = System.Text.RegularExpressions.Regex.Match(fixture.Emulator.Requests.First(r => r.Method == "PUT").QueryString, "upload_id=([^&]+)").Groups[1].Value;
        Assert.NotEmpty(uploadId);
        Assert.DoesNotContain(log.Lines, l => l.Contains(uploadId));

        var jobs = new BatchJobClient(fixture.RestClient());
        var job = await jobs.CreateAsync("core test", "gemini-2.5-flash", target.ToString(), "gs://core-bucket/jobs/a/output/", null);
        Assert.Equal("JOB_STATE_PENDING", job.State);
        Assert.Equal("publishers/google/models/gemini-2.5-flash", job.Model);
        Assert.Equal("gs://core-bucket/jobs/a/input.jsonl", job.InputUri);
        Assert.False(job.IsTerminal);
        job = await jobs.GetAsync(job.Name!);
        Assert.Equal("RUNNING", job.Status);
        Assert.Equal(150, job.SuccessfulCount + job.FailedCount);
        job = await jobs.GetAsync(job.Id!);
        Assert.Equal("JOB_STATE_SUCCEEDED", job.State);
        Assert.True(job.IsTerminal);
        Assert.Equal(299, job.SuccessfulCount);
        Assert.Equal(1, job.FailedCount);
        Assert.Equal(0, job.IncompleteCount);

        var directory = GcsUri.Parse(job.OutputDirectory!, "OutputDirectory");
        var names = await storage.ListAsync(directory);
        var file = Assert.Single(names);
        Assert.EndsWith("/predictions.jsonl", file);
        using var reader = new BatchOutputReader();
        var download = new MemoryStream();
        await storage.DownloadAsync(GcsUri.Parse($"gs://{directory.Bucket}/{file}", "x"), download);
        reader.Add(download);
        var lines = reader.ReadInOrder(job.Model).ToList();
        Assert.Equal(300, lines.Count);
        for (var i = 0; i < 300; i++)
        {
            Assert.Equal(i, lines[i].Line);
            Assert.StartsWith($"prompt {i} ", lines[i].Input);
            if (i == 7)
            {
                Assert.Null(lines[i].Completion);
                Assert.StartsWith("Bad Request", lines[i].Status);
            }
            else
            {
                Assert.Equal("Echo: " + lines[i].Input, lines[i].Completion!.Content);
            }
        }
    }

    [Fact]
    public async Task Cancel_and_list_go_through_the_same_client()
    {
        fixture.Emulator.Storage.PutText("core-bucket", "c/in.jsonl", "{\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"a\"}]}]}}\n");
        var jobs = new BatchJobClient(fixture.RestClient());
        var job = await jobs.CreateAsync("to cancel", "gemini-2.5-flash", "gs://core-bucket/c/in.jsonl", "gs://core-bucket/c/out", null);
        await jobs.CancelAsync(job.Name!);
        job = await jobs.GetAsync(job.Name!);
        Assert.Equal("JOB_STATE_CANCELLED", job.State);
        Assert.Equal(1, job.ErrorCode);
        var ex = await Assert.ThrowsAsync<GeminiApiException>(() => jobs.CancelAsync(job.Name!));
        Assert.Equal("FAILED_PRECONDITION", ex.Status);
        var (listed, _) = await jobs.ListAsync(null);
        Assert.Contains(listed, j => j.Name == job.Name);
    }

    [Fact]
    public async Task A_chunk_answered_503_is_sent_again_by_the_transports_retry_and_the_object_is_whole()
    {
        var log = new ListLog();
        using var input = new BatchInputFile();
        for (var i = 0; i < 200; i++) input.Add(new ChatRequest { Messages = { new ChatMessage("user", $"line {i} " + new string('y', 3000)) } });
        var storage = Storage(log);
        var target = GcsUri.Parse("gs://retry-bucket/in.jsonl", "OutputUri");
        fixture.Emulator.ClearLog();
        // The initiation succeeds; the first chunk (a PUT) is answered 503 once.
        fixture.Emulator.Storage.EnqueueFault(503, method: "PUT");
        var size = await storage.UploadAsync(target, input.OpenForUpload(), "application/jsonl");
        Assert.Equal(input.Length, size);
        Assert.Equal(input.Length, fixture.Emulator.Storage.GetText("retry-bucket", "in.jsonl")!.Length);
        Assert.Contains(log.Lines, l => l.StartsWith("VERBOSE: Retry 1 of", StringComparison.Ordinal) && l.Contains("HTTP 503"));
        var puts = fixture.Emulator.Requests.Where(r => r.Path == "/upload/storage/v1/b/retry-bucket/o" && r.Method == "PUT").ToList();
        Assert.Equal(503, puts[0].ResponseStatus);
        Assert.Equal(puts[0].Headers["Content-Range"], puts[1].Headers["Content-Range"]);
        Assert.Equal(200, puts[^1].ResponseStatus);
    }

    [Theory]
    [InlineData("https://bucket/x")]
    [InlineData("gs://UPPER/x")]
    [InlineData("gs://a")]
    public void Invalid_gs_URIs_are_refused_naming_the_parameter(string uri)
    {
        var ex = Assert.Throws<ArgumentException>(() => GcsUri.Parse(uri, "OutputUri"));
        Assert.Equal("OutputUri", ex.ParamName);
    }

    [Fact]
    public void The_storage_root_is_the_parameter_else_a_loopback_Vertex_root_else_Google_and_plain_http_elsewhere_is_refused()
    {
        Assert.Equal("https://example.com/gcs/", CloudStorageClient.ResolveRoot(new Uri("https://example.com/gcs"), null).AbsoluteUri);
        Assert.Equal("http://127.0.0.1:9/", CloudStorageClient.ResolveRoot(null, new Uri("http://127.0.0.1:9/")).AbsoluteUri);
        Assert.Equal("https://storage.googleapis.com/", CloudStorageClient.ResolveRoot(null, new Uri("https://us-central1-aiplatform.p.googleapis.com/")).AbsoluteUri);
        Assert.Throws<ArgumentException>(() => new CloudStorageClient(fixture.RestClient().Options, new Uri("http://example.com/")));
    }
}
