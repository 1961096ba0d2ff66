using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace VertexAI.Batch
{
    /// <summary>
    /// Reads a batch job's output files (downloaded to disk) back in input order. Vertex does not keep the order, so a first
    /// pass notes, for each line, its input position (<see cref="NativeRequestTranslator.LineLabel"/>) and where it is in
    /// which file; the second pass reads the lines in that order. Only the index (a few bytes a line) is held in memory.
    /// Lines without the label (input not written by this module) come last, in file order.
    /// </summary>
    public sealed class BatchOutputReader : IDisposable
    {
        private readonly List<Stream> _files = new List<Stream>();
        private readonly List<Entry> _entries = new List<Entry>();

        /// <summary>Adds a downloaded output file (readable and seekable; disposed with this reader) and indexes its lines.</summary>
        public void Add(Stream file)
        {
            if (file is null) throw new ArgumentNullException(nameof(file));
            var fileIndex = _files.Count;
            _files.Add(file);
            file.Position = 0;
            var sequence = _entries.Count;
            foreach (var (offset, length) in Lines(file))
            {
                var bytes = Read(file, offset, length);
                _entries.Add(new Entry(LineOf(bytes), fileIndex, offset, length, sequence++));
            }
        }

        /// <summary>Output lines seen.</summary>
        public int Count => _entries.Count;

        /// <summary>The lines in input order.</summary>
        /// <param name="model">The job's model, for completions whose response names none.</param>
        public IEnumerable<BatchOutputLine> ReadInOrder(string? model)
        {
            _entries.Sort((a, b) =>
            {
                if (a.Line is long x && b.Line is long y) return x != y ? x.CompareTo(y) : a.Sequence.CompareTo(b.Sequence);
                if (a.Line is null && b.Line is null) return a.Sequence.CompareTo(b.Sequence);
                return a.Line is null ? 1 : -1;
            });
            foreach (var e in _entries)
            {
                var bytes = Read(_files[e.File], e.Offset, e.Length);
                yield return BatchOutputLine.Parse(Encoding.UTF8.GetString(bytes), model);
            }
        }

        /// <inheritdoc/>
        public void Dispose()
        {
            foreach (var f in _files) f.Dispose();
            _files.Clear();
        }

        // Only the label is read in the first pass.
        private static long? LineOf(byte[] json)
        {
            try
            {
                using var doc = JsonDocument.Parse(json);
                if (doc.RootElement.ValueKind == JsonValueKind.Object
                    && doc.RootElement.TryGetProperty("request", out var request) && request.ValueKind == JsonValueKind.Object
                    && request.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Object
                    && labels.TryGetProperty(NativeRequestTranslator.LineLabel, out var n) && n.ValueKind == JsonValueKind.String
                    && long.TryParse(n.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var line))
                {
                    return line;
                }
            }
            catch (JsonException)
            {
                // An unreadable line is reported when it is read in order.
            }
            return null;
        }

        // (offset, length) of each non-empty line, '\n' or "\r\n" separated.
        private static IEnumerable<(long Offset, int Length)> Lines(Stream file)
        {
            var buffer = new byte[64 * 1024];
            long position = 0;
            long lineStart = 0;
            int read;
            file.Position = 0;
            var found = new List<(long, int)>();
            while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
            {
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] != (byte)'\n') continue;
                    var end = position + i;
                    var length = (int)(end - lineStart);
                    if (length > 0) found.Add((lineStart, length));
                    lineStart = end + 1;
                }
                position += read;
                foreach (var f in found) yield return f;
                found.Clear();
            }
            if (position > lineStart) yield return (lineStart, (int)(position - lineStart));
        }

        private static byte[] Read(Stream file, long offset, int length)
        {
            var saved = file.Position;
            var bytes = new byte[length];
            file.Position = offset;
            var done = 0;
            while (done < length)
            {
                var n = file.Read(bytes, done, length - done);
                if (n == 0) throw new EndOfStreamException();
                done += n;
            }
            file.Position = saved;
            // A trailing '\r' (CRLF files) is whitespace to the JSON parser.
            return bytes;
        }

        private readonly struct Entry
        {
            internal Entry(long? line, int file, long offset, int length, int sequence)
            {
                Line = line;
                File = file;
                Offset = offset;
                Length = length;
                Sequence = sequence;
            }

            internal long? Line { get; }
            internal int File { get; }
            internal long Offset { get; }
            internal int Length { get; }
            internal int Sequence { get; }
        }
    }
}
