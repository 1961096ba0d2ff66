using System;
using System.Collections.Generic;
using System.IO;

namespace VertexAI
{
    /// <summary>
    /// An image or a sound the model generated: from <c>message.audio</c> (where Vertex puts generated images, with the
    /// media type in <c>extra_content.google.mime_type</c>), or from an <c>image_url</c> data: URI or <c>input_audio</c>
    /// part of the reply.
    /// </summary>
    public sealed class GeneratedMedia
    {
        private readonly string _base64;

        /// <summary>Creates a media item from its media type and base64 data.</summary>
        public GeneratedMedia(string mediaType, string base64)
        {
            MediaType = string.IsNullOrWhiteSpace(mediaType) ? "application/octet-stream" : mediaType;
            _base64 = base64 ?? throw new ArgumentNullException(nameof(base64));
        }

        /// <summary>The media type, e.g. <c>image/png</c>.</summary>
        public string MediaType { get; }

        /// <summary>The usual extension of <see cref="MediaType"/>, with the dot (e.g. <c>.png</c>).</summary>
        public string Extension => Media.MediaTypes.ExtensionOf(MediaType);

        /// <summary>Whether this is an image.</summary>
        public bool IsImage => MediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase);

        /// <summary>The size in bytes (of the decoded data, counted without decoding it).</summary>
        public long Length => Media.Base64Length.Decoded(_base64);

        /// <summary>The bytes (decoded from base64 on each call).</summary>
        public byte[] GetBytes() => Convert.FromBase64String(_base64);

        /// <summary>The data as a <c>data:</c> URI.</summary>
        public string ToDataUri() => "data:" + MediaType + ";base64," + _base64;

        /// <inheritdoc/>
        public override string ToString() => $"[{MediaType}, {Media.Base64Length.Decoded(_base64)} bytes]";

        /// <summary>The media of a message: its <c>audio</c> member first, then its data: image parts and base64 audio parts.</summary>
        public static List<GeneratedMedia> FromMessage(ChatMessage? message)
        {
            var result = new List<GeneratedMedia>();
            if (message is null) return result;
            if (message.Audio is { Data: { Length: > 0 } data } audio)
            {
                result.Add(new GeneratedMedia(audio.MimeType ?? "audio/wav", data));
            }
            if (message.Parts is null) return result;
            foreach (var part in message.Parts)
            {
                if (part.Type == "image_url" && part.ImageUrl is string url && url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
                {
                    Media.MediaReference.ParseDataUri(url, out var type, out var b64);
                    result.Add(new GeneratedMedia(type, b64));
                }
                else if (part.Type == "input_audio" && part.AudioData is string a && a.Length > 0 && Media.MediaReference.Classify(a) == Media.MediaReferenceKind.LocalPath)
                {
                    result.Add(new GeneratedMedia(part.AudioFormat ?? "application/octet-stream", a));
                }
            }
            return result;
        }

        /// <summary>
        /// Plans the file names for <paramref name="media"/>: with <paramref name="outFile"/> that name (several items get
        /// -1, -2, ... before the extension; a name without extension gets the media's), else in
        /// <paramref name="outDirectory"/> as <paramref name="baseName"/>-N.ext (N from 1; a lone item has no number).
        /// </summary>
        public static List<string> PlanFiles(IReadOnlyList<GeneratedMedia> media, string? outFile, string? outDirectory, string baseName)
        {
            if (media is null) throw new ArgumentNullException(nameof(media));
            var result = new List<string>(media.Count);
            for (var i = 0; i < media.Count; i++)
            {
                var suffix = media.Count == 1 ? string.Empty : "-" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (!string.IsNullOrEmpty(outFile))
                {
                    var ext = Path.GetExtension(outFile);
                    var stem = ext.Length == 0 ? outFile! : outFile!.Substring(0, outFile.Length - ext.Length);
                    result.Add(stem + suffix + (ext.Length == 0 ? media[i].Extension : ext));
                }
                else
                {
                    var dir = string.IsNullOrEmpty(outDirectory) ? "." : outDirectory!;
                    result.Add(Path.Combine(dir, SafeName(baseName) + suffix + media[i].Extension));
                }
            }
            return result;
        }

        /// <summary>
        /// Writes <paramref name="media"/> to <paramref name="paths"/> (from <see cref="PlanFiles"/>). Checks every path
        /// first: an existing file without <paramref name="force"/> is an <see cref="IOException"/> and nothing is written.
        /// Creates the directory when missing.
        /// </summary>
        public static void Save(IReadOnlyList<GeneratedMedia> media, IReadOnlyList<string> paths, bool force)
        {
            if (media is null) throw new ArgumentNullException(nameof(media));
            if (paths is null || paths.Count != media.Count) throw new ArgumentException("One path per media item is needed.", nameof(paths));
            if (!force)
            {
                foreach (var p in paths)
                {
                    if (File.Exists(p)) throw new IOException($"The file '{p}' already exists; use -Force to overwrite it.");
                }
            }
            for (var i = 0; i < media.Count; i++)
            {
                var dir = Path.GetDirectoryName(paths[i]);
                if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
                File.WriteAllBytes(paths[i], media[i].GetBytes());
            }
        }

        private static string SafeName(string name)
        {
            var chars = (string.IsNullOrWhiteSpace(name) ? "gemini" : name).ToCharArray();
            var invalid = Path.GetInvalidFileNameChars();
            for (var i = 0; i < chars.Length; i++) if (Array.IndexOf(invalid, chars[i]) >= 0) chars[i] = '_';
            return new string(chars);
        }
    }
}
