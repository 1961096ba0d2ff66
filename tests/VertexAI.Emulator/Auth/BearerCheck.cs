namespace VertexAI.Emulator;

/// <summary>The bearer-token check every authenticated route shares: tokens this emulator issued, or self-signed JWTs of registered keys.</summary>
internal sealed class BearerCheck(Func<bool> requireAuth, AccessTokenStore tokens, JwtBearerVerifier jwtVerifier)
{
    public bool Required => requireAuth();

    public TokenState Check(HttpContext context)
    {
        if (!requireAuth())
        {
            return TokenState.Valid;
        }

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
}
