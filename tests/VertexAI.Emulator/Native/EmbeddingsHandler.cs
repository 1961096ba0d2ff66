// Text embeddings through publishers.models.predict
// (cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api):
//   POST /{v}/projects/{p}/locations/{l}/publishers/google/models/{model}:predict
//   body  {"instances":[{"content":"...","task_type":"RETRIEVAL_DOCUMENT","title":"..."}],
//          "parameters":{"autoTruncate":true,"outputDimensionality":256}}
//   reply {"predictions":[{"embeddings":{"statistics":{"truncated":false,"token_count":6},"values":[...]}}],
//          "metadata":{"billableCharacterCount":N}}
// Confirmed from Google's text-embeddings pages: gemini-embedding-001 takes one instance per request and gives up to
// 3072 dimensions (default 3072); text-embedding-005 and text-multilingual-embedding-002 up to 768; a request holds at
// most 250 instances and 20,000 tokens (more is a 400); each input at most 2,048 tokens, silently truncated unless
// autoTruncate is false; title only with RETRIEVAL_DOCUMENT; vectors normalized (for gemini-embedding-001 only at
// 3072 dimensions: smaller ones are prefixes of it (Matryoshka) and must be re-normalized by the caller).
// Task types (task-types page): RETRIEVAL_QUERY, RETRIEVAL_DOCUMENT, SEMANTIC_SIMILARITY, CLASSIFICATION, CLUSTERING,
// QUESTION_ANSWERING, FACT_VERIFICATION, CODE_RETRIEVAL_QUERY.
// Not documented, so the emulator's wording: the error messages for too many instances, tokens or a bad task type.
// Vectors here: a unit vector of the model's full size drawn from SHA-256(model, task type, title, text), cut to
// outputDimensionality — deterministic, and the same text gives the same vector.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

internal static class EmbeddingsHandler
{
    /// <summary>Embedding models: full dimensions and instances per request.</summary>
    public static readonly IReadOnlyDictionary<string, (int Dimensions, int MaxInstances)> Models = new Dictionary<string, (int, int)>(StringComparer.Ordinal)
    {
        ["gemini-embedding-001"] = (3072, 1),
        ["text-embedding-005"] = (768, 250),
        ["text-multilingual-embedding-002"] = (768, 250),
    };

    public const int MaxInputTokens = 2048;
    public const int MaxRequestTokens = 20_000;

