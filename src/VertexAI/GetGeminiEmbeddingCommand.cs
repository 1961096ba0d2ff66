using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text;
using System.Threading.Tasks;
using VertexAI.Batch;

namespace VertexAI.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets embeddings (vectors) for text, batched per request within the model's limits, in input order.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GeminiEmbedding")]
    [OutputType(typeof(Embedding))]
    public sealed class GetGeminiEmbeddingCommand : GeminiConnectionCommandBase
    {
        private EmbeddingCalls? _calls;
        private EmbeddingBatcher? _batcher;
        private EmbeddingOptions? _options;
        private OrderedBatch<IReadOnlyList<Embedding>>? _batch;
        private bool _textOnCommandLine;
        private int _inputs;
        private RunJournal? _journal;
        private readonly Dictionary<EmbeddingInput, JournalEntry> _entries = new Dictionary<EmbeddingInput, JournalEntry>();
        private int _replayed;

        /// <summary>The texts; CSV rows bind by a Text or Content property.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Content")]
        [TextInput("Text", "Content")]
        [AllowEmptyString]
        public string[] Text { get; set; } = Array.Empty<string>();

        /// <summary>A title for the text (only with -TaskType RETRIEVAL_DOCUMENT); binds from a Title property.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Title { get; set; }

        /// <summary>What the vectors are for; Vertex tunes them to it.</summary>
        [Parameter]
        [ValidateSet("RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT", "SEMANTIC_SIMILARITY", "CLASSIFICATION", "CLUSTERING",
            "QUESTION_ANSWERING", "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY")]
        public string? TaskType { get; set; }

        /// <summary>Output dimensions (gemini-embedding-001: up to 3072, the default; text-embedding-005: up to 768).</summary>
        [Parameter]
        [ValidateRange(1, 3072)]
        public int Dimensions { get; set; }

        /// <summary>The embedding model (default gemini-embedding-001).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(EmbeddingModelCompleter))]
        public string Model { get; set; } = EmbeddingOptions.DefaultModel;

        /// <summary>Refuses inputs over the model's input limit instead of cutting them.</summary>
        [Parameter]
        public SwitchParameter NoTruncation { get; set; }

        /// <summary>The most requests in flight at once (gemini-embedding-001 takes one input per request). Default 4.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 4;

        /// <summary>Makes the run resumable: each input's embedding (the prediction as the server sent it), or its final error,
        /// is appended to this file and flushed to disk before it is written. Run the same command again with the same journal
        /// and the inputs already embedded are not sent: their stored embeddings are written, in input order, among the rest.
        /// Inputs whose last outcome was an error are sent again.</summary>
        [Parameter]
        public string? Journal { get; set; }

        /// <inheritdoc/>
        protected override void BeginProcessing()
        {
            _textOnCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(Text));
            _options = new EmbeddingOptions
            {
                Model = Model,
                TaskType = TaskType,
                Dimensions = MyInvocation.BoundParameters.ContainsKey(nameof(Dimensions)) ? Dimensions : (int?)null,
                AutoTruncate = !NoTruncation.IsPresent,
            };
            Translate(() => { EmbeddingCalls.Validate(_options); return _options; }, "Gemini.InvalidSettings", ex => ex.ParamName);
            _calls = new EmbeddingCalls(BuildRestClient());
            _batcher = new EmbeddingBatcher(Model, _options.AutoTruncate);
            WriteVerbose($"{Model}: up to {_batcher.MaxInstances} input(s) per request, {ThrottleLimit} request(s) at a time.");
            _batch = new OrderedBatch<IReadOnlyList<Embedding>>(ThrottleLimit, result => Post(() => WriteResult(result)));
            if (Journal is not null)
            {
                _journal = JournalFile.Open(this, Journal, nameof(Journal), (opened, path) => opened.StoredSucceeded + opened.StoredFailed == 0
                    ? $"Journal {path}: new; each finished input is recorded there."
                    : $"Journal {path}: {opened.StoredSucceeded} embedding(s) and {opened.StoredFailed} error(s) from earlier runs. Inputs embedded there are written from it without being sent; inputs that failed are sent again.");
            }
        }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (_textOnCommandLine) return;
            Add(Text, Title);
        }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            if (_textOnCommandLine) Add(Text, Title);
            if (_batcher!.Flush() is { } last) Submit(last);
            RunPumped(async token => { await _batch!.CompleteAsync(token).ConfigureAwait(false); return true; });
            WriteVerbose($"Embedded {_inputs} input(s)" + (_journal is null ? "." : $", {_replayed} written from the journal {_journal.Path}."));
            _journal?.Dispose();
        }

        /// <inheritdoc/>
        protected override void ReleaseResources() => _journal?.Dispose();

        private void Add(string[]? texts, string? title)
        {
            if (texts is null) return;
            foreach (var text in texts)
            {
                if (text is null) continue;
                _inputs++;
                var input = new EmbeddingInput(text, title);
                if (_journal is not null)
                {
                    // Claimed here, on the pipeline thread, in input order.
                    var entry = _journal.Claim(EmbeddingCalls.JournalKey(input, _options!), text, _options!.Model);
                    if (entry.Stored is { Succeeded: true } stored)
                    {
                        if (_batcher!.Skip(input) is { } before) Submit(before);
                        Replay(input, stored.ResultJson!);
                        continue;
                    }
                    _entries[input] = entry;
                }
                if (_batcher!.Add(input) is { } full) Submit(full);
            }
        }

        private void Submit(IReadOnlyList<EmbeddingInput> inputs)
        {
            var calls = _calls!;
            var options = _options!;
            var journal = _journal;
            if (journal is null)
            {
                RunPumped(async token =>
                {
                    await _batch!.SubmitAsync(inputs, t => calls.EmbedAsync(inputs, options, t), token).ConfigureAwait(false);
                    return true;
                });
                return;
            }
            var entries = new JournalEntry[inputs.Count];
            for (var i = 0; i < inputs.Count; i++)
            {
                entries[i] = _entries[inputs[i]];
                _entries.Remove(inputs[i]);
            }
            RunPumped(async token =>
            {
                await _batch!.SubmitAsync(inputs, t => JournaledAsync(calls, inputs, entries, options, journal, t), token).ConfigureAwait(false);
                return true;
            });
        }

        // Each input's outcome is on disk before its result is handed back: its prediction as the server sent it, or, when
        // the request failed for good, its error.
        private static async Task<IReadOnlyList<Embedding>> JournaledAsync(EmbeddingCalls calls, IReadOnlyList<EmbeddingInput> inputs,
            JournalEntry[] entries, EmbeddingOptions options, RunJournal journal, System.Threading.CancellationToken token)
        {
            IReadOnlyList<Embedding> results;
            try
            {
                results = await calls.EmbedAsync(inputs, options, token).ConfigureAwait(false);
            }
            catch (GeminiApiException ex)
            {
                foreach (var entry in entries) journal.AppendError(entry, ex);
                throw;
            }
            for (var i = 0; i < results.Count; i++)
            {
                journal.AppendResult(entries[i], Encoding.UTF8.GetBytes(results[i].PredictionJson ?? "{}"));
            }
            return results;
        }

        // A stored embedding goes through the batch like a request, so it comes out in input order.
        private void Replay(EmbeddingInput input, string predictionJson)
        {
            var embedding = Translate(() => EmbeddingCalls.FromJournal(predictionJson, input, _options!), "Gemini.InvalidJournal", _ => _journal!.Path);
            _replayed++;
            IReadOnlyList<Embedding> one = new[] { embedding };
            RunPumped(async token =>
            {
                await _batch!.SubmitAsync(new[] { input }, _ => Task.FromResult(one), token).ConfigureAwait(false);
                return true;
            });
        }

        private void WriteResult(BatchItemResult<IReadOnlyList<Embedding>> result)
        {
            if (result.Error is { } error)
            {
                var inputs = (IReadOnlyList<EmbeddingInput>)result.Input!;
                var target = inputs.Count == 1 ? inputs[0].Text : (object)$"inputs {inputs[0].Index}..{inputs[inputs.Count - 1].Index}";
                WriteError(error is GeminiApiException api ? ErrorRecords.FromApiException(api, target) : ErrorRecords.RequestFailed(error, target));
                return;
            }
            foreach (var embedding in result.Value!) WriteObject(embedding);
        }
    }

    /// <summary>Embedding model ids for Get-GeminiEmbedding's <c>-Model</c>.</summary>
    internal sealed class EmbeddingModelCompleter : ListCompleter
    {
        public EmbeddingModelCompleter()
            : base("gemini-embedding-001", "text-embedding-005", "text-multilingual-embedding-002")
        {
        }
    }
}
