using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace VertexAI.Emulator;

/// <summary>Every thought signature the emulator issued, so Gemini 3's "send it back verbatim" rule can be enforced.</summary>
internal sealed class ThoughtSignatures
{
    /// <summary>The value Google documents for skipping validation when history was not produced by Gemini.</summary>
    public const string SkipValidator = "skip_thought_signature_validator";

    private readonly ConcurrentDictionary<string, byte> _issued = new(StringComparer.Ordinal);

    /// <summary>A deterministic, opaque base64 signature for <paramref name="seed"/>, remembered as issued.</summary>
    public string Issue(string seed)
    {
        // Long, like real signatures, so clients that truncate or re-encode them get caught.
        var a = SHA256.HashData(Encoding.UTF8.GetBytes("thought-signature:" + seed));
        var b = SHA256.HashData(a);
        var signature = Convert.ToBase64String([.. a, .. b]);
        _issued[signature] = 0;
        return signature;
    }

    public bool WasIssued(string signature) => signature == SkipValidator || _issued.ContainsKey(signature);
}
