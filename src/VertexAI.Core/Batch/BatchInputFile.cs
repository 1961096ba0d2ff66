using System;
using System.IO;
using System.Text.Json;

namespace VertexAI.Batch
{
    /// <summary>
    /// A batch job's input as it is collected: each request translated (<see cref="NativeRequestTranslator"/>) and appended
    /// as one JSONL line to a temporary file, so a hundred thousand prompts never sit in memory; the file is then uploaded
    /// from disk chunk by chunk and deleted when this is disposed.
    /// </summary>
    public sealed class BatchInputFile : IDisposable
    {
        private static readonly byte[] s_newline = { (byte)'\n' };
        private readonly FileStream _file;
        private readonly Utf8JsonWriter _writer;

        /// <summary>Creates an empty input in a new temporary file (deleted on dispose, or by the OS when the process dies).</summary>
        public BatchInputFile()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vertexai-batch-" + Guid.NewGuid().ToString("N") + ".jsonl");
            _file = new FileStream(Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
            _writer = new Utf8JsonWriter(_file);
        }

        /// <summary>Where the lines are written (for the log).</summary>
        public string Path { get; }

        /// <summary>Lines written so far.</summary>
        public long Count { get; private set; }

        /// <summary>Bytes written so far.</summary>
        public long Length => _file.Length;

        /// <summary>
        /// Translates <paramref name="request"/> and appends it as the next line. A request that cannot be translated throws
        /// <see cref="NativeTranslationException"/> and leaves the file as it was.
        /// </summary>
        public void Add(ChatRequest request)
        {
            NativeRequestTranslator.WriteLine(_writer, request, Count);
            _writer.Flush();
            _writer.Reset(_file);
            _file.Write(s_newline, 0, 1);
            Count++;
        }

        /// <summary>The file from its first byte, for the upload (no more lines may be added afterwards).</summary>
        public Stream OpenForUpload()
        {
            _writer.Flush();
            _file.Flush();
            _file.Position = 0;
            return _file;
        }

        /// <inheritdoc/>
        public void Dispose()
        {
            _writer.Dispose();
            _file.Dispose();
        }
    }
}
