using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using VertexAI;
using VertexAI.Batch;
using VertexAI.Emulator;
using Xunit;

namespace VertexAI.Core.Tests.Batch;

/// <summary>The journal of resumable runs, over real HTTP against the emulator and real files.</summary>
public sealed class RunJournalTests : ScriptedEmulatorTests, IDisposable
{
    private readonly EmulatorFixture _f;
    private readonly string _dir;

    public RunJournalTests(EmulatorFixture f) : base(f)
    {
        _f = f;
        _dir = Path.Combine(Path.GetTempPath(), "runjournal-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string NewPath() => Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".jsonl");

    private static string Sha256Hex(string text)
        => string.Concat(SHA256.HashData(Encoding.UTF8.GetBytes(text)).Select(b => b.ToString("x2")));

    // One journaled request, as Invoke-GeminiChat -Journal sends it.
    private async Task<ChatCompletion> SendAsync(GeminiClient client, RunJournal journal, string prompt, CancellationToken ct = default)
    {
        var prepared = client.Prepare(EmulatorFixture.UserPrompt(prompt));
        var entry = journal.Claim(prepared.Key, prompt, prepared.Model);
        return await ChatCalls.CompleteAsync(client, prepared, journal, entry, ct);
    }

    [Fact]
    public async Task The_key_is_the_sha256_of_the_exact_body_the_server_received_and_changes_with_any_setting()
    {
        _f.Emulator.ClearLog();
        var client = _f.Client();
        var request = EmulatorFixture.UserPrompt("key me");
        var prepared = client.Prepare(request);
        await client.ExchangeAsync(prepared);
        var received = Assert.Single(_f.Emulator.ChatRequests);
        Assert.Equal(Sha256Hex(received.Body), prepared.Key);
        Assert.Equal("google/gemini-2.0-flash-001", prepared.Model);

        Assert.Equal(prepared.Key, client.Prepare(EmulatorFixture.UserPrompt("key me")).Key);
        var warmer = EmulatorFixture.UserPrompt("key me");
        warmer.Temperature = 0.5;
        Assert.NotEqual(prepared.Key, client.Prepare(warmer).Key);
        Assert.NotEqual(prepared.Key, _f.Client(model: "gemini-2.5-pro").Prepare(EmulatorFixture.UserPrompt("key me")).Key);
    }

    [Fact]
    public async Task A_stored_completion_replays_as_the_same_completion_unknown_members_and_all_on_one_line()
    {
        // Pretty-printed, with members the model types do not know: the journal keeps it all, on one line.
        const string body = "{\n  \"id\": \"chatcmpl-journal\",\n  \"object\": \"chat.completion\",\n  \"created\": 1700000123,\n  \"model\": \"google/gemini-2.0-flash-001\",\n" +
            "  \"choices\": [{\"index\": 0, \"finish_reason\": \"stop\", \"message\": {\"role\": \"assistant\", \"content\": \"Grüße – \\\"quoted\\\"\\nline two\"}}],\n" +
            "  \"usage\": {\"prompt_tokens\": 4, \"completion_tokens\": 5, \"total_tokens\": 21, \"completion_tokens_details\": {\"reasoning_tokens\": 12}, \"prompt_tokens_details\": {\"cached_tokens\": 3}},\n" +
            "  \"future_member\": {\"nested\": [1, 2.50, \"x\"]}\n}";
        _f.Emulator.Scenarios.Enqueue(Scenario.Respond(200, body));
        var path = NewPath();
        ChatCompletion online;
        using (var journal = RunJournal.Open(path))
        {
            online = await SendAsync(_f.Client(), journal, "replay me");
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        Assert.Contains("\"vertexaiJournal\":1", lines[0]);
        using (var doc = JsonDocument.Parse(lines[1]))
        {
            Assert.Equal("replay me", doc.RootElement.GetProperty("input").GetString());
            Assert.Equal(1, doc.RootElement.GetProperty("n").GetInt32());
            // The number keeps its literal form: the journal holds what the server sent, not a re-rendering of it.
            Assert.Equal("2.50", doc.RootElement.GetProperty("result").GetProperty("future_member").GetProperty("nested")[1].GetRawText());
        }

        using var reopened = RunJournal.Open(path);
        Assert.Equal(1, reopened.StoredSucceeded);
        var request = EmulatorFixture.UserPrompt("replay me");
        var entry = reopened.Claim(_f.Client().Prepare(request).Key, "replay me", null);
        Assert.NotNull(entry.Stored);
        var replayed = ChatCalls.FromJournal(request, entry.Stored!);
        Assert.Equal(online.Id, replayed.Id);
        Assert.Equal("Grüße – \"quoted\"\nline two", replayed.Content);
        Assert.Equal(online.Content, replayed.Content);
        Assert.Equal(12, replayed.Usage!.ReasoningTokens);
        Assert.Equal(21, replayed.Usage.TotalTokens);
        Assert.True(replayed.AdditionalProperties!.ContainsKey("future_member"));
        Assert.Equal(2, replayed.Conversation!.Count);
    }

    [Fact]
    public async Task A_torn_last_line_is_dropped_and_the_next_record_starts_on_its_own_line()
    {
        var path = NewPath();
        var client = _f.Client();
        using (var journal = RunJournal.Open(path))
        {
            await SendAsync(client, journal, "one");
            await SendAsync(client, journal, "two");
        }
        // A run killed in the middle of writing its third record.
        var whole = File.ReadAllText(path);
        File.AppendAllText(path, "{\"key\":\"abc\",\"n\":1,\"input\":\"thr");

        using (var journal = RunJournal.Open(path))
        {
            Assert.True(journal.DroppedTornLine);
            Assert.Equal(2, journal.StoredSucceeded);
            Assert.Equal(0, journal.UnreadableLines);
            await SendAsync(client, journal, "three");
        }

        // The torn bytes are gone: the new record follows the last complete line directly.
        var after = File.ReadAllText(path);
        Assert.StartsWith(whole, after);
        Assert.StartsWith("{\"key\":", after.Substring(whole.Length));

        var records = RunJournal.ReadRecords(path);
        Assert.Equal(new[] { "one", "two", "three" }, records.Select(r => r.Input).ToArray());
        using var again = RunJournal.Open(path);
        Assert.False(again.DroppedTornLine);
        Assert.Equal(0, again.UnreadableLines);
    }

    [Fact]
    public async Task Concurrent_answers_each_get_one_whole_line_in_the_journal()
    {
        var path = NewPath();
        var client = _f.Client();
        var prompts = Enumerable.Range(1, 120).Select(i => "concurrent " + i).ToArray();
        using (var journal = RunJournal.Open(path))
        {
            // Claimed in input order, sent all at once: the appends race each other (and share flushes).
            var work = prompts.Select(p =>
            {
                var prepared = client.Prepare(EmulatorFixture.UserPrompt(p));
                var entry = journal.Claim(prepared.Key, p, prepared.Model);
                return Task.Run(() => ChatCalls.CompleteAsync(client, prepared, journal, entry));
            }).ToArray();
            var answers = await Task.WhenAll(work);
            Assert.Equal(prompts.Select(p => "Echo: " + p), answers.Select(a => a.Content));
        }
        var lines = File.ReadAllLines(path);
        Assert.Equal(121, lines.Length);
        foreach (var line in lines.Skip(1))
        {
            using var doc = JsonDocument.Parse(line);
            Assert.StartsWith("Echo: concurrent ", doc.RootElement.GetProperty("result").GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        }
        Assert.Equal(prompts.OrderBy(p => p, StringComparer.Ordinal), RunJournal.ReadRecords(path).Select(r => r.Input!).OrderBy(p => p, StringComparer.Ordinal));
    }

    [Fact]
    public void A_second_run_on_an_open_journal_is_refused_until_the_first_closes_it()
    {
        var path = NewPath();
        using (var first = RunJournal.Open(path))
        {
            var busy = Assert.Throws<JournalBusyException>(() => RunJournal.Open(path));
            Assert.Equal(Path.GetFullPath(path), busy.JournalPath);
            Assert.Contains(path, busy.Message);
            Assert.Throws<JournalBusyException>(() => RunJournal.ReadRecords(path));
        }
        using var second = RunJournal.Open(path);
        Assert.Equal(0, second.StoredSucceeded);
    }

    [Fact]
    public void A_file_that_is_not_a_journal_is_refused_and_left_untouched()
    {
        var path = NewPath();
        File.WriteAllText(path, "name,prompt\nx,hello\n");
        Assert.Throws<InvalidDataException>(() => RunJournal.Open(path));
        Assert.Equal("name,prompt\nx,hello\n", File.ReadAllText(path));
        Assert.Throws<InvalidDataException>(() => RunJournal.ReadRecords(path));
    }

    [Fact]
    public async Task Identical_requests_are_separate_inputs_each_replayed_once()
    {
        var path = NewPath();
        var client = _f.Client();
        using (var journal = RunJournal.Open(path))
        {
            await SendAsync(client, journal, "same");
            await SendAsync(client, journal, "same");
        }
        using var reopened = RunJournal.Open(path);
        var key = client.Prepare(EmulatorFixture.UserPrompt("same")).Key;
        var first = reopened.Claim(key, "same", null);
        var second = reopened.Claim(key, "same", null);
        var third = reopened.Claim(key, "same", null);
        Assert.Equal((1, 2, 3), (first.Occurrence, second.Occurrence, third.Occurrence));
        Assert.NotNull(first.Stored);
        Assert.NotNull(second.Stored);
        Assert.Null(third.Stored);
    }

    [Fact]
    public async Task A_final_error_is_journaled_without_the_token_and_a_later_answer_replaces_it()
    {
        var path = NewPath();
        var client = _f.Client(retry: new RetryPolicy { MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) });
        _f.Emulator.Scenarios.Enqueue(Scenario.GoogleError(429, "RESOURCE_EXHAUSTED", "Quota exceeded for " + _f.Emulator.DefaultToken));
        _f.Emulator.Scenarios.Enqueue(Scenario.GoogleError(429, "RESOURCE_EXHAUSTED", "Quota exceeded for " + _f.Emulator.DefaultToken));
        using (var journal = RunJournal.Open(path))
        {
            var ex = await Assert.ThrowsAsync<GeminiApiException>(() => SendAsync(client, journal, "quota"));
            Assert.Equal("google/gemini-2.0-flash-001", ex.Model);
        }
        var text = File.ReadAllText(path);
        Assert.DoesNotContain(_f.Emulator.DefaultToken, text);
        var stored = Assert.Single(RunJournal.ReadRecords(path));
        Assert.False(stored.Succeeded);
        Assert.Equal(429, stored.Error!.HttpStatus);
        Assert.Equal("RESOURCE_EXHAUSTED", stored.Error.Status);
        Assert.Equal("Gemini.RESOURCE_EXHAUSTED", stored.Error.ErrorId);
        Assert.Equal(2, stored.Error.Attempts);
        var again = stored.Error.ToException("google/x");
        Assert.Equal((429, "RESOURCE_EXHAUSTED", "Gemini.RESOURCE_EXHAUSTED", "google/x"), (again.HttpStatus!.Value, again.Status!, again.ErrorId, again.Model!));

        using (var journal = RunJournal.Open(path))
        {
            Assert.Equal((0, 1), (journal.StoredSucceeded, journal.StoredFailed));
            await SendAsync(client, journal, "quota");
        }
        var latest = Assert.Single(RunJournal.ReadRecords(path));
        Assert.True(latest.Succeeded);
        Assert.Equal(3, File.ReadAllLines(path).Length);
    }

    [Fact]
    public async Task A_cancelled_request_records_nothing()
    {
        var path = NewPath();
        _f.Emulator.Scenarios.Enqueue(Scenario.Delay(TimeSpan.FromSeconds(30), Scenario.Respond(200, "{}")));
        using var cts = new CancellationTokenSource();
        using (var journal = RunJournal.Open(path))
        {
            var pending = SendAsync(_f.Client(), journal, "slow", cts.Token);
            await WaitUntilAsync(() => _f.Emulator.ChatRequests.Any(r => r.Body.Contains("slow")));
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        }
        Assert.Empty(RunJournal.ReadRecords(path));
        Assert.Single(File.ReadAllLines(path));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in 60 s");
            await Task.Delay(20);
        }
    }
}
