using System;
using System.Collections.Generic;
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

        /// <summary>The largest local file inlined (20 MB, Vertex AI's limit for inline data in one request); larger files go through Cloud Storage.</summary>
        public const long MaxInlineBytes = LargeInlineBytes;

        /// <summary>
        /// A part for any file, its kind from the media type: images become <c>image_url</c> parts, everything else
        /// (audio, video, PDF, text) <c>input_audio</c> parts with the media type as <c>format</c>. <c>gs://</c> and
        /// <c>https://</c> URIs pass through; <c>data:</c> URIs and local files carry their bytes (local files up to
        /// <see cref="MaxInlineBytes"/>). <paramref name="mediaType"/> overrides the type from the name or content.
        /// </summary>
        /// <param name="value">A URI or a local path.</param>
        /// <param name="mediaType">The media type to use instead of the detected one (e.g. <c>application/pdf</c>).</param>
        /// <param name="resolveLocalPath">Turns a local path into a full file-system path; null uses <see cref="Path.GetFullPath(string)"/>.</param>
        public static ContentPart File(string value, string? mediaType = null, Func<string, string>? resolveLocalPath = null)
        {
            var v = Check(value);
            var given = string.IsNullOrWhiteSpace(mediaType) ? null : mediaType!.Trim();
            if (given is not null && given.IndexOf('/') <= 0)
            {
                throw new ArgumentException($"'{given}' is not a media type (type/subtype, e.g. application/pdf or image/png).", nameof(mediaType));
            }
            switch (MediaReference.Classify(v))
            {
                case MediaReferenceKind.CloudStorage:
                case MediaReferenceKind.Https:
                    var type = given ?? MediaTypes.FromExtension(v)
                        ?? throw new ArgumentException(
                            $"Cannot tell the media type of '{MediaReference.Abbreviate(v)}' from its name; give it with -MediaType (for example -MediaType application/pdf).", nameof(value));
                    return MediaTypes.IsImage(type) ? ContentPart.FromImageUrl(v) : ContentPart.FromInputAudio(v, type);
                case MediaReferenceKind.Data:
                    MediaReference.ParseDataUri(v, out var dataType, out var base64);
                    var t = given ?? dataType;
                    return MediaTypes.IsImage(t) ? ContentPart.FromImageUrl("data:" + t + ";base64," + base64) : ContentPart.FromInputAudio(base64, t);
                case MediaReferenceKind.LocalPath:
                case MediaReferenceKind.FileUri:
                    LocalMedia file;
                    try
                    {
                        file = ReadLocal(v, resolveLocalPath, given);
                    }
                    catch (ArgumentException ex) when (ex.Message.StartsWith("Cannot tell the media type", StringComparison.Ordinal))
                    {
                        throw new ArgumentException(ex.Message.TrimEnd('.') + ", or give the type with -MediaType (for example -MediaType application/pdf).", nameof(value), ex);
                    }
                    return MediaTypes.IsImage(file.MediaType)
                        ? ContentPart.FromImageUrl("data:" + file.MediaType + ";base64," + file.Base64)
                        : ContentPart.FromInputAudio(file.Base64, file.MediaType);
                default:
                    throw Refused(v);
            }
        }

        /// <summary>
        /// A multimodal function-response part for a tool message's <c>extra_content.google.parts</c>:
        /// <c>{"file_data": {"mime_type", "display_name", "file_uri"}}</c>. The media type defaults to the one from the
        /// URI's extension and the display name to the URI's last segment.
        /// </summary>
        public static Dictionary<string, object?> FileData(string fileUri, string? mediaType = null, string? displayName = null)
        {
            var v = Check(fileUri);
            var kind = MediaReference.Classify(v);
            if (kind != MediaReferenceKind.CloudStorage && kind != MediaReferenceKind.Https)
            {
                throw new ArgumentException($"'{MediaReference.Abbreviate(v)}' is not a gs:// or https:// URI; a function response's file_data names a file Vertex AI reads itself.", nameof(fileUri));
            }
            var type = string.IsNullOrWhiteSpace(mediaType) ? MediaTypes.FromExtension(v) : mediaType!.Trim();
            if (type is null)
            {
                throw new ArgumentException($"Cannot tell the media type of '{MediaReference.Abbreviate(v)}' from its name; give it with -MediaType (for example -MediaType image/jpeg).", nameof(mediaType));
            }
            var name = string.IsNullOrWhiteSpace(displayName) ? v.Substring(v.LastIndexOf('/') + 1) : displayName!;
            var data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["mime_type"] = type };
            if (name.Length > 0) data["display_name"] = name;
            data["file_uri"] = v;
            return new Dictionary<string, object?>(StringComparer.Ordinal) { ["file_data"] = data };
        }

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
        /// <param name="mediaType">The media type to use instead of the one from the name or content.</param>
        /// <exception cref="ArgumentException">The file is larger than <see cref="MaxInlineBytes"/>, or its type is unknown.</exception>
        public static LocalMedia ReadLocal(string value, Func<string, string>? resolveLocalPath = null, string? mediaType = null)
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

            if (!System.IO.File.Exists(path))
            {
                var what = Directory.Exists(path) ? "is a directory, not a file" : "does not exist";
                throw new FileNotFoundException($"Cannot read '{v}': the file '{path}' {what}.", path);
            }
            var length = new FileInfo(path).Length;
            if (length > MaxInlineBytes)
            {
                throw new ArgumentException(
                    $"'{v}' is {length / (1024.0 * 1024):0.0} MB; files are inlined only up to {MaxInlineBytes / (1024 * 1024)} MB (Vertex AI's limit for inline data). " +
                    "Upload it to Cloud Storage (gcloud storage cp) and pass the gs:// URI instead.", nameof(value));
            }
            var type = string.IsNullOrWhiteSpace(mediaType) ? MediaTypes.OfFile(path) : mediaType!.Trim();
            var bytes = System.IO.File.ReadAllBytes(path);
            return new LocalMedia(path, type, bytes.LongLength, Convert.ToBase64String(bytes));
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
