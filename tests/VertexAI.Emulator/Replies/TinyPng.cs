namespace VertexAI.Emulator;

/// <summary>The "generated image": a valid 1×1 PNG, small enough to keep test output readable.</summary>
internal static class TinyPng
{
    public const string MimeType = "image/png";

    /// <summary>Base64 of a 1×1 RGBA PNG (IHDR, IDAT, IEND with correct CRCs).</summary>
    public const string Base64 =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
}
