using System.Collections.Generic;

namespace VertexAI
{
    /// <summary>One streamed event (<c>"object": "chat.completion.chunk"</c>).</summary>
    public sealed class ChatCompletionChunk : JsonModel, ICompletionHeader
    {
        /// <summary>The response id (the same on every chunk of a stream).</summary>
        public string? Id { get; set; }

        /// <summary><c>chat.completion.chunk</c>.</summary>
        public string? Object { get; set; }

        /// <summary>Unix time of creation.</summary>
        public long Created { get; set; }

        /// <summary>The model that answered.</summary>
        public string? Model { get; set; }

        /// <summary>Always empty on Vertex; kept for the round trip.</summary>
        public string? SystemFingerprint { get; set; }

        /// <summary>The choices this chunk updates.</summary>
        public List<ChunkChoice> Choices { get; set; } = new List<ChunkChoice>();

        /// <summary>Token counts; Vertex sends them on the last chunk.</summary>
        public Usage? Usage { get; set; }

        /// <summary>The first choice's delta text (null when this chunk carries none).</summary>
        public string? Text => Choices.Count > 0 ? Choices[0].Delta.Text : null;

        /// <summary>
        /// The answer text of the first choice's delta: the text without thoughts. Set when the stream goes through
        /// <see cref="ChatCalls"/> (a tag cut across chunks is recognised, so text that may start a tag can arrive one chunk
        /// later); otherwise the delta's text.
        /// </summary>
        public string? AnswerText => Choices.Count > 0 ? Choices[0].AnswerText : null;

        /// <summary>The thought text of the first choice's delta (tagged text, or parts marked as thoughts); null when none.</summary>
        public string? ThoughtText => Choices.Count > 0 ? Choices[0].ThoughtText : null;

        /// <summary>Whether this chunk carries thought text and no answer text.</summary>
        public bool IsThought => !string.IsNullOrEmpty(ThoughtText) && string.IsNullOrEmpty(AnswerText);

        /// <summary>
        /// The first choice's tool calls assembled from every chunk so far (arguments joined), set by <see cref="ChatCalls"/>
        /// once a tool call has been seen; so the last chunk of a stream holds the complete calls. Not part of the wire format.
        /// </summary>
        public IReadOnlyList<ToolCall>? ToolCallsSoFar { get; set; }

        /// <summary>The first choice's finish reason, on the last chunk of a choice.</summary>
        public string? FinishReason => Choices.Count > 0 ? Choices[0].FinishReason : null;

        /// <summary>The grounding (sources, search queries) this chunk's first choice carries; with -GoogleSearch it comes on a
        /// late chunk. Null on the others.</summary>
        public Grounding? Grounding => Choices.Count > 0 ? Grounding.FromChunkChoice(Choices[0]) : null;

        /// <inheritdoc/>
        public override string ToString() => Text ?? string.Empty;
    }

    /// <summary>One choice of a streamed chunk.</summary>
    public sealed class ChunkChoice : JsonModel
    {
        /// <summary>The choice's index.</summary>
        public int Index { get; set; }

        /// <summary>What this chunk adds to the message (every member optional).</summary>
        public ChatMessage Delta { get; set; } = new ChatMessage();

        /// <summary>Set on the choice's last chunk.</summary>
        public string? FinishReason { get; set; }

        /// <summary><c>logprobs</c> as sent (usually null).</summary>
        public object? Logprobs { get; set; }

        private string? _answerText;
        private bool _answerSet;

        /// <summary>The delta's text without thoughts (see <see cref="ChatCompletionChunk.AnswerText"/>). Not part of the wire format.</summary>
        public string? AnswerText
        {
            get => _answerSet ? _answerText : Delta.Text;
            set
            {
                _answerText = value;
                _answerSet = true;
            }
        }

        /// <summary>The delta's thought text. Not part of the wire format.</summary>
        public string? ThoughtText { get; set; }
    }
}
