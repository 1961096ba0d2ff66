using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using VertexAI.Native;

namespace VertexAI
{
    /// <summary>The tokens of one modality in a count (<c>ModalityTokenCount</c>).</summary>
    public sealed class ModalityTokenCount : JsonModel
    {
        /// <summary><c>TEXT</c>, <c>IMAGE</c>, <c>VIDEO</c>, <c>AUDIO</c> or <c>DOCUMENT</c>.</summary>
        public string Modality { get; set; } = string.Empty;

        /// <summary>Tokens of that modality.</summary>
        public int TokenCount { get; set; }

        /// <inheritdoc/>
        public override string ToString() => $"{Modality} {TokenCount}";
    }

    /// <summary>
    /// What a prompt costs before it is sent (<c>countTokens</c>: totalTokens, totalBillableCharacters,
    /// promptTokensDetails).
    /// </summary>
    public sealed class TokenCount : JsonModel
    {
        /// <summary>The model that counted.</summary>
        public string Model { get; set; } = string.Empty;

        /// <summary>All tokens of the prompt.</summary>
        public int TotalTokens { get; set; }

        /// <summary>Billable characters of the text (Vertex bills some models by character).</summary>
        public int? TotalBillableCharacters { get; set; }

        /// <summary>Tokens per modality, where Vertex reports them.</summary>
        public IReadOnlyList<ModalityTokenCount> Details { get; set; } = new ModalityTokenCount[0];

        /// <summary>Text tokens (from <see cref="Details"/>), or null when not reported.</summary>
        public int? TextTokens => Details.FirstOrDefault(d => d.Modality == "TEXT")?.TokenCount;

        /// <summary>Reads a CountTokensResponse.</summary>
        public static TokenCount FromJson(JsonElement json, string model)
        {
            var count = new TokenCount
            {
                Model = model,
                TotalTokens = (int)(NativeJson.Number(json, "totalTokens") ?? 0),
                TotalBillableCharacters = (int?)NativeJson.Number(json, "totalBillableCharacters"),
            };
            var details = new List<ModalityTokenCount>();
            if (json.TryGetProperty("promptTokensDetails", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var d in list.EnumerateArray())
                {
                    var item = new ModalityTokenCount
                    {
                        Modality = NativeJson.String(d, "modality") ?? "MODALITY_UNSPECIFIED",
                        TokenCount = (int)(NativeJson.Number(d, "tokenCount") ?? 0),
                    };
                    NativeJson.KeepUnknown(d, item, "modality", "tokenCount");
                    details.Add(item);
                }
            }
            count.Details = details;
            NativeJson.KeepUnknown(json, count, "totalTokens", "totalBillableCharacters", "promptTokensDetails");
            return count;
        }

        /// <inheritdoc/>
        public override string ToString() => $"{TotalTokens} tokens";
    }
}
