using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>The emulator's only middleware: records every request, then routes it by path.</summary>
internal sealed class RequestDispatcher(
    RequestLog log,
    ChatEndpoint chat,
    NativeEndpoint native,
    TokenIssuer tokenIssuer,
    ControlEndpoint control,
    StorageEndpoint storage,
    BatchJobEndpoint batchJobs,
    CancellationToken shutdown)
{
    public async Task InvokeAsync(HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, shutdown);
        try
        {
            await DispatchAsync(context, linked.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client left or the emulator is stopping; there is nobody to answer.
            PlaybackContext.Abort(context);
        }
    }

    private async Task DispatchAsync(HttpContext context, CancellationToken cancellation)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        if (StorageEndpoint.Handles(path))
        {
            // Object bodies can be large and binary: the endpoint reads them itself; the log keeps only their length.
            var storageRequest = new RecordedRequest(request.Method, path, request.QueryString.Value ?? string.Empty,
                request.Headers.ToDictionary(h => h.Key, h => string.Join(", ", h.Value.ToArray()), StringComparer.OrdinalIgnoreCase),
                string.Empty, null, DateTimeOffset.UtcNow, "storage", null);
            context.Response.OnStarting(() =>
            {
                storageRequest.SetResponseStatus(context.Response.StatusCode);
                return Task.CompletedTask;
            });
            log.Add(storageRequest);
            await storage.HandleAsync(context, cancellation);
            return;
        }

        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(cancellation);
        }

        if (path.StartsWith(ControlEndpoint.Prefix, StringComparison.Ordinal))
        {
            // Test plumbing, not API traffic: answered without being logged.
            await control.HandleAsync(context, path, body);
            return;
        }

        var route = ChatRoute.TryParse(path);
        var nativeRoute = route is null ? NativeRoute.TryParse(path) : null;
        var kind = nativeRoute is not null ? NativeKindName(nativeRoute.Kind) : Classify(path, route, request.Method);
        var recorded = new RecordedRequest(
            request.Method,
            path,
            request.QueryString.Value ?? string.Empty,
            request.Headers.ToDictionary(h => h.Key, h => string.Join(", ", h.Value.ToArray()), StringComparer.OrdinalIgnoreCase),
            body,
            TryParseJson(body),
            DateTimeOffset.UtcNow,
            kind,
            route,
            nativeRoute);
        var rawTarget = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        recorded.ViaProxy = rawTarget is not null && rawTarget.StartsWith("http", StringComparison.OrdinalIgnoreCase);
        context.Response.OnStarting(() =>
        {
            // Kestrel still "starts" a response for an aborted exchange; nothing reaches the client then.
            if (!PlaybackContext.WasAborted(context))
            {
                recorded.SetResponseStatus(context.Response.StatusCode);
            }

            return Task.CompletedTask;
        });
        log.Add(recorded);

        switch (kind)
        {
            case "chat":
                await chat.HandleAsync(context, recorded, route!, cancellation);
                return;
            case not null when nativeRoute is not null:
                await native.HandleAsync(context, recorded, nativeRoute, cancellation);
                return;
            case "batch":
                await batchJobs.HandleAsync(context, path, recorded.Json);
                return;
            case "token":
                await tokenIssuer.HandleTokenAsync(context, body);
                return;
            case "metadata" when path == TokenIssuer.MetadataTokenPath:
                await tokenIssuer.HandleMetadataTokenAsync(context);
                return;
            case "metadata" when await MetadataServer.TryHandleAsync(context, path):
                return;
            default:
                await GoogleErrors.NotFoundAsync(context);
                return;
        }
    }

    private static string NativeKindName(NativeKind kind) => kind switch
    {
        NativeKind.CachedContents or NativeKind.CachedContent => "cachedContents",
        NativeKind.CountTokens => "countTokens",
        NativeKind.Predict => "predict",
        _ => "publisherModels",
    };

    private static string Classify(string path, ChatRoute? route, string method)
    {
        if (route is { IsKnownVersion: true } && HttpMethods.IsPost(method))
        {
            return "chat";
        }

        if (BatchJobEndpoint.Handles(path))
        {
            return "batch";
        }

        if (path == TokenIssuer.TokenPath)
        {
            return "token";
        }

        return path == "/" || path.StartsWith(MetadataServer.Prefix, StringComparison.Ordinal) ? "metadata" : "other";
    }

    /// <summary>Any body that parses is JSON, whatever its Content-Type (curl -d sends a form type).</summary>
    private static JsonNode? TryParseJson(string body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
