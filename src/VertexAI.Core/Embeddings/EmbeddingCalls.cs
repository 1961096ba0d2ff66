using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using VertexAI.Native;

namespace VertexAI
{
    /// <summary>
    /// Text embeddings through the model's <c>:predict</c> method (cloud.google.com/vertex-ai/generative-ai/docs/
    /// model-reference/text-embeddings-api): <c>{"instances":[{"content","task_type","title"}],
    /// "parameters":{"autoTruncate","outputDimensionality"}}</c> → <c>{"predictions":[{"embeddings":{"values",
    /// "statistics":{"token_count","truncated"}}}]}</c>, predictions in instance order.
    /// </summary>
    /// <remarks>
    /// Limits from Google's "Get text embeddings" page: gemini-embedding-001 takes one instance per request; the other
    /// text models up to 250 instances and 20,000 input tokens per request; an input is at most 2,048 tokens.
    /// </remarks>
    public sealed class EmbeddingCalls
    {
        /// <summary>The most input tokens in one request.</summary>
        public const int MaxRequestTokens = 20000;

        /// <summary>The most input tokens of one input that count (the rest is cut when auto-truncating).</summary>
        public const int MaxInputTokens = 2048;

        private readonly VertexRestClient _client;
        private readonly VertexEndpoint _endpoint;

        /// <summary>Creates the calls on a client (its endpoint gives project, location and API version).</summary>
        public EmbeddingCalls(VertexRestClient client)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _endpoint = client.Endpoint;
        }

        /// <summary>Instances one request may hold for <paramref name="model"/>: 1 for Gemini embedding models, 250 for the text-embedding models.</summary>
        public static int MaxInstances(string model)
        {
            var id = NativeUris.BareModelId(model);
            return id.StartsWith("text-embedding-", StringComparison.Ordinal) || id.StartsWith("text-multilingual-embedding-", StringComparison.Ordinal) ? 250 : 1;
        }

        /// <summary>
        /// A cautious token estimate for batching (a token is about four characters; three are assumed, so a batch stays
        /// under the request limit), capped at the per-input limit that auto-truncation applies.
        /// </summary>
        public static int EstimateTokens(EmbeddingInput input, bool autoTruncate)
        {
            var estimate = (input.Text.Length + (input.Title?.Length ?? 0)) / 3 + 1;
            return autoTruncate ? Math.Min(estimate, MaxInputTokens) : estimate;
        }

        /// <summary>Checks options before anything is sent; throws <see cref="ArgumentException"/>.</summary>
        public static void Validate(EmbeddingOptions options)
        {
            if (options is null) throw new ArgumentNullException(nameof(options));
            if (options.TaskType is { } task && Array.IndexOf(EmbeddingOptionsTaskTypes, task) < 0)
            {
                throw new ArgumentException($"'{task}' is not a task type: use one of {string.Join(", ", EmbeddingOptionsTaskTypes)}.", "TaskType");
            }
            if (options.Dimensions is { } d && d < 1) throw new ArgumentException($"-Dimensions must be at least 1; got {d}.", "Dimensions");
        }

        private static readonly string[] EmbeddingOptionsTaskTypes = new List<string>(EmbeddingOptions.TaskTypes).ToArray();

        /// <summary>Embeds one batch in one request; the results come back in the batch's order, each tagged with its input.</summary>
        public async Task<IReadOnlyList<Embedding>> EmbedAsync(IReadOnlyList<EmbeddingInput> batch, EmbeddingOptions options, CancellationToken cancellationToken = default)
        {
            if (batch is null || batch.Count == 0) throw new ArgumentException("Nothing to embed.", nameof(batch));
            Validate(options);
            var model = NativeUris.BareModelId(options.Model);
            var body = NativeJson.Object(w =>
            {
                w.WritePropertyName("instances");
                w.WriteStartArray();
                foreach (var input in batch)
                {
                    w.WriteStartObject();
                    w.WriteString("content", input.Text);
                    if (options.TaskType is { } task) w.WriteString("task_type", task);
                    if (input.Title is { } title) w.WriteString("title", title);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WritePropertyName("parameters");
                w.WriteStartObject();
                w.WriteBoolean("autoTruncate", options.AutoTruncate);
                if (options.Dimensions is { } d) w.WriteNumber("outputDimensionality", d);
                w.WriteEndObject();
            });
            using var doc = await _client.SendAsync(HttpMethod.Post, NativeUris.ModelMethod(_endpoint, model, "predict"), body, $"embed {batch.Count} input{(batch.Count == 1 ? string.Empty : "s")} with {model}", cancellationToken).ConfigureAwait(false);
            var results = new List<Embedding>(batch.Count);
            if (doc.RootElement.TryGetProperty("predictions", out var predictions) && predictions.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var prediction in predictions.EnumerateArray())
                {
                    if (i >= batch.Count) break;
                    results.Add(Read(prediction, batch[i++], model, options.TaskType));
                }
            }
            if (results.Count != batch.Count)
            {
                throw new InvalidOperationException($"Vertex AI returned {results.Count} embeddings for {batch.Count} inputs.");
            }
            return results;
        }

