using System;
using System.Text.RegularExpressions;

namespace VertexAI.Media
{
    /// <summary>What kind of reference a media argument (<c>-Image</c>, <c>-Audio</c>) is.</summary>
    public enum MediaReferenceKind
    {
        /// <summary>A path on the local machine (anything that is not a URI).</summary>
        LocalPath,

        /// <summary>A Cloud Storage URI, <c>gs://bucket/object</c>: passed to Vertex as is.</summary>
        CloudStorage,

        /// <summary>An <c>https://</c> URL: passed to Vertex as is.</summary>
        Https,

        /// <summary>A plain <c>http://</c> URL: refused (Vertex fetches only https).</summary>
        Http,

        /// <summary>A <c>data:</c> URI carrying the bytes inline.</summary>
        Data,

        /// <summary>A <c>file:</c> URI: read as the local path it names.</summary>
        FileUri,

        /// <summary>A URI with any other scheme (<c>ftp://</c>, <c>s3://</c>, ...): refused.</summary>
        UnsupportedUri,
    }

    /// <summary>Classifies media arguments: URIs Vertex reads itself, inline data, or local files to read.</summary>
    public static class MediaReference
    {
        // "scheme://": two or more characters before the colon, so that a Windows drive ("C:\x", "C:/x") stays a path.
        private static readonly Regex s_schemeSlashes = new Regex(@"^[A-Za-z][A-Za-z0-9+.-]+://", RegexOptions.CultureInvariant);

        /// <summary>Classifies <paramref name="value"/> by its prefix (case-insensitive).</summary>
        public static MediaReferenceKind Classify(string value)
        {
            if (value is null) throw new ArgumentNullException(nameof(value));
            var v = value.Trim();
            if (StartsWith(v, "gs://")) return MediaReferenceKind.CloudStorage;
            if (StartsWith(v, "https://")) return MediaReferenceKind.Https;
            if (StartsWith(v, "http://")) return MediaReferenceKind.Http;
            if (StartsWith(v, "data:")) return MediaReferenceKind.Data;
            if (StartsWith(v, "file:")) return MediaReferenceKind.FileUri;
            if (s_schemeSlashes.IsMatch(v)) return MediaReferenceKind.UnsupportedUri;
            return MediaReferenceKind.LocalPath;
        }

        /// <summary>
        /// Splits a base64 <c>data:</c> URI into its media type and payload. Throws <see cref="ArgumentException"/>
        /// when the URI is not of the form <c>data:&lt;type&gt;[;param...];base64,&lt;data&gt;</c>.
        /// </summary>
        public static void ParseDataUri(string dataUri, out string mediaType, out string base64)
        {
            if (dataUri is null) throw new ArgumentNullException(nameof(dataUri));
            var v = dataUri.Trim();
            var comma = v.IndexOf(',');
            if (!StartsWith(v, "data:") || comma < 0)
            {
                throw new ArgumentException($"'{Abbreviate(v)}' is not a data: URI (data:<media type>;base64,<data>).", nameof(dataUri));
            }
            var header = v.Substring(5, comma - 5);
            var fields = header.Split(';');
            var isBase64 = false;
            for (var i = 1; i < fields.Length; i++)
            {
                if (string.Equals(fields[i].Trim(), "base64", StringComparison.OrdinalIgnoreCase)) isBase64 = true;
            }
            mediaType = fields[0].Trim();
            if (mediaType.Length == 0 || mediaType.IndexOf('/') <= 0)
            {
                throw new ArgumentException($"The data: URI '{Abbreviate(v)}' names no media type (data:<media type>;base64,<data>).", nameof(dataUri));
            }
            if (!isBase64)
            {
                throw new ArgumentException($"The data: URI '{Abbreviate(v)}' is not base64-encoded (data:{mediaType};base64,<data>).", nameof(dataUri));
            }
            base64 = v.Substring(comma + 1);
        }

        internal static string Abbreviate(string s) => s.Length <= 80 ? s : s.Substring(0, 77) + "...";

        private static bool StartsWith(string value, string prefix) => value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
    }
}
