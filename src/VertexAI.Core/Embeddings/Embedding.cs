using System.Collections.Generic;

namespace VertexAI
{
    /// <summary>The embedding of one input text, tagged with that input.</summary>
    public sealed class Embedding : JsonModel
    {
        /// <summary>The text that was embedded.</summary>
        public string Input { get; set; } = string.Empty;

        /// <summary>The input's position (from 0) among the inputs of the call.</summary>
        public int Index { get; set; }

        /// <summary>The vector. Unit length at the model's full size; a shorter one (<c>-Dimensions</c>) is a prefix to normalize before comparing.</summary>
        public float[] Values { get; set; } = new float[0];

        /// <summary>The number of values.</summary>
        public int Dimensions => Values.Length;

        /// <summary>Tokens of the input (<c>statistics.token_count</c>).</summary>
        public int TokenCount { get; set; }

        /// <summary>Whether the input was cut to the model's input limit (<c>statistics.truncated</c>).</summary>
        public bool Truncated { get; set; }

        /// <summary>The model that embedded it.</summary>
        public string Model { get; set; } = string.Empty;

        /// <summary>The task type the vector was made for, if one was given.</summary>
        public string? TaskType { get; set; }

        /// <summary>The title sent with the input (RETRIEVAL_DOCUMENT only), if any.</summary>
        public string? Title { get; set; }

        /// <inheritdoc/>
        public override string ToString() => $"[{Index}] {Dimensions} dimensions";

        /// <summary>The prediction JSON this embedding was read from, for the journal (not shown).</summary>
        internal string? PredictionJson { get; set; }
    }

    /// <summary>One text to embed.</summary>
    public sealed class EmbeddingInput
    {
        /// <summary>Creates an input.</summary>
        public EmbeddingInput(string text, string? title = null)
        {
            Text = text ?? string.Empty;
            Title = string.IsNullOrEmpty(title) ? null : title;
        }

        /// <summary>The text.</summary>
        public string Text { get; }

        /// <summary>A title (RETRIEVAL_DOCUMENT only).</summary>
        public string? Title { get; }

        /// <summary>The position among all inputs of the call, set when it is added to a batch.</summary>
        public int Index { get; internal set; }
    }

    /// <summary>Settings of an embedding call.</summary>
    public sealed class EmbeddingOptions
    {
        /// <summary>The default model.</summary>
        public const string DefaultModel = "gemini-embedding-001";

        /// <summary>The embedding model.</summary>
        public string Model { get; set; } = DefaultModel;

        /// <summary>
        /// RETRIEVAL_QUERY, RETRIEVAL_DOCUMENT, SEMANTIC_SIMILARITY, CLASSIFICATION, CLUSTERING, QUESTION_ANSWERING,
        /// FACT_VERIFICATION or CODE_RETRIEVAL_QUERY (Vertex's task types), or null.
        /// </summary>
        public string? TaskType { get; set; }

        /// <summary>Output dimensions (<c>outputDimensionality</c>), or null for the model's full size.</summary>
        public int? Dimensions { get; set; }

        /// <summary>False makes an input over the model's limit an error instead of being cut (<c>autoTruncate</c>).</summary>
        public bool AutoTruncate { get; set; } = true;

        /// <summary>Vertex's task types.</summary>
        public static readonly IReadOnlyList<string> TaskTypes = new[]
        {
            "RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT", "SEMANTIC_SIMILARITY", "CLASSIFICATION", "CLUSTERING",
            "QUESTION_ANSWERING", "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY",
        };
    }
}
