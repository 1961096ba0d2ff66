using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace VertexAI.Emulator;

/// <summary>
/// The OAuth2 token endpoint (<c>POST /token</c>, JWT-bearer and refresh-token grants) and the
/// GCE metadata server's token route, both handing out tokens from the shared <see cref="AccessTokenStore"/>.
/// </summary>
internal sealed class TokenIssuer(
    AccessTokenStore tokens,
    CredentialRegistry credentials,
    JwtBearerVerifier verifier,
    Func<Uri> tokenUri,
    Func<TimeSpan> lifetime)
{
    public const string TokenPath = "/token";
    public const string MetadataTokenPath = "/computeMetadata/v1/instance/service-accounts/default/token";
    public const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private int _requestCount;

    /// <summary>Requests to either token route, whatever their outcome.</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    public async Task HandleTokenAsync(HttpContext context, string body)
    {
        Interlocked.Increment(ref _requestCount);
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await OAuthErrorAsync(context, StatusCodes.Status405MethodNotAllowed, "invalid_request", "The token endpoint only accepts POST.");
            return;
        }

        var form = QueryHelpers.ParseQuery(body);
        string? Field(string name) => form.TryGetValue(name, out var v) ? v.ToString() : null;

        switch (Field("grant_type"))
        {
            case JwtBearerGrant:
                var assertion = Field("assertion");
                if (string.IsNullOrEmpty(assertion))
                {
                    await OAuthErrorAsync(context, 400, "invalid_request", "Missing required parameter: assertion");
                    return;
                }

                if (verifier.VerifyAssertion(assertion, tokenUri()) is { } problem)
                {
                    await OAuthErrorAsync(context, 400, "invalid_grant", problem);
                    return;
                }

                break;

            case "refresh_token":
                if (!credentials.IsValidRefreshToken(Field("refresh_token") ?? string.Empty, Field("client_id"), Field("client_secret")))
                {
                    await OAuthErrorAsync(context, 400, "invalid_grant", "Bad Request");
                    return;
                }

                await WriteTokenAsync(context, userCredential: true);
                return;

            case null or "":
                await OAuthErrorAsync(context, 400, "invalid_request", "Missing required parameter: grant_type");
                return;

            default:
                await OAuthErrorAsync(context, 400, "unsupported_grant_type", "Invalid grant_type: " + Field("grant_type"));
                return;
        }

        await WriteTokenAsync(context);
    }

    /// <summary>GCE-style token route: needs <c>Metadata-Flavor: Google</c>, like the real metadata server.</summary>
    public async Task HandleMetadataTokenAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requestCount);
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await MetadataServer.MethodNotAllowedAsync(context);
            return;
        }

        if (!MetadataServer.CheckFlavor(context))
        {
            await MetadataServer.ForbiddenAsync(context);
            return;
        }

        await WriteTokenAsync(context);
    }

    private Task WriteTokenAsync(HttpContext context, bool userCredential = false)
    {
        var life = lifetime();
        var token = userCredential ? tokens.IssueUserToken(life) : tokens.Issue(life);
        context.Response.Headers.CacheControl = "no-cache, no-store, max-age=0, must-revalidate";
        return JsonReply.WriteAsync(context, 200, new JsonObject
        {
            ["access_token"] = token,
            ["expires_in"] = (long)Math.Max(0, Math.Round(life.TotalSeconds)),
            ["token_type"] = "Bearer",
        });
    }

    private static Task OAuthErrorAsync(HttpContext context, int status, string error, string description) =>
        JsonReply.WriteAsync(context, status, new JsonObject
        {
            ["error"] = error,
            ["error_description"] = description,
        });
}
