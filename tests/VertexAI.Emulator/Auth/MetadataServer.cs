namespace VertexAI.Emulator;

/// <summary>The non-token parts of the GCE metadata server that credential libraries probe.</summary>
internal static class MetadataServer
{
    public const string Prefix = "/computeMetadata/";

    public static bool CheckFlavor(HttpContext context)
    {
        context.Response.Headers["Metadata-Flavor"] = "Google";
        return string.Equals(context.Request.Headers["Metadata-Flavor"], "Google", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The metadata server only serves GET; anything else is a client bug worth a loud answer.</summary>
    public static Task MethodNotAllowedAsync(HttpContext context) =>
        JsonReply.WriteTextAsync(context, StatusCodes.Status405MethodNotAllowed,
            $"Method {context.Request.Method} is not allowed on the metadata server.\n", "text/plain; charset=utf-8");

    public static Task ForbiddenAsync(HttpContext context) =>
        JsonReply.WriteTextAsync(context, StatusCodes.Status403Forbidden,
            "Missing required header \"Metadata-Flavor\": \"Google\"\n", "text/plain; charset=utf-8");

    /// <summary>Answers the metadata ping and a few plain-text values; false when the path is not one of them.</summary>
    public static async Task<bool> TryHandleAsync(HttpContext context, string path)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await MethodNotAllowedAsync(context);
            return true;
        }

        if (path == "/")
        {
            // The ping: credential libraries only look at the response header.
            context.Response.Headers["Metadata-Flavor"] = "Google";
            await JsonReply.WriteTextAsync(context, 200, "computeMetadata/\n", "application/text");
            return true;
        }

        string? value = path switch
        {
            "/computeMetadata/v1" or "/computeMetadata/v1/" => "instance/\nproject/\nuniverse/\n",
            "/computeMetadata/v1/project/project-id" => "emulator-project",
            "/computeMetadata/v1/instance/service-accounts/default/email" => "default@emulator-project.iam.gserviceaccount.com",
            "/computeMetadata/v1/universe/universe-domain" => "googleapis.com",
            _ => null,
        };
        if (value is null)
        {
            return false;
        }

        if (!CheckFlavor(context))
        {
            await ForbiddenAsync(context);
            return true;
        }

        await JsonReply.WriteTextAsync(context, 200, value, "application/text");
        return true;
    }
}
