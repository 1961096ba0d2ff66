using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using VertexAI.Batch;
using System.Management.Automation.Host;

namespace VertexAI.Commands
{
    /// <summary>
    /// <para>Sends a prompt or a conversation to Gemini on Vertex AI and returns the completion.</para>
    /// <para>Each prompt (given, or piped as a string) is one request, sent with the messages piped
    /// before it. With -Stream the answer's text is written to the host as it arrives, and the completion is output
    /// when the stream ends.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "GeminiChat")]
    [OutputType(typeof(ChatCompletion))]
    public sealed class InvokeGeminiChatCommand : GeminiChatCommandBase
    {
        private const int ProgressActivityId = 0x6E6D;
        private static readonly string[] s_hostTags = { "PSHOST" };
        private ConsoleColor? _foreground;
        private ConsoleColor? _background;

        /// <summary>Streams the answer: its text goes to the host as it arrives (an information record tagged PSHOST,
        /// like Write-Host), then the assembled completion is output; at the prompt it shows as a one-line summary (finish
        /// reason, tokens, time), so the answer is not shown twice.</summary>
        [Parameter]
        public SwitchParameter Stream { get; set; }

        /// <summary>Writes the generated images (and audio) to this file; several get -1, -2, ... before the extension.</summary>
        [Parameter]
        public string? OutFile { get; set; }

        /// <summary>Writes the generated images (and audio) to this directory, named after the completion's id.</summary>
        [Parameter]
        public string? OutDirectory { get; set; }

        /// <summary>Runs the tools the model calls when they were made from commands (New-GeminiTool -Command or -ScriptBlock):
        /// None (default) returns the tool calls; Auto runs them and sends their results back until the model answers; Confirm asks before each call.</summary>
        [Parameter]
        [ValidateSet("None", "Auto", "Confirm")]
        public string InvokeTools { get; set; } = "None";

        /// <summary>With -InvokeTools: the most rounds of tool calls answered before the last completion is returned as it is (default 8).</summary>
        [Parameter]
        [ValidateRange(1, 100)]
        public int MaxToolRounds { get; set; } = 8;

        /// <summary>Overwrites existing files with -OutFile / -OutDirectory.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>How many prompts are sent at once when several come (piped, or an array): the answers are still written
        /// in input order, each tagged with its input, and a failed prompt is an error that names it while the rest go on.
        /// 1 sends them strictly one after another. -Stream and -InvokeTools send one at a time. Default 4. The prompts of
        /// a batch share what 429s say (one window of requests in flight, at most this many; one wait): see QuotaGovernor.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 4;

        /// <summary>Makes the run resumable: each finished prompt (its completion as the server sent it, or its final error) is
        /// appended to this file and flushed to disk before its result is written. Run the same command again with the same
        /// journal and the prompts already answered are not sent: their stored completions are written, in input order, among
        /// the answers of the rest. Prompts whose last outcome was an error are sent again (see -ReplayErrors). Not with
        /// -Stream or -InvokeTools.</summary>
        [Parameter]
        public string? Journal { get; set; }

        /// <summary>With -Journal: prompts whose final error a previous run journaled are not sent again; the error is written
        /// again instead (same ErrorId and message). Without it they are sent again, as most errors (quota, overload) pass.</summary>
        [Parameter]
        public SwitchParameter ReplayErrors { get; set; }

        private RunJournal? _journal;
        private int _replayed;
        private int _sentJournaled;
        private OrderedBatch<ChatCompletion>? _batch;
        private bool _single;
        // The batch's workers share one quota governor: what a 429 says holds for all of them.
        private GeminiClient? _batchClient;
        private int? _total;
        private bool _progressShown;

