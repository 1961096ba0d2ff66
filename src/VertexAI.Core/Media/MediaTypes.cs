using System;
using System.Collections.Generic;
using System.IO;

namespace VertexAI.Media
{
    /// <summary>
    /// Media types (MIME types) of the files Gemini reads: from a file name's extension, or from the first bytes of
    /// the content when the name does not tell.
    /// </summary>
    public static class MediaTypes
    {
        /// <summary>How many leading bytes <see cref="Sniff(byte[], int)"/> looks at, at most.</summary>
        public const int SniffLength = 16;

        // The spellings Vertex's documentation and samples use (audio/mp3, video/mov, ...), which Gemini accepts.
        private static readonly Dictionary<string, string> s_byExtension = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            // Images
            [".png"] = "image/png",
            [".jpg"] = "image/jpeg",
            [".jpeg"] = "image/jpeg",
            [".jpe"] = "image/jpeg",
            [".jfif"] = "image/jpeg",
            [".gif"] = "image/gif",
            [".webp"] = "image/webp",
            [".heic"] = "image/heic",
            [".heif"] = "image/heif",
            [".avif"] = "image/avif",
            [".bmp"] = "image/bmp",
            [".tif"] = "image/tiff",
            [".tiff"] = "image/tiff",
            [".svg"] = "image/svg+xml",
            // Audio
            [".mp3"] = "audio/mp3",
            [".mpga"] = "audio/mpeg",
            [".wav"] = "audio/wav",
            [".aac"] = "audio/aac",
            [".ogg"] = "audio/ogg",
            [".oga"] = "audio/ogg",
            [".opus"] = "audio/opus",
            [".flac"] = "audio/flac",
            [".aif"] = "audio/aiff",
            [".aiff"] = "audio/aiff",
            [".m4a"] = "audio/m4a",
            [".weba"] = "audio/webm",
            [".pcm"] = "audio/pcm",
            // Video
            [".mp4"] = "video/mp4",
            [".m4v"] = "video/mp4",
            [".mpeg"] = "video/mpeg",
            [".mpg"] = "video/mpeg",
            [".mov"] = "video/mov",
            [".avi"] = "video/avi",
            [".flv"] = "video/x-flv",
            [".webm"] = "video/webm",
            [".wmv"] = "video/wmv",
            [".3gp"] = "video/3gpp",
            [".3gpp"] = "video/3gpp",
            [".mkv"] = "video/x-matroska",
            // Documents and text
            [".pdf"] = "application/pdf",
            [".txt"] = "text/plain",
            [".md"] = "text/markdown",
            [".html"] = "text/html",
            [".htm"] = "text/html",
            [".csv"] = "text/csv",
            [".css"] = "text/css",
            [".js"] = "text/javascript",
            [".py"] = "text/x-python",
            [".json"] = "application/json",
            [".xml"] = "text/xml",
            [".rtf"] = "text/rtf",
        };

        /// <summary>
        /// The usual file extension (with the dot) of a media type, e.g. <c>.png</c> for <c>image/png</c>; <c>.bin</c> when
        /// the type is unknown. Parameters (<c>;rate=24000</c>) are ignored.
        /// </summary>
        public static string ExtensionOf(string? mediaType)
        {
            if (string.IsNullOrWhiteSpace(mediaType)) return ".bin";
            var type = mediaType!.Split(';')[0].Trim();
            switch (type.ToLowerInvariant())
            {
                case "image/jpeg":
                case "image/jpg": return ".jpg";
                case "audio/mpeg":
                case "audio/mp3": return ".mp3";
                case "audio/wav":
                case "audio/x-wav":
                case "audio/wave": return ".wav";
                case "audio/l16":
                case "audio/pcm": return ".pcm";
                case "video/mp4": return ".mp4";
                case "video/mpeg": return ".mpeg";
            }
            foreach (var kv in s_byExtension)
            {
                if (string.Equals(kv.Value, type, StringComparison.OrdinalIgnoreCase)) return kv.Key;
            }
            return ".bin";
        }

        /// <summary>
        /// The media type for a file name, path or URL from its extension (a URL's query and fragment are ignored);
        /// null when the extension is missing or unknown.
        /// </summary>
        public static string? FromExtension(string? pathOrUrl)
        {
            if (string.IsNullOrEmpty(pathOrUrl)) return null;
            var name = pathOrUrl!;
            var cut = name.IndexOfAny(new[] { '?', '#' });
            if (cut >= 0 && name.IndexOf("://", StringComparison.Ordinal) > 0) name = name.Substring(0, cut);
            var slash = name.LastIndexOfAny(new[] { '/', '\\' });
            if (slash >= 0) name = name.Substring(slash + 1);
            var dot = name.LastIndexOf('.');
            if (dot < 0) return null;
            return s_byExtension.TryGetValue(name.Substring(dot), out var type) ? type : null;
        }

