namespace VertexAI
{
    /// <summary>The members a completion and a streamed chunk share (read by one piece of code).</summary>
    internal interface ICompletionHeader
    {
        string? Id { get; set; }
        string? Object { get; set; }
        long Created { get; set; }
        string? Model { get; set; }
        string? SystemFingerprint { get; set; }
        Usage? Usage { get; set; }
    }
}
