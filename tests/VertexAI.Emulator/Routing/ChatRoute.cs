namespace VertexAI.Emulator;

/// <summary>The parts of a <c>/{version}/projects/{p}/locations/{l}/endpoints/{e}/chat/completions</c> path.</summary>
internal sealed record ChatRoute(string ApiVersion, string Project, string Location, string EndpointId)
{
    public const string ManagedEndpointId = "openapi";

    public bool IsManaged => EndpointId == ManagedEndpointId;

    /// <summary>Only these versions exist for the Chat Completions API.</summary>
    public bool IsKnownVersion => ApiVersion is "v1" or "v1beta1";

    /// <summary>Parses a chat-shaped path; any version string is accepted here so the log can show it.</summary>
    public static ChatRoute? TryParse(string path)
    {
        var s = path.Split('/');
        // "", version, "projects", p, "locations", l, "endpoints", e, "chat", "completions"
        if (s.Length != 10 || s[0].Length != 0 || s[2] != "projects" || s[4] != "locations" || s[6] != "endpoints"
            || s[8] != "chat" || s[9] != "completions")
        {
            return null;
        }

        if (s[1].Length == 0 || s[3].Length == 0 || s[5].Length == 0 || s[7].Length == 0)
        {
            return null;
        }

        return new ChatRoute(s[1], Uri.UnescapeDataString(s[3]), Uri.UnescapeDataString(s[5]), Uri.UnescapeDataString(s[7]));
    }
}
