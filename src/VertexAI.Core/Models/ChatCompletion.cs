using System.Collections.Generic;

namespace VertexAI
{
    /// <summary>A chat completion (<c>"object": "chat.completion"</c>), or one assembled from a stream.</summary>
    public sealed class ChatCompletion : JsonModel, ICompletionHeader
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

        /// <summary>
        /// The first choice's answer: its text without thoughts (text tagged with <see cref="ThoughtTagMarker"/>, and parts
        /// marked <c>extra_content.google.thought</c>). <see cref="RawContent"/> has the text as it came.
        /// </summary>
        public string? Content
        {
            get
            {
                ThoughtParser.SplitMessage(Message, ThoughtTagMarker, out _, out var answer);
                return answer;
            }
        }

        /// <summary>The first choice's text as the server sent it, thoughts and tags included.</summary>
        public string? RawContent => Message?.Text;

        /// <summary>The first choice's thoughts (tagged text and thought parts), or null when there were none.</summary>
        public string? Thoughts
        {
            get
            {
                ThoughtParser.SplitMessage(Message, ThoughtTagMarker, out var thoughts, out _);
                return thoughts;
            }
        }

        /// <summary>
        /// The <c>thought_tag_marker</c> the request asked for (set by <see cref="ChatCalls"/>); thoughts wrapped in this tag
        /// are separated from <see cref="Content"/>. Not part of the wire format.
        /// </summary>
        public string? ThoughtTagMarker { get; set; }

        /// <summary>
        /// The conversation this completion belongs to: the request's messages and then the reply (tool turns and
        /// <c>extra_content</c> intact), set by <see cref="ChatCalls"/>. Pipe a completion into Invoke-GeminiChat to continue it.
        /// </summary>
        public List<ChatMessage>? Conversation { get; set; }

        /// <summary>
        /// For a JSON response format: the answer parsed (plain maps, arrays and scalars; or an instance of the .NET type
        /// the schema came from). Null when there was nothing to parse or it failed (see <see cref="ParseError"/>).
        /// </summary>
        public object? Parsed { get; set; }

        /// <summary>Why the answer could not be parsed as the JSON the response format asked for (the raw text is kept).</summary>
        public StructuredOutputException? ParseError { get; set; }

        /// <summary>What the first choice generated besides text: images (Vertex puts them in <c>message.audio</c>) and audio.</summary>
        public List<GeneratedMedia> Media => GeneratedMedia.FromMessage(Message);

        /// <summary>The generated images of the first choice (bytes and media type).</summary>
        public List<GeneratedMedia> Images => Media.FindAll(m => m.IsImage);

        /// <summary>The files the generated media were written to (Invoke-GeminiChat -OutFile / -OutDirectory).</summary>
        public List<string>? SavedFiles { get; set; }

        /// <summary>The first choice's tool calls.</summary>
        public IReadOnlyList<ToolCall>? ToolCalls => Message?.ToolCalls;

        /// <summary>
        /// What the first choice was grounded on (-GoogleSearch: sources with titles and URIs, the search queries), or null
        /// when the server sent no grounding. The raw metadata stays on the message as it came.
        /// </summary>
        public Grounding? Grounding => Choices.Count > 0 ? Grounding.FromChoice(Choices[0]) : null;

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
