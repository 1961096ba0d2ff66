using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>
/// The native Vertex AI routes (context caches, countTokens, embeddings through :predict, the publisher model list):
/// Bearer check, the quota-project rule, then a scripted scenario if one is waiting, else the handler's answer.
/// Unlike chat, a scenario is taken before the body is validated: a native answer depends on stored state (a cache
/// that exists), so tests script "the next call" whatever it is.
/// </summary>
internal sealed class NativeEndpoint(
    Func<bool> requireAuth,
    AccessTokenStore tokens,
    JwtBearerVerifier jwtVerifier,
    ScenarioQueue scenarios,
    CachedContentsHandler caches,
    Func<int> defaultPageSize)
{
    /// <summary>
    /// The project of Google's gcloud OAuth client: with no quota project, Google bills (and refuses) a user's call
    /// against it, so the ErrorInfo names it as the consumer (as in the errors users report).
    /// </summary>
    public const string GcloudClientConsumer = "projects/764086051850";

    /// <summary>
    /// googleapis.com's refusal of a user credential's call that has no quota project, as users report it (403,
    /// PERMISSION_DENIED, ErrorInfo reason SERVICE_DISABLED with the gcloud client's project as consumer).
    /// </summary>
    public const string QuotaProjectMessage =
        "Your application is authenticating by using local Application Default Credentials. The aiplatform.googleapis.com API requires a quota project, which is not set by default. To learn how to set your quota project, see https://cloud.google.com/docs/authentication/adc-troubleshooting/user-creds .";

    public async Task HandleAsync(HttpContext context, RecordedRequest recorded, NativeRoute route, CancellationToken cancellation)
    {
        if (!route.IsKnownVersion || !IsKnownMethod(route, context.Request.Method))
        {
            await GoogleErrors.NotFoundAsync(context);
            return;
        }

        var method = route.MethodName(context.Request.Method);
        if (requireAuth())
        {
            var (state, token) = CheckAuth(context);
            if (state != TokenState.Valid)
            {
                var reason = state switch
                {
                    TokenState.Expired => "ACCESS_TOKEN_EXPIRED",
                    TokenState.Missing => "CREDENTIALS_MISSING",
                    _ => "ACCESS_TOKEN_TYPE_UNSUPPORTED",
                };
                context.Response.Headers.WWWAuthenticate = "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"";
                await GoogleErrors.WriteAsync(context, 401, "UNAUTHENTICATED", GoogleErrors.UnauthenticatedMessage, GoogleErrors.ErrorInfo(reason, method));
                return;
            }

            // A route with a project in its path bills that project; one without (the publisher model list) needs the
            // quota project from x-goog-user-project when the caller is a person rather than a service account.
            if (route.Project is null && tokens.IsUserToken(token) && string.IsNullOrWhiteSpace(context.Request.Headers["x-goog-user-project"]))
            {
                await GoogleErrors.WriteAsync(context, 403, "PERMISSION_DENIED", QuotaProjectMessage, new JsonArray(new JsonObject
                {
                    ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo",
                    ["reason"] = "SERVICE_DISABLED",
                    ["domain"] = "googleapis.com",
                    ["metadata"] = new JsonObject
                    {
                        ["consumer"] = GcloudClientConsumer,
                        ["service"] = "aiplatform.googleapis.com",
                    },
                }));
                return;
            }
        }

        if (scenarios.TryDequeue(out var scripted))
        {
            await scripted.PlayAsync(new PlaybackContext(context, cancellation));
            return;
        }

        if (recorded.Body.Length > 0 && recorded.Json is null)
        {
            await GoogleErrors.InvalidArgumentAsync(context, "Invalid JSON payload received. The body is not JSON.");
            return;
        }

        var answer = route.Kind switch
        {
            NativeKind.CachedContents or NativeKind.CachedContent => caches.Handle(route, context.Request, recorded.Json),
            NativeKind.CountTokens => CountTokensHandler.Handle(route, recorded.Json),
            NativeKind.Predict => EmbeddingsHandler.Handle(route, recorded.Json),
            _ => PublisherModelsHandler.Handle(context.Request.Query, defaultPageSize()),
        };
        await JsonReply.WriteAsync(context, answer.Status, answer.Body);
    }

    private static bool IsKnownMethod(NativeRoute route, string method) => route.Kind switch
    {
        NativeKind.CachedContents => method is "GET" or "POST",
        NativeKind.CachedContent => method is "GET" or "PATCH" or "DELETE",
        NativeKind.PublisherModels => method == "GET",
        _ => method == "POST",
    };

    private (TokenState State, string? Token) CheckAuth(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return (TokenState.Missing, null);
        }

        var token = header[scheme.Length..].Trim();
        var state = tokens.Check(token);
        return (state == TokenState.Unknown && jwtVerifier.IsValidSelfSignedAccessToken(token) ? TokenState.Valid : state, token);
    }
}