        /// <summary>
        /// The media type told by the first bytes of a file (signatures of PNG, JPEG, GIF, WebP, HEIF/AVIF, BMP, TIFF,
        /// PDF, MP3, AAC, WAV, AIFF, OGG, FLAC, MP4/MOV/M4A/3GP, WebM, AVI); null when none matches.
        /// </summary>
        /// <param name="header">The first bytes of the content.</param>
        /// <param name="count">How many bytes of <paramref name="header"/> are valid.</param>
        public static string? Sniff(byte[] header, int count)
        {
            if (header is null) throw new ArgumentNullException(nameof(header));
            var n = Math.Min(count, header.Length);
            bool At(int offset, string ascii)
            {
                if (offset + ascii.Length > n) return false;
                for (var i = 0; i < ascii.Length; i++)
                {
                    if (header[offset + i] != (byte)ascii[i]) return false;
                }
                return true;
            }

            if (n >= 8 && header[0] == 0x89 && At(1, "PNG") && header[4] == 0x0D && header[5] == 0x0A && header[6] == 0x1A && header[7] == 0x0A) return "image/png";
            if (n >= 3 && header[0] == 0xFF && header[1] == 0xD8 && header[2] == 0xFF) return "image/jpeg";
            if (At(0, "GIF87a") || At(0, "GIF89a")) return "image/gif";
            if (At(0, "RIFF"))
            {
                if (At(8, "WEBP")) return "image/webp";
                if (At(8, "WAVE")) return "audio/wav";
                if (At(8, "AVI ")) return "video/avi";
                return null;
            }
            if (At(0, "%PDF-")) return "application/pdf";
            if (At(0, "ID3")) return "audio/mp3";
            if (At(0, "OggS")) return "audio/ogg";
            if (At(0, "fLaC")) return "audio/flac";
            if (At(0, "FORM") && (At(8, "AIFF") || At(8, "AIFC"))) return "audio/aiff";
            if (At(4, "ftyp"))
            {
                if (At(8, "heic") || At(8, "heix") || At(8, "hevc") || At(8, "hevx")) return "image/heic";
                if (At(8, "mif1") || At(8, "msf1") || At(8, "heif")) return "image/heif";
                if (At(8, "avif")) return "image/avif";
                if (At(8, "M4A ")) return "audio/m4a";
                if (At(8, "qt  ")) return "video/mov";
                if (At(8, "3gp")) return "video/3gpp";
                return "video/mp4";
            }
            if (n >= 4 && header[0] == 0x1A && header[1] == 0x45 && header[2] == 0xDF && header[3] == 0xA3) return "video/webm";
            if (At(0, "II*\0") || At(0, "MM\0*")) return "image/tiff";
            if (n >= 2 && header[0] == 0xFF)
            {
                // MPEG audio frame sync: AAC in ADTS (layer bits 00) or MP3 (layers 1-3).
                if ((header[1] & 0xF6) == 0xF0) return "audio/aac";
                if ((header[1] & 0xE0) == 0xE0) return "audio/mp3";
            }
            if (At(0, "BM") && n >= 6) return "image/bmp";
            return null;
        }

        /// <summary>
        /// The media type of a local file: from its extension, else from its first bytes. Throws
        /// <see cref="ArgumentException"/> when neither tells.
        /// </summary>
        public static string OfFile(string path)
        {
            var type = FromExtension(path);
            if (type is not null) return type;
            var header = new byte[SniffLength];
            int read;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                read = ReadUpTo(stream, header);
            }
            return Sniff(header, read)
                // No parameter name: callers add their own remedy, and the message stays one sentence.
                ?? throw new ArgumentException(
                    $"Cannot tell the media type of '{path}' (its extension is not one Gemini reads and its content has no known signature): " +
                    "use a file with a known extension (.png, .jpg, .webp, .pdf, .mp3, .wav, .mp4, ...).");
        }

        /// <summary>Whether a media type is an image type (<c>image/...</c>).</summary>
        public static bool IsImage(string? mediaType)
            => mediaType is not null && mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase);

        private static int ReadUpTo(Stream stream, byte[] buffer)
        {
            var total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0) total += read;
            return total;
        }
    }
}
