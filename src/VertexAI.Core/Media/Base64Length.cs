namespace VertexAI.Media
{
    /// <summary>The size of base64 data once decoded, without decoding it.</summary>
    internal static class Base64Length
    {
        /// <summary>
        /// The number of bytes <paramref name="base64"/> decodes to: three per four characters, less one per <c>=</c> of
        /// padding. Whitespace (line-wrapped base64) is not counted. Length * 3 / 4 alone counts the padding as bytes.
        /// </summary>
        internal static long Decoded(string? base64)
        {
            if (string.IsNullOrEmpty(base64)) return 0;
            long chars = 0;
            var padding = 0;
            foreach (var c in base64!)
            {
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
                if (c == '=') padding++;
                else chars++;
            }
            // Unpadded base64 (allowed by some producers) still decodes to floor(6 * chars / 8) bytes.
            return padding > 0 ? (chars + padding) / 4 * 3 - padding : chars * 6 / 8;
        }
    }
}
