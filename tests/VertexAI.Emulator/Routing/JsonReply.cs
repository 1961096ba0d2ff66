using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>Writes JSON the way Google's frontends do: UTF-8, no needless escaping.</summary>
internal static class JsonReply
{
    /// <summary>Relaxed escaping so bodies read like Google's (quotes as <c>\"</c>, non-ASCII verbatim).</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(JsonNode? node) => node?.ToJsonString(Options) ?? "null";

    public static string Serialize(object? value) =>
        value is JsonNode node ? Serialize(node) : JsonSerializer.Serialize(value, Options);

    public static Task WriteAsync(HttpContext context, int status, JsonNode body) =>
        WriteTextAsync(context, status, Serialize(body), "application/json; charset=UTF-8");

    public static async Task WriteTextAsync(HttpContext context, int status, string body, string contentType)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}