        /// <summary>Reads the host's colours for streamed text, then does the shared setup.</summary>
        protected override void BeginProcessing()
        {
            if (Stream.IsPresent) ReadHostColors();
            if (OutFile is not null && OutDirectory is not null)
            {
                ThrowTerminatingError(ErrorRecords.InvalidArgument(
                    new ArgumentException("Give either -OutFile or -OutDirectory, not both.", nameof(OutFile)), "Gemini.InvalidArgument", OutFile));
            }
            if (ReplayErrors.IsPresent && Journal is null)
            {
                ThrowTerminatingError(ErrorRecords.InvalidArgument(
                    new ArgumentException("-ReplayErrors needs -Journal: it replays the errors a journal holds.", nameof(ReplayErrors)), "Gemini.InvalidArgument", null));
            }
            if (Journal is not null && (Stream.IsPresent || !string.Equals(InvokeTools, "None", StringComparison.OrdinalIgnoreCase)))
            {
                // A streamed answer is already on the host when it ends, and a tool round runs local commands: neither can be
                // skipped or replayed as one stored answer.
                ThrowTerminatingError(ErrorRecords.InvalidArgument(
                    new ArgumentException($"-Journal cannot be used with {(Stream.IsPresent ? "-Stream" : "-InvokeTools")}: a journaled run sends whole requests and writes their completions. Leave out {(Stream.IsPresent ? "-Stream" : "-InvokeTools")} for an unattended run.", nameof(Journal)),
                    "Gemini.JournalUnsupported", Journal));
            }
            base.BeginProcessing();
            if (Journal is not null) OpenJournal(Journal);
            if (!Stream.IsPresent && string.Equals(InvokeTools, "None", StringComparison.OrdinalIgnoreCase))
            {
                if (Prompt is not null && !MyInvocation.ExpectingInput)
                {
                    _total = Array.FindAll(Prompt, p => !string.IsNullOrWhiteSpace(p)).Length;
                }
                // One prompt on the command line and nothing piped is one request: it is sent and written as a batch of one
                // would be (the same client, outcome and records), without the batch's queue, slots and extra thread hop.
                _single = _total == 1 && _journal is null;
                // Outcomes arrive on worker threads; they are written on the pipeline thread, in input order.
                if (!_single) _batch = new OrderedBatch<ChatCompletion>(ThrottleLimit, result => Post(() => WriteBatchResult(result)));
            }
        }

        /// <summary>Sends the piped input; writes the answers that have arrived meanwhile.</summary>
        protected override void ProcessRecord()
        {
            base.ProcessRecord();
            DrainPosted();
        }

        /// <summary>Sends what is left, then waits for every answer of the batch and writes it.</summary>
        protected override void EndProcessing()
        {
            base.EndProcessing();
            if (_batch is null) return;
            var batch = _batch;
            try
            {
                RunPumped(async token =>
                {
                    await batch.CompleteAsync(token).ConfigureAwait(false);
                    return true;
                });
            }
            finally
            {
                // Take the progress bar down however the batch ended.
                if (_progressShown)
                {
                    WriteProgress(new ProgressRecord(ProgressActivityId, "Invoke-GeminiChat", batch.Progress.Describe(_total)) { RecordType = ProgressRecordType.Completed });
                }
            }
            var final = batch.Progress;
            if (final.Submitted > 1) WriteVerbose($"Batch finished: {final.Describe(_total)} in {final.Elapsed.TotalSeconds:0.#} s.");
            if (_journal is not null)
            {
                WriteVerbose($"Journal {_journal.Path}: {_replayed} prompt(s) written from it, {_sentJournaled} sent.");
                // Closed here so that the next command of a script can open it; Dispose closes it when the pipeline stops early.
                _journal.Dispose();
            }
        }

        /// <inheritdoc/>
        protected override void ReleaseResources() => _journal?.Dispose();

        // The journal path as PowerShell resolves it (relative to the current location, a PSDrive); opened exclusively.
        private void OpenJournal(string journal)
            => _journal = JournalFile.Open(this, journal, nameof(Journal), (opened, path) =>
            {
                var stored = opened.StoredSucceeded + opened.StoredFailed;
                return stored == 0
                    ? $"Journal {path}: new; each finished prompt is recorded there."
                    : $"Journal {path}: {opened.StoredSucceeded} completion(s) and {opened.StoredFailed} error(s) from earlier runs. Prompts answered there are written from it without being sent; "
                      + (ReplayErrors.IsPresent ? "so are the errors (-ReplayErrors)." : "prompts that failed are sent again.");
            });

        /// <inheritdoc/>
        protected override void Execute(GeminiClient client, ChatRequest request, object? target)
        {
            if (_single)
            {
                ExecuteSingle(client, request, target);
                return;
            }
            if (_batch is not null)
            {
                // Waits only while every slot is busy, writing the answers that arrive meanwhile.
                var batch = _batch;
                var batchClient = _batchClient ??= client.ForBatch(ThrottleLimit);
                var item = new BatchInput(target, request, CurrentPrompt);
                var work = _journal is null
                    ? ct => ChatCalls.CompleteAsync(batchClient, request, ct, bindResultType: false)
                    : JournaledWork(_journal, batchClient, request, target);
                RunPumped(async token =>
                {
                    await batch.SubmitAsync(item, work, token).ConfigureAwait(false);
                    return true;
                });
                return;
            }

            var completion = Send(client, request, target);
            if (!string.Equals(InvokeTools, "None", StringComparison.OrdinalIgnoreCase))
            {
                var runner = new ToolRunner(this, string.Equals(InvokeTools, "Confirm", StringComparison.OrdinalIgnoreCase));
                var rounds = 0;
                while (completion is not null && runner.CanRun(request, completion))
                {
                    if (rounds == MaxToolRounds)
                    {
                        WriteWarning($"Stopped after {MaxToolRounds} round(s) of tool calls (-MaxToolRounds); the last completion, with its unanswered tool calls, is written as it is.");
                        break;
                    }
                    rounds++;
                    var next = request.ShallowCopy();
                    next.Messages = runner.Answer(completion);
                    request = next;
                    completion = Send(client, request, target);
                }
            }
            if (completion is null) return;
            if (OutFile is not null || OutDirectory is not null) SaveMedia(completion);
            WriteCompletion(completion, CurrentPrompt, Stream.IsPresent ? _streamedIn : null);
        }

