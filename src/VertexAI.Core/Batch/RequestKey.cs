using System;
using System.Security.Cryptography;
using System.Text;

namespace VertexAI.Batch
{
    /// <summary>
    /// The key of a request in a <see cref="RunJournal"/>: the SHA-256 of the exact request body bytes sent (as the
    /// <see cref="Json.WireWriter"/> writes them), in lowercase hex. The same request always gets the same key; any change
    /// to what is sent (prompt, conversation, model, settings) gives another.
    /// </summary>
    public static class RequestKey
    {
        /// <summary>The key of a serialized request body.</summary>
        public static string Of(byte[] body)
        {
            if (body is null) throw new ArgumentNullException(nameof(body));
            byte[] hash;
            using (var sha = SHA256.Create())
            {
                hash = sha.ComputeHash(body);
            }
            var sb = new StringBuilder(hash.Length * 2);
            foreach (var b in hash) sb.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return sb.ToString();
        }
    }
}
