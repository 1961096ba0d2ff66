using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>
/// <c>POST /{v1|v1beta1}/projects/{p}/locations/{l}/endpoints/{e}/chat/completions</c>:
/// auth, validation, then a scripted scenario if one is waiting, else the deterministic reply.
/// </summary>
internal sealed class ChatEndpoint(
    Func<bool> requireAuth,
    Func<TimeSpan> replyDelay,
    AccessTokenStore tokens,
    JwtBearerVerifier jwtVerifier,
    ScenarioQueue scenarios,
    Func<Func<RecordedRequest, Scenario?>?> selector,
    ChatRequestValidator validator,
    ReplyBuilder replies,
    ICachedContentStore caches)
{
    public async Task HandleAsync(HttpContext context, RecordedRequest recorded, ChatRoute route, CancellationToken cancellation)
    {
        if (!route.IsKnownVersion || !HttpMethods.IsPost(context.Request.Method))
        {
            await GoogleErrors.NotFoundAsync(context);
            return;
        }

        // An invalid token never consumes a scenario: tests can script "the next real call" independently of auth.
        if (requireAuth())
        {
            var state = CheckAuth(context);
            if (state != TokenState.Valid)
            {
                await UnauthenticatedAsync(context, state, route);
                return;
            }
        }

        // Every body is checked, scripted or not: tests of errors, streams and faults must send what Vertex accepts.
        // Like a bad token, a bad body never consumes a scenario.
        if (validator.Validate(recorded.Json, route) is { } problem)
        {
            await GoogleErrors.InvalidArgumentAsync(context, problem);
            return;
        }

        // A well-formed name of a cache that does not exist (or has expired): Vertex answers 404 NOT_FOUND before
        // generating anything; one of another project or location cannot be read from this route.
        if (GoogleExtensionsValidator.CachedContentOf((JsonObject)recorded.Json!) is { } cache)
        {
            if (!caches.TryGetTokenCount(cache, out _))
            {
                await GoogleErrors.WriteAsync(context, StatusCodes.Status404NotFound, "NOT_FOUND", $"CachedContent {cache} not found or has expired.");
                return;
            }

            if (!cache.StartsWith($"projects/{route.Project}/locations/{route.Location}/", StringComparison.Ordinal))
            {
                await GoogleErrors.InvalidArgumentAsync(context, $"The cached content {cache} belongs to another project or location than the request (projects/{route.Project}/locations/{route.Location}).");
                return;
            }
        }

        // A slow model (PUT /_emulator/settings {"replyDelayMs":N}): the request is logged on arrival, answered after the delay.
        if (replyDelay() is { } delay && delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, cancellation);
        }

        var playback = new PlaybackContext(context, cancellation);
        var scripted = scenarios.TryDequeue(out var queued) ? queued : selector()?.Invoke(recorded);
        if (scripted is not null)
        {
            await scripted.PlayAsync(playback);
            return;
        }

        var request = (JsonObject)recorded.Json!;
        var reply = replies.Build(recorded.Body, request, route);
        var stream = request["stream"] is JsonValue s && s.GetValueKind() == System.Text.Json.JsonValueKind.True;
        var answer = stream
            ? Scenario.Stream(ChunkRenderer.Render(reply).Select(chunk => SseStep.Data(JsonReply.Serialize(chunk))).Append(SseStep.Done()))
            : Scenario.Respond(200, JsonReply.Serialize(CompletionRenderer.Render(reply)));
        await answer.PlayAsync(playback);
    }

    private TokenState CheckAuth(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return TokenState.Missing;
        }

        var token = header[scheme.Length..].Trim();
        var state = tokens.Check(token);
        return state == TokenState.Unknown && jwtVerifier.IsValidSelfSignedAccessToken(token) ? TokenState.Valid : state;
    }

    private static Task UnauthenticatedAsync(HttpContext context, TokenState state, ChatRoute route)
    {
        var reason = state switch
        {
            TokenState.Expired => "ACCESS_TOKEN_EXPIRED",
            TokenState.Missing => "CREDENTIALS_MISSING",
            _ => "ACCESS_TOKEN_TYPE_UNSUPPORTED",
        };
        var method = $"google.cloud.aiplatform.{route.ApiVersion}.PredictionService.ChatCompletions";
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"";
        return GoogleErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "UNAUTHENTICATED",
            GoogleErrors.UnauthenticatedMessage, GoogleErrors.ErrorInfo(reason, method));
    }
}