        // A journaled prompt: its stored completion (or, with -ReplayErrors, its stored error) when a previous run finished
        // it, else a request whose outcome is journaled before it is handed back. Claimed here, on the pipeline thread, so
        // identical prompts are numbered in input order.
        private Func<CancellationToken, Task<ChatCompletion>> JournaledWork(RunJournal journal, GeminiClient client, ChatRequest request, object? target)
        {
            PreparedRequest prepared;
            try
            {
                ChatCalls.Validate(request);
                prepared = client.Prepare(request);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(ErrorRecords.InvalidArgument(ex, "Gemini.InvalidRequest", target));
                throw; // not reached
            }
            var entry = journal.Claim(prepared.Key, CurrentPrompt, prepared.Model);
            if (entry.Stored is { Succeeded: true } done)
            {
                _replayed++;
                var completion = ChatCalls.FromJournal(request, done, bindResultType: false);
                return _ => Task.FromResult(completion);
            }
            if (entry.Stored?.Error is { } failed && ReplayErrors.IsPresent)
            {
                _replayed++;
                var error = failed.ToException(entry.Model);
                return _ => Task.FromException<ChatCompletion>(error);
            }
            _sentJournaled++;
            return ct => ChatCalls.CompleteAsync(client, prepared, journal, entry, ct, bindResultType: false);
        }

        // The one prompt of the command: sent through the same client a batch would use (its quota governor decides the
        // waits after a 429 as for a batch of one); its outcome, success or failure, is written as a batch's would be.
        private void ExecuteSingle(GeminiClient client, ChatRequest request, object? target)
        {
            var batchClient = _batchClient ??= client.ForBatch(ThrottleLimit);
            var item = new BatchInput(target, request, CurrentPrompt);
            var outcome = RunPumped<Outcome>(async token =>
            {
                // As OrderedBatch runs an item: every failure is an outcome, not a failure of the wait.
                try
                {
                    return new Outcome(await ChatCalls.CompleteAsync(batchClient, request, token, bindResultType: false).ConfigureAwait(false), null);
                }
                catch (Exception ex)
                {
                    return new Outcome(null, ex);
                }
            });
            WriteOutcome(item, outcome.Value, outcome.Error);
        }

        private sealed class Outcome
        {
            internal Outcome(ChatCompletion? value, Exception? error)
            {
                Value = value;
                Error = error;
            }

            internal ChatCompletion? Value { get; }

            internal Exception? Error { get; }
        }

        // One outcome of the batch, on the pipeline thread.
        private void WriteBatchResult(BatchItemResult<ChatCompletion> result)
        {
            if (!WriteOutcome((BatchInput)result.Input!, result.Value, result.Error)) return;
            var progress = _batch!.Progress;
            if (progress.Submitted > 1 || _total > 1)
            {
                var record = new ProgressRecord(ProgressActivityId, "Invoke-GeminiChat", progress.Describe(_total));
                if (_total is int total && total > 0) record.PercentComplete = Math.Min(100, progress.Done * 100 / total);
                WriteProgress(record);
                _progressShown = true;
            }
        }

        // The completion of one prompt, or its failure as an error record (a terminating one when nothing else can work);
        // false for a call cancelled because the pipeline stops (nothing is written for it).
        private bool WriteOutcome(BatchInput item, ChatCompletion? value, Exception? error)
        {
            if (value is { } completion)
            {
                StructuredOutput.BindResultType(item.Request.ResponseFormat, completion);
                if (OutFile is not null || OutDirectory is not null) SaveMedia(completion);
                WriteCompletion(completion, item.Prompt);
            }
            else
            {
                switch (error)
                {
                    case GeminiApiException api:
                        WriteError(ErrorRecords.FromApiException(api, item.Target, nameInput: true));
                        break;
                    case TokenUnavailableException credentials:
                        ThrowTerminatingError(ErrorRecords.Credentials(credentials, credentials.Description));
                        break;
                    case ArgumentException argument:
                        ThrowTerminatingError(ErrorRecords.InvalidArgument(argument, "Gemini.InvalidRequest", item.Target));
                        break;
                    case OperationCanceledException _ when StopToken.IsCancellationRequested:
                        return false;
                    case System.IO.IOException journalFailure when _journal is not null:
                        // The journal could not be written: the run would no longer be resumable, so it stops.
                        ThrowTerminatingError(ErrorRecords.FileWriteError(journalFailure, _journal.Path));
                        break;
                    case Exception other:
                        WriteError(ErrorRecords.RequestFailed(other, item.Target));
                        break;
                }
            }
            return true;
        }

