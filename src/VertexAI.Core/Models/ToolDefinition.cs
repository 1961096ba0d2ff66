using System.Collections.Generic;

namespace VertexAI
{
    /// <summary>A tool offered to the model (<c>tools[]</c>): a function with an OpenAPI 3.0 parameter schema.</summary>
    public sealed class ToolDefinition : JsonModel
    {
        /// <summary>Always <c>function</c>.</summary>
        public string Type { get; set; } = "function";

        /// <summary>The function's description.</summary>
        public FunctionDefinition Function { get; set; } = new FunctionDefinition();

        /// <inheritdoc/>
        public override string ToString() => Function.Name ?? string.Empty;
    }

    /// <summary>The <c>function</c> member of a tool definition.</summary>
    public sealed class FunctionDefinition : JsonModel
    {
        /// <summary>The function's name (letters, digits, underscores, dashes; at most 64 characters).</summary>
        public string? Name { get; set; }

        /// <summary>What the function does; the model reads this to decide when to call it.</summary>
        public string? Description { get; set; }

        /// <summary>The JSON schema of the arguments object, as a plain map.</summary>
        public IDictionary<string, object?>? Parameters { get; set; }

        /// <summary>OpenAI's <c>strict</c> flag; omitted when null.</summary>
        public bool? Strict { get; set; }
    }
}
