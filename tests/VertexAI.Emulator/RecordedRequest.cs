using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>One request as the emulator received it, for assertions in tests.</summary>
public sealed class RecordedRequest
{
    private int _responseStatus;

    internal RecordedRequest(
        string method,
        string path,
        string queryString,
        IReadOnlyDictionary<string, string> headers,
        string body,
        JsonNode? json,
        DateTimeOffset receivedAt,
        string kind,
        ChatRoute? route,
        NativeRoute? native = null)
    {
        Method = method;
        Path = path;
        QueryString = queryString;
        Headers = headers;
        Body = body;
        Json = json;
        ReceivedAt = receivedAt;
        Kind = kind;
        ApiVersion = route?.ApiVersion ?? native?.ApiVersion;
        Project = route?.Project ?? native?.Project;
        Location = route?.Location ?? native?.Location;
        EndpointId = route?.EndpointId;
    }

    /// <summary>HTTP method, e.g. <c>POST</c>.</summary>
    public string Method { get; }

    /// <summary>Request path, e.g. <c>/v1/projects/p/locations/l/endpoints/openapi/chat/completions</c>.</summary>
    public string Path { get; }

    /// <summary>Query string including the leading <c>?</c>, or empty.</summary>
    public string QueryString { get; }

    /// <summary>Request headers; keys compare case-insensitively, repeated headers are joined with <c>", "</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Raw body text (the form body for <c>/token</c>).</summary>
    public string Body { get; }

    /// <summary>The body parsed as JSON, or null when it is not JSON.</summary>
    public JsonNode? Json { get; }

    /// <summary>When the emulator received the request.</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>
    /// <c>chat</c>, <c>cachedContents</c>, <c>countTokens</c>, <c>predict</c>, <c>publisherModels</c>, <c>token</c>,
    /// <c>metadata</c> or <c>other</c>.
    /// </summary>
    public string Kind { get; }

    /// <summary>The version segment (as sent) of chat and native paths, else null.</summary>
    public string? ApiVersion { get; }

    /// <summary>Project from a chat or native path, else null (also for the publisher model list).</summary>
    public string? Project { get; }

    /// <summary>Location from a chat or native path, else null.</summary>
    public string? Location { get; }

    /// <summary>Endpoint id from a chat-shaped path: <c>openapi</c> for managed Gemini, else the self-deployed id.</summary>
    public string? EndpointId { get; }

    /// <summary>True when <see cref="EndpointId"/> is <c>openapi</c>.</summary>
    public bool IsManaged => EndpointId == "openapi";

    /// <summary>
    /// Whether the request line held an absolute URI (<c>GET http://host/path</c>): what a client sends to a forward proxy.
    /// Pointing a client's proxy at the emulator itself shows which of its requests took the proxy.
    /// </summary>
    public bool ViaProxy { get; internal set; }

    /// <summary>Status the emulator answered with; 0 while unanswered or when the connection was dropped first.</summary>
    public int ResponseStatus => Volatile.Read(ref _responseStatus);

    internal void SetResponseStatus(int status) => Volatile.Write(ref _responseStatus, status);

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Path}{QueryString} -> {ResponseStatus}";
}
