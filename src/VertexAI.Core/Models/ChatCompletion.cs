using System.Collections.Generic;

namespace VertexAI
{
    /// <summary>A chat completion (<c>"object": "chat.completion"</c>), or one assembled from a stream.</summary>
    public sealed class ChatCompletion : JsonModel
    {
        /// <summary>The response id.</summary>
        public string? Id { get; set; }

        /// <summary><c>chat.completion</c>.</summary>
        public string? Object { get; set; }

        /// <summary>Unix time of creation.</summary>
        public long Created { get; set; }

        /// <summary>The model that answered (e.g. <c>google/gemini-2.0-flash-001</c>).</summary>
        public string? Model { get; set; }

        /// <summary>Always empty on Vertex; kept for the round trip.</summary>
        public string? SystemFingerprint { get; set; }

        /// <summary>The choices (one unless <c>n</c> was set).</summary>
        public List<ChatChoice> Choices { get; set; } = new List<ChatChoice>();

        /// <summary>Token counts.</summary>
        public Usage? Usage { get; set; }

        /// <summary>The first choice's message.</summary>
        public ChatMessage? Message => Choices.Count > 0 ? Choices[0].Message : null;

        /// <summary>The first choice's text.</summary>
        public string? Content => Message?.Text;

        /// <summary>The first choice's tool calls.</summary>
        public IReadOnlyList<ToolCall>? ToolCalls => Message?.ToolCalls;

        /// <summary>The first choice's finish reason.</summary>
        public string? FinishReason => Choices.Count > 0 ? Choices[0].FinishReason : null;

        /// <inheritdoc/>
        public override string ToString() => Message?.ToString() ?? string.Empty;
    }

    /// <summary>One choice of a completion.</summary>
    public sealed class ChatChoice : JsonModel
    {
        /// <summary>The choice's index.</summary>
        public int Index { get; set; }

        /// <summary><c>stop</c>, <c>length</c>, <c>tool_calls</c>, <c>content_filter</c>, ...</summary>
        public string? FinishReason { get; set; }

        /// <summary>The message.</summary>
        public ChatMessage Message { get; set; } = new ChatMessage();

        /// <summary><c>logprobs</c> as sent (usually null).</summary>
        public object? Logprobs { get; set; }
    }
}