        /// <summary>
        /// The journal key of one input (-Journal): SHA-256 of everything that decides its embedding (model, text, title,
        /// task type, dimensions, truncation), so a changed setting is a new input.
        /// </summary>
        public static string JournalKey(EmbeddingInput input, EmbeddingOptions options)
        {
            if (input is null) throw new ArgumentNullException(nameof(input));
            if (options is null) throw new ArgumentNullException(nameof(options));
            return Batch.RequestKey.Of(NativeJson.Object(w =>
            {
                w.WriteString("predict", NativeUris.BareModelId(options.Model));
                w.WriteString("content", input.Text);
                if (input.Title is { } title) w.WriteString("title", title);
                if (options.TaskType is { } task) w.WriteString("task_type", task);
                w.WriteBoolean("autoTruncate", options.AutoTruncate);
                if (options.Dimensions is { } d) w.WriteNumber("outputDimensionality", d);
            }));
        }

        /// <summary>An embedding from the prediction JSON a journal stored for <paramref name="input"/>.</summary>
        public static Embedding FromJournal(string predictionJson, EmbeddingInput input, EmbeddingOptions options)
        {
            if (predictionJson is null) throw new ArgumentNullException(nameof(predictionJson));
            using var doc = JsonDocument.Parse(predictionJson);
            return Read(doc.RootElement, input, NativeUris.BareModelId(options.Model), options.TaskType);
        }

        private static Embedding Read(JsonElement prediction, EmbeddingInput input, string model, string? taskType)
        {
            var embedding = new Embedding { Input = input.Text, Index = input.Index, Model = model, TaskType = taskType, Title = input.Title };
            // Kept for -Journal: the prediction as the server sent it.
            embedding.PredictionJson = prediction.GetRawText();
            var e = prediction.TryGetProperty("embeddings", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : prediction;
            if (e.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Array)
            {
                var vector = new float[values.GetArrayLength()];
                var k = 0;
                foreach (var v in values.EnumerateArray()) vector[k++] = v.GetSingle();
                embedding.Values = vector;
            }
            if (e.TryGetProperty("statistics", out var stats) && stats.ValueKind == JsonValueKind.Object)
            {
                embedding.TokenCount = (int)(NativeJson.Number(stats, "token_count") ?? 0);
                embedding.Truncated = stats.TryGetProperty("truncated", out var t) && t.ValueKind == JsonValueKind.True;
                NativeJson.KeepUnknown(stats, embedding, "token_count", "truncated");
            }
            NativeJson.KeepUnknown(e, embedding, "values", "statistics");
            return embedding;
        }
    }

    /// <summary>
    /// Groups inputs, in order, into requests within a model's limits (instances per request, tokens per request); each
    /// input gets its index.
    /// </summary>
    public sealed class EmbeddingBatcher
    {
        private readonly int _maxInstances;
        private readonly bool _autoTruncate;
        private List<EmbeddingInput> _pending = new List<EmbeddingInput>();
        private int _pendingTokens;
        private int _next;

        /// <summary>Creates a batcher for a model and truncation setting.</summary>
        public EmbeddingBatcher(string model, bool autoTruncate)
        {
            _maxInstances = EmbeddingCalls.MaxInstances(model);
            _autoTruncate = autoTruncate;
        }

        /// <summary>The most inputs per request for this model.</summary>
        public int MaxInstances => _maxInstances;

        /// <summary>
        /// Gives an input its index without batching it (an input whose embedding a journal already holds); returns the
        /// inputs pending before it, to be sent first so that results stay in input order, or null.
        /// </summary>
        public IReadOnlyList<EmbeddingInput>? Skip(EmbeddingInput input)
        {
            if (input is null) throw new ArgumentNullException(nameof(input));
            input.Index = _next++;
            return Flush();
        }

        /// <summary>Adds an input; returns a full batch when the input no longer fits the pending one, else null.</summary>
        public IReadOnlyList<EmbeddingInput>? Add(EmbeddingInput input)
        {
            if (input is null) throw new ArgumentNullException(nameof(input));
            input.Index = _next++;
            var tokens = EmbeddingCalls.EstimateTokens(input, _autoTruncate);
            IReadOnlyList<EmbeddingInput>? full = null;
            if (_pending.Count > 0 && (_pending.Count >= _maxInstances || _pendingTokens + tokens > EmbeddingCalls.MaxRequestTokens))
            {
                full = Flush();
            }
            _pending.Add(input);
            _pendingTokens += tokens;
            if (full is null && _pending.Count >= _maxInstances) full = Flush();
            return full;
        }

        /// <summary>The pending inputs as a last batch, or null when none are pending.</summary>
        public IReadOnlyList<EmbeddingInput>? Flush()
        {
            if (_pending.Count == 0) return null;
            var batch = _pending;
            _pending = new List<EmbeddingInput>();
            _pendingTokens = 0;
            return batch;
        }
    }
}