    public static readonly IReadOnlySet<string> TaskTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT", "SEMANTIC_SIMILARITY", "CLASSIFICATION", "CLUSTERING",
        "QUESTION_ANSWERING", "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY",
    };

    public static NativeAnswer Handle(NativeRoute route, JsonNode? body)
    {
        if (!Models.TryGetValue(route.Resource!, out var model)) return NativeAnswer.ModelNotFound(route);
        if (body is not JsonObject request) return NativeAnswer.Invalid("Invalid JSON payload received. Expected a PredictRequest object.");
        if (NativeContent.UnknownMember(request, ["instances", "parameters"]) is { } unknown) return NativeAnswer.Invalid(unknown);
        if (request["instances"] is not JsonArray { Count: > 0 } instances) return NativeAnswer.Invalid("instances: at least one instance is required.");
        if (instances.Count > model.MaxInstances)
        {
            return NativeAnswer.Invalid($"The model {route.Resource} accepts at most {model.MaxInstances} instance{(model.MaxInstances == 1 ? string.Empty : "s")} per request, got {instances.Count}.");
        }

        var parameters = request["parameters"] as JsonObject;
        if (request["parameters"] is not null && parameters is null) return NativeAnswer.Invalid("parameters: must be an object.");
        var autoTruncate = true;
        var dimensions = model.Dimensions;
        if (parameters is not null)
        {
            if (NativeContent.UnknownMember(parameters, ["autoTruncate", "outputDimensionality"], "parameters") is { } unknownParameter) return NativeAnswer.Invalid(unknownParameter);
            if (NativeContent.Member(parameters, "autoTruncate") is { } at)
            {
                if (at.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False)) return NativeAnswer.Invalid("parameters.autoTruncate: must be a boolean.");
                autoTruncate = at.GetValue<bool>();
            }

            if (NativeContent.Member(parameters, "outputDimensionality") is { } od)
            {
                if (od is not JsonValue v || !v.TryGetValue(out int d) || d < 1 || d > model.Dimensions)
                {
                    return NativeAnswer.Invalid($"parameters.outputDimensionality: must be an integer from 1 to {model.Dimensions} for {route.Resource}.");
                }

                dimensions = d;
            }
        }

        var predictions = new JsonArray();
        var billable = 0;
        var requestTokens = 0;
        for (var i = 0; i < instances.Count; i++)
        {
            if (instances[i] is not JsonObject instance) return NativeAnswer.Invalid($"instances[{i}]: must be an object with content.");
            if (NativeContent.UnknownMember(instance, ["content", "taskType", "title"], $"instances[{i}]") is { } unknownMember) return NativeAnswer.Invalid(unknownMember);
            var content = NativeContent.Str(instance["content"]);
            if (content is null) return NativeAnswer.Invalid($"instances[{i}].content: a string is required.");
            var taskType = NativeContent.Str(NativeContent.Member(instance, "taskType"));
            if (NativeContent.Member(instance, "taskType") is not null && (taskType is null || !TaskTypes.Contains(taskType)))
            {
                return NativeAnswer.Invalid($"instances[{i}].task_type: \"{NativeContent.Member(instance, "taskType")}\" is not one of {string.Join(", ", TaskTypes)}.");
            }

            var title = NativeContent.Str(instance["title"]);
            if (instance["title"] is not null && (title is null || taskType != "RETRIEVAL_DOCUMENT"))
            {
                return NativeAnswer.Invalid($"instances[{i}].title: a title is only valid with task_type RETRIEVAL_DOCUMENT.");
            }

            var tokens = TokenTally.TextTokens(content) + (title is null ? 0 : TokenTally.TextTokens(title));
            var truncated = tokens > MaxInputTokens;
            if (truncated && !autoTruncate)
            {
                return NativeAnswer.Invalid($"instances[{i}]: the input has {tokens} tokens, more than the {MaxInputTokens} the model accepts, and autoTruncate is false.");
            }

            var counted = Math.Min(tokens, MaxInputTokens);
            requestTokens += counted;
            billable += content.Count(c => !char.IsWhiteSpace(c));
            predictions.Add(new JsonObject
            {
                ["embeddings"] = new JsonObject
                {
                    ["statistics"] = new JsonObject { ["truncated"] = truncated, ["token_count"] = counted },
                    ["values"] = new JsonArray(Vector(route.Resource!, taskType, title, content, model.Dimensions).Take(dimensions).Select(f => (JsonNode)f).ToArray()),
                },
            });
        }

        if (requestTokens > MaxRequestTokens)
        {
            return NativeAnswer.Invalid($"The request has {requestTokens} input tokens; at most {MaxRequestTokens} are allowed per request.");
        }

        return NativeAnswer.Ok(new JsonObject
        {
            ["predictions"] = predictions,
            ["metadata"] = new JsonObject { ["billableCharacterCount"] = billable },
        });
    }

    /// <summary>A unit vector of <paramref name="size"/> floats drawn from SHA-256 of the inputs (xorshift64*).</summary>
    public static float[] Vector(string model, string? taskType, string? title, string text, int size)
    {
        var seed = SHA256.HashData(Encoding.UTF8.GetBytes($"{model}\n{taskType}\n{title}\n{text}"));
        var state = BinaryPrimitives.ReadUInt64LittleEndian(seed) | 1;
        var values = new double[size];
        double norm = 0;
        for (var i = 0; i < size; i++)
        {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            var r = (state * 2685821657736338717UL >> 11) * (1.0 / (1UL << 53));
            values[i] = r * 2 - 1;
            norm += values[i] * values[i];
        }

        norm = Math.Sqrt(norm);
        return values.Select(v => (float)(v / norm)).ToArray();
    }
}
