using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>Builds and writes Google's error envelope <c>{"error":{"code","message","status","details"?}}</c>.</summary>
internal static class GoogleErrors
{
    public const string UnauthenticatedMessage =
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.";

    public static JsonNode Body(int code, string status, string message, JsonArray? details = null, bool asArray = false)
    {
        var error = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["status"] = status,
        };
        if (details is not null)
        {
            error["details"] = details;
        }

        var envelope = new JsonObject { ["error"] = error };
        return asArray ? new JsonArray(envelope) : envelope;
    }

    /// <summary>A <c>google.rpc.ErrorInfo</c> detail as googleapis.com sends it for auth failures.</summary>
    public static JsonArray ErrorInfo(string reason, string method) =>
        new(new JsonObject
        {
            ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo",
            ["reason"] = reason,
            ["domain"] = "googleapis.com",
            ["metadata"] = new JsonObject
            {
                ["service"] = "aiplatform.googleapis.com",
                ["method"] = method,
            },
        });

    public static Task WriteAsync(HttpContext context, int code, string status, string message, JsonArray? details = null) =>
        JsonReply.WriteAsync(context, code, Body(code, status, message, details));

    public static Task InvalidArgumentAsync(HttpContext context, string message) =>
        WriteAsync(context, StatusCodes.Status400BadRequest, "INVALID_ARGUMENT", message);

    public static Task NotFoundAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status404NotFound, "NOT_FOUND",
            $"The requested URL {context.Request.Path}{context.Request.QueryString} was not found on this server.");
}