        private sealed class BatchInput
        {
            internal BatchInput(object? target, ChatRequest request, string? prompt)
            {
                Target = target;
                Request = request;
                Prompt = prompt;
            }

            internal string? Prompt { get; }

            internal object? Target { get; }

            internal ChatRequest Request { get; }
        }

        private ChatCompletion? Send(GeminiClient client, ChatRequest request, object? target)
        {
            ChatCompletion? completion;
            if (!Stream.IsPresent)
            {
                completion = Call(token => ChatCalls.CompleteAsync(client, request, token, bindResultType: false), target);
            }
            else
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                completion = Call(async token =>
                {
                    var wroteText = false;
                    var inThought = false;
                    try
                    {
                        return await ChatCalls.StreamAsync(client, request, chunk =>
                        {
                            // Thoughts (tagged with -ThoughtTagMarker, or parts marked as thoughts) are written dimmed.
                            var thought = chunk.ThoughtText;
                            if (!string.IsNullOrEmpty(thought))
                            {
                                wroteText = true;
                                inThought = true;
                                Post(() => WriteHost(thought!, noNewLine: true, dimmed: true));
                            }
                            var text = chunk.AnswerText;
                            if (string.IsNullOrEmpty(text)) return;
                            wroteText = true;
                            if (inThought)
                            {
                                // The answer starts on its own line, apart from the dimmed thoughts before it.
                                inThought = false;
                                Post(() => WriteHost(string.Empty, noNewLine: false));
                            }
                            Post(() => WriteHost(text!, noNewLine: true));
                        }, token, bindResultType: false).ConfigureAwait(false);
                    }
                    finally
                    {
                        // End the streamed line before the completion (or the error) is written.
                        if (wroteText) Post(() => WriteHost(string.Empty, noNewLine: false));
                    }
                }, target);
                _streamedIn = watch.Elapsed;
                // The streamed text is on screen; a grounded answer's sources follow it there.
                if (completion?.Grounding is { Sources.Count: > 0 } grounding) WriteHost(grounding.ToDisplayText(), noNewLine: false);
            }
            // A typed answer is made here, on the pipeline thread: PowerShell classes belong to this runspace.
            if (completion is not null) StructuredOutput.BindResultType(request.ResponseFormat, completion);
            return completion;
        }

        private int _saved;

        // How long the last streamed answer took: its text is already on screen, so it is written with a summary view.
        private TimeSpan? _streamedIn;

        private void SaveMedia(ChatCompletion completion)
        {
            var media = completion.Media;
            if (media.Count == 0)
            {
                WriteWarning("The answer has no generated image or audio to save. Ask for one with -Modalities image (on an image model).");
                return;
            }
            string? file = OutFile is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutFile);
            string? dir = OutDirectory is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutDirectory);
            // Later requests of the same command get their own names: -OutFile x.png gives x.png, then x-2.png, ...
            _saved++;
            if (file is not null && _saved > 1)
            {
                var ext = System.IO.Path.GetExtension(file);
                file = file.Substring(0, file.Length - ext.Length) + "-" + _saved.ToString(System.Globalization.CultureInfo.InvariantCulture) + ext;
            }
            var paths = GeneratedMedia.PlanFiles(media, file, dir, completion.Id ?? "gemini");
            try
            {
                GeneratedMedia.Save(media, paths, Force.IsPresent);
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
                WriteError(ErrorRecords.SaveMediaFailed(ex, file ?? dir));
                return;
            }
            completion.SavedFiles = paths;
            foreach (var p in paths) WriteVerbose($"Saved {p}.");
        }

        // As Write-Host does: a HostInformationMessage in an information record tagged PSHOST, so the host shows it while
        // 6> redirects it and -InformationVariable captures it.
        private void WriteHost(string text, bool noNewLine, bool dimmed = false)
        {
            var message = new HostInformationMessage { Message = text, NoNewLine = noNewLine };
            if (dimmed) message.ForegroundColor = ConsoleColor.DarkGray;
            else if (_foreground.HasValue) message.ForegroundColor = _foreground;
            if (_background.HasValue) message.BackgroundColor = _background;
            WriteInformation(message, s_hostTags);
        }

        private void ReadHostColors()
        {
            try
            {
                var raw = Host?.UI?.RawUI;
                if (raw is null) return;
                _foreground = raw.ForegroundColor;
                _background = raw.BackgroundColor;
            }
            catch (Exception ex) when (ex is HostException || ex is NotImplementedException || ex is NotSupportedException || ex is InvalidOperationException)
            {
                // A host without colours (non-interactive, remoting, a custom host): write without them.
                _foreground = null;
                _background = null;
            }
        }
    }
}
