using System;
using System.IO;

namespace VertexAI.Media
{
    /// <summary>
    /// Builds message content parts from what a user names: Cloud Storage and https URIs pass through for Vertex to
    /// fetch, <c>data:</c> URIs carry their bytes, and local files are read and inlined as base64.
    /// </summary>
    /// <remarks>
    /// Local paths go through <c>resolveLocalPath</c> first (the cmdlets resolve them against PowerShell's current
    /// location); only the file named is read. A missing file is a <see cref="FileNotFoundException"/> whose
    /// <see cref="FileNotFoundException.FileName"/> is the resolved path; anything else that cannot be used is an
    /// <see cref="ArgumentException"/>.
    /// </remarks>
    public static class MediaParts
    {
        /// <summary>Size above which inline data is likely to exceed what one request may carry (about 20 MB).</summary>
        public const long LargeInlineBytes = 20L * 1024 * 1024;

        /// <summary>
        /// An <c>image_url</c> part. <c>gs://</c>, <c>https://</c> and <c>data:</c> URIs pass through unchanged; a local
        /// file becomes a <c>data:&lt;type&gt;;base64,...</c> URI with the media type from its extension (or content).
        /// </summary>
        /// <param name="value">A URI or a local path.</param>
        /// <param name="resolveLocalPath">Turns a local path into a full file-system path; null uses <see cref="Path.GetFullPath(string)"/>.</param>
        public static ContentPart Image(string value, Func<string, string>? resolveLocalPath = null)
        {
            var v = Check(value);
            switch (MediaReference.Classify(v))
            {
                case MediaReferenceKind.CloudStorage:
                case MediaReferenceKind.Https:
                case MediaReferenceKind.Data:
                    return ContentPart.FromImageUrl(v);
                case MediaReferenceKind.LocalPath:
                case MediaReferenceKind.FileUri:
                    var file = ReadLocal(v, resolveLocalPath);
                    return ContentPart.FromImageUrl("data:" + file.MediaType + ";base64," + file.Base64);
                default:
                    throw Refused(v);
            }
        }

        /// <summary>
        /// An <c>input_audio</c> part (Vertex accepts any blob here: audio, video, PDF). <c>gs://</c> and <c>https://</c>
        /// URIs pass through as the data, with the media type from the URI's extension as <c>format</c>; a <c>data:</c>
        /// URI is split into its media type and base64 payload; a local file is read as base64 (no <c>data:</c> prefix)
        /// with its media type as <c>format</c>.
        /// </summary>
        /// <param name="value">A URI or a local path.</param>
        /// <param name="resolveLocalPath">Turns a local path into a full file-system path; null uses <see cref="Path.GetFullPath(string)"/>.</param>
        public static ContentPart Audio(string value, Func<string, string>? resolveLocalPath = null)
        {
            var v = Check(value);
            switch (MediaReference.Classify(v))
            {
                case MediaReferenceKind.CloudStorage:
                case MediaReferenceKind.Https:
                    var format = MediaTypes.FromExtension(v)
                        ?? throw new ArgumentException(
                            $"Cannot tell the media type of '{MediaReference.Abbreviate(v)}' from its name: the URI needs a known extension (.mp3, .wav, .flac, .mp4, .pdf, ...). " +
                            "Alternatively download the file and pass its local path, or pass a data: URI.", nameof(value));
                    return ContentPart.FromInputAudio(v, format);
                case MediaReferenceKind.Data:
                    MediaReference.ParseDataUri(v, out var mediaType, out var base64);
                    return ContentPart.FromInputAudio(base64, mediaType);
                case MediaReferenceKind.LocalPath:
                case MediaReferenceKind.FileUri:
                    var file = ReadLocal(v, resolveLocalPath);
                    return ContentPart.FromInputAudio(file.Base64, file.MediaType);
                default:
                    throw Refused(v);
            }
        }

        /// <summary>
        /// Reads a local file (a path, or a <c>file:</c> URI) as base64 with its media type. Throws
        /// <see cref="FileNotFoundException"/> when it does not exist.
        /// </summary>
        /// <param name="value">A local path or a <c>file:</c> URI.</param>
        /// <param name="resolveLocalPath">Turns a local path into a full file-system path; null uses <see cref="Path.GetFullPath(string)"/>.</param>
        public static LocalMedia ReadLocal(string value, Func<string, string>? resolveLocalPath = null)
        {
            var v = Check(value);
            string path;
            if (MediaReference.Classify(v) == MediaReferenceKind.FileUri)
            {
                if (!Uri.TryCreate(v, UriKind.Absolute, out var uri) || !uri.IsFile)
                {
                    throw new ArgumentException($"'{v}' is not a valid file: URI.", nameof(value));
                }
                path = uri.LocalPath;
            }
            else
            {
                path = resolveLocalPath is null ? Path.GetFullPath(v) : resolveLocalPath(v);
            }

            if (!File.Exists(path))
            {
                var what = Directory.Exists(path) ? "is a directory, not a file" : "does not exist";
                throw new FileNotFoundException($"Cannot read '{v}': the file '{path}' {what}.", path);
            }
            var mediaType = MediaTypes.OfFile(path);
            var bytes = File.ReadAllBytes(path);
            return new LocalMedia(path, mediaType, bytes.LongLength, Convert.ToBase64String(bytes));
        }

        private static string Check(string value)
        {
            if (value is null) throw new ArgumentNullException(nameof(value));
            var v = value.Trim();
            if (v.Length == 0) throw new ArgumentException("The media reference is empty: give a gs:// or https:// URI, a data: URI or a file path.", nameof(value));
            return v;
        }

        private static ArgumentException Refused(string v)
        {
            var kind = MediaReference.Classify(v);
            return kind == MediaReferenceKind.Http
                ? new ArgumentException($"'{MediaReference.Abbreviate(v)}' is a plain http:// URL; Vertex AI fetches only https:// and gs:// URIs. Use https://, or download the file and pass its local path.", "value")
                : new ArgumentException($"'{MediaReference.Abbreviate(v)}' has a URI scheme Vertex AI cannot read; use gs://, https://, a data: URI or a local file path.", "value");
        }
    }

    /// <summary>A local file read for inlining.</summary>
    public sealed class LocalMedia
    {
        /// <summary>Creates the description of a file that was read.</summary>
        public LocalMedia(string path, string mediaType, long length, string base64)
        {
            Path = path;
            MediaType = mediaType;
            Length = length;
            Base64 = base64;
        }

        /// <summary>The full path that was read.</summary>
        public string Path { get; }

        /// <summary>The media type, e.g. <c>image/png</c>.</summary>
        public string MediaType { get; }

        /// <summary>The file's size in bytes.</summary>
        public long Length { get; }

        /// <summary>The content, base64-encoded.</summary>
        public string Base64 { get; }
    }
}
