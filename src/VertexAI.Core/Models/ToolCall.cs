using System.Collections.Generic;

namespace VertexAI
{
    /// <summary>A function call the model asked for (<c>tool_calls[]</c> on an assistant message or delta).</summary>
    public sealed class ToolCall : JsonModel
    {
        /// <summary>The call id; a <c>tool</c> message answers it through <c>tool_call_id</c>.</summary>
        public string? Id { get; set; }

        /// <summary>Always <c>function</c> today.</summary>
        public string? Type { get; set; } = "function";

        /// <summary>The position in a streamed delta (unreliable on Vertex; kept for the round trip only in deltas).</summary>
        public int? Index { get; set; }

        /// <summary>The function name and its JSON arguments.</summary>
        public FunctionCall Function { get; set; } = new FunctionCall();

        /// <summary>Vertex's <c>extra_content</c>; holds <c>google.thought_signature</c>, which must be sent back verbatim.</summary>
        public IDictionary<string, object?>? ExtraContent { get; set; }

        /// <summary>The Gemini thought signature of this call, if any.</summary>
        public string? ThoughtSignature => VertexAI.ExtraContent.GetGoogleString(ExtraContent, "thought_signature");

        /// <inheritdoc/>
        public override string ToString() => $"{Function.Name}({Function.Arguments})";
    }

    /// <summary>The <c>function</c> member of a tool call.</summary>
    public sealed class FunctionCall : JsonModel
    {
        /// <summary>The function's name.</summary>
        public string? Name { get; set; }

        /// <summary>The arguments as a JSON object string (in a stream: a fragment).</summary>
        public string? Arguments { get; set; }
    }
}
