using System;
using System.Collections.Generic;
using System.Management.Automation;
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

        /// <summary>The texts; CSV rows bind by a Text or Content property.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Content")]
        [TextInput]
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
            WriteVerbose($"Embedded {_inputs} input(s).");
        }

        private void Add(string[]? texts, string? title)
        {
            if (texts is null) return;
            foreach (var text in texts)
            {
                if (text is null) continue;
                _inputs++;
                if (_batcher!.Add(new EmbeddingInput(text, title)) is { } full) Submit(full);
            }
        }

        private void Submit(IReadOnlyList<EmbeddingInput> inputs)
        {
            var calls = _calls!;
            var options = _options!;
            RunPumped(async token =>
            {
                await _batch!.SubmitAsync(inputs, t => calls.EmbedAsync(inputs, options, t), token).ConfigureAwait(false);
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
