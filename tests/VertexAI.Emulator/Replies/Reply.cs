namespace VertexAI.Emulator;

/// <summary>A deterministic answer, independent of how it is sent (one JSON body or SSE chunks).</summary>
internal sealed record Reply(
    string Id,
    long Created,
    string Model,
    IReadOnlyList<ReplyChoice> Choices,
    ReplyUsage Usage,
    bool StreamFunctionCallArguments,
    ReplyGrounding? Grounding = null);

/// <summary>One choice: text content, tool calls, or an image (then <see cref="Content"/> is null).</summary>
internal sealed record ReplyChoice(
    int Index,
    string FinishReason,
    string? Content,
    IReadOnlyList<ReplyToolCall> ToolCalls,
    string? ImageBase64,
    string? MessageThoughtSignature);

/// <summary>A function call; only the first call of a turn carries a thought signature, as with Gemini.</summary>
internal sealed record ReplyToolCall(string Id, string Name, string Arguments, string? ThoughtSignature);

/// <summary>Token counts; Vertex's total includes reasoning tokens; prompt tokens include those read from a context cache.</summary>
/// <param name="CachedTokens">Prompt tokens read from a context cache (already part of <see cref="PromptTokens"/>), or null.</param>
internal sealed record ReplyUsage(int PromptTokens, int CompletionTokens, int? ReasoningTokens, int? CachedTokens = null)
{
    public int TotalTokens => PromptTokens + CompletionTokens + (ReasoningTokens ?? 0);
}

/// <summary>What a grounded (web_search_options) text answer was based on: the queries run and the web sources.</summary>
internal sealed record ReplyGrounding(IReadOnlyList<string> Queries, IReadOnlyList<ReplySource> Sources);

/// <summary>One grounding web source, as Vertex's GroundingChunk.web has it.</summary>
internal sealed record ReplySource(string Title, string Uri, string Domain);
