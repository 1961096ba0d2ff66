using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>What a native handler answers: a status and a JSON body (a resource, or Google's error envelope).</summary>
internal sealed record NativeAnswer(int Status, JsonNode Body)
{
    public static NativeAnswer Ok(JsonNode body) => new(200, body);

    public static NativeAnswer Error(int code, string status, string message) => new(code, GoogleErrors.Body(code, status, message));

    public static NativeAnswer Invalid(string message) => Error(400, "INVALID_ARGUMENT", message);

    public static NativeAnswer NotFound(string message) => Error(404, "NOT_FOUND", message);

    /// <summary>
    /// Vertex's 404 for an unknown publisher model, in the wording users report from generateContent:
    /// "Publisher Model `projects/…/publishers/google/models/x` was not found or your project does not have access to it."
    /// </summary>
    public static NativeAnswer ModelNotFound(NativeRoute route) =>
        NotFound($"Publisher Model `{route.Parent}/publishers/google/models/{route.Resource}` was not found or your project does not have access to it. Please ensure you are using a valid model version. For more information, see: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions");
}
