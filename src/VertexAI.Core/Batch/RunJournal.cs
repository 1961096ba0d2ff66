using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;

namespace VertexAI.Batch
{
    /// <summary>
    /// A run's journal: one JSON line per finished input (its result exactly as the server sent it, or its final error),
    /// appended and flushed to disk the moment the input finishes, so that a run killed at any point can be run again and
    /// send only what had not finished. Held open exclusively (a second run on the same file is refused); a torn last line
    /// (the process killed mid-write) is dropped when the journal is opened.
    /// </summary>
    /// <remarks>
    /// <para>Format (JSON Lines, UTF-8): a header <c>{"vertexaiJournal":1,"created":"..."}</c>, then records
    /// <c>{"key":"&lt;sha-256 hex of the request body&gt;","n":1,"input":"...","model":"...","at":"...","result":{...}}</c>
    /// or the same with <c>"error":{"httpStatus","status","errorId","message","serverMessage","requestId","attempts",
    /// "timeout","connectionFailure"}</c> in place of <c>result</c>. Never a token: error messages are already redacted.</para>
    /// <para><c>n</c> counts identical requests within one run (the same prompt twice is two inputs): the second one
    /// is <c>n</c> 2, so each is replayed once. Of several records for one key and <c>n</c> the last one counts.</para>
    /// <para>Not tied to chat: any request whose body is JSON and whose answer is JSON can be journaled the same way.</para>
    /// </remarks>
    public sealed class RunJournal : IDisposable
    {
        /// <summary>The journal format this version writes and reads.</summary>
        public const int FormatVersion = 1;

        private const string HeaderMember = "vertexaiJournal";
        private static readonly JsonWriterOptions s_writerOptions = new JsonWriterOptions
        {
            // A file, not HTML: text stays readable (and no longer) in the journal; every value is still escaped as JSON requires.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        private readonly FileStream _file;
        private readonly object _gate = new object();
        private readonly Dictionary<string, JournalRecord> _stored;
        private readonly Dictionary<string, int> _claimed = new Dictionary<string, int>(StringComparer.Ordinal);
        private bool _disposed;

        // Group commit (see WriteLine): lines queued, the last ticket handed out, the last one on disk, whether a flush is
        // running, and a failed flush's reach and cause.
        private List<byte[]> _pending = new List<byte[]>();
        private long _queued;
        private long _durable;
        private bool _flushing;
        private long _failedUpTo;
        private Exception? _failure;

        private RunJournal(string path, FileStream file, Dictionary<string, JournalRecord> stored, int unreadable, bool tornTail)
        {
            Path = path;
            _file = file;
            _stored = stored;
            UnreadableLines = unreadable;
            DroppedTornLine = tornTail;
            foreach (var r in stored.Values)
            {
                if (r.Succeeded) StoredSucceeded++;
                else StoredFailed++;
            }
        }

        /// <summary>The journal file (full path).</summary>
        public string Path { get; }

        /// <summary>Inputs stored with a result when the journal was opened.</summary>
        public int StoredSucceeded { get; }

        /// <summary>Inputs stored with a final error when the journal was opened.</summary>
        public int StoredFailed { get; }

        /// <summary>Complete lines that could not be read as records (skipped).</summary>
        public int UnreadableLines { get; }

        /// <summary>Whether an unfinished last line (a run killed while writing it) was dropped on opening.</summary>
        public bool DroppedTornLine { get; }

        /// <summary>
        /// Opens (or creates) a journal for a run: reads what it holds, drops a torn last line, and keeps the file open
        /// exclusively until <see cref="Dispose"/>.
        /// </summary>
        /// <exception cref="JournalBusyException">Another run (in this or another process) has the journal open.</exception>
        /// <exception cref="InvalidDataException">The file exists but is not a journal (it is left untouched).</exception>
        public static RunJournal Open(string path)
        {
            if (string.IsNullOrEmpty(path)) throw new ArgumentException("A journal path is required.", nameof(path));
            var full = System.IO.Path.GetFullPath(path);
            FileStream file;
            try
            {
                // FileShare.None: on Windows a sharing lock, on Unix .NET takes flock(LOCK_EX); either is released when the
                // process ends, however it ends, so a killed run never leaves the journal locked.
                file = new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.None);
            }
            catch (IOException ex) when (IsSharingViolation(ex, full))
            {
                throw new JournalBusyException(full, ex);
            }
            try
            {
                var content = ReadAll(file);
                var stored = Parse(content, full, out var goodLength, out var unreadable, out var torn, out var hasHeader);
                if (torn)
                {
                    // The next record must start on a line of its own, not glued to the remains of a killed write.
                    file.SetLength(goodLength);
                }
                file.Seek(0, SeekOrigin.End);
                var journal = new RunJournal(full, file, stored, unreadable, torn);
                if (!hasHeader) journal.WriteLine(Header());
                return journal;
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Reads a journal without taking it for a run: the record that counts for each input (the last one written for
        /// it), in the order they were first written. A torn last line is ignored.
        /// </summary>
        /// <exception cref="JournalBusyException">A run has the journal open.</exception>
        /// <exception cref="InvalidDataException">The file is not a journal.</exception>
        public static IReadOnlyList<JournalRecord> ReadRecords(string path)
        {
            if (string.IsNullOrEmpty(path)) throw new ArgumentException("A journal path is required.", nameof(path));
            var full = System.IO.Path.GetFullPath(path);
            byte[] content;
            try
            {
                using var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
                content = ReadAll(file);
            }
            catch (IOException ex) when (!(ex is FileNotFoundException) && !(ex is DirectoryNotFoundException) && IsSharingViolation(ex, full))
            {
                throw new JournalBusyException(full, ex);
            }
            var stored = Parse(content, full, out _, out _, out _, out _);
            return new List<JournalRecord>(stored.Values);
        }

        /// <summary>
        /// Claims the next input of the run, in input order (call it from one thread, as inputs come): its key and
        /// occurrence, and the record a previous run stored for it, if any.
        /// </summary>
        /// <param name="key">The request's key (<see cref="RequestKey.Of"/> of its body).</param>
        /// <param name="input">The input as the user gave it (the prompt), stored with the record.</param>
        /// <param name="model">The model the request asks for, stored with the record.</param>
        public JournalEntry Claim(string key, string? input, string? model)
        {
            if (string.IsNullOrEmpty(key)) throw new ArgumentException("A key is required.", nameof(key));
            lock (_gate)
            {
                _claimed.TryGetValue(key, out var n);
                n++;
                _claimed[key] = n;
                _stored.TryGetValue(SlotOf(key, n), out var stored);
                return new JournalEntry(key, n, input, model, stored);
            }
        }

        /// <summary>Appends an input's result (the response body as the server sent it) and flushes it to disk.</summary>
        /// <exception cref="JsonException">The body is not JSON.</exception>
        public void AppendResult(JournalEntry entry, byte[] responseBody)
        {
            if (entry is null) throw new ArgumentNullException(nameof(entry));
            if (responseBody is null) throw new ArgumentNullException(nameof(responseBody));
            using var doc = JsonDocument.Parse(responseBody);
            // The JSON as it came, member for member (numbers as written, unknown members included), on one line.
            WriteLine(Record(entry, w =>
            {
                w.WritePropertyName("result");
                doc.RootElement.WriteTo(w);
            }));
        }

        /// <summary>Appends an input's final error and flushes it to disk.</summary>
        public void AppendError(JournalEntry entry, GeminiApiException error)
        {
            if (entry is null) throw new ArgumentNullException(nameof(entry));
            if (error is null) throw new ArgumentNullException(nameof(error));
            var e = JournalError.From(error);
            WriteLine(Record(entry, w =>
            {
                w.WriteStartObject("error");
                if (e.HttpStatus is int code) w.WriteNumber("httpStatus", code);
                if (e.Status is not null) w.WriteString("status", e.Status);
                w.WriteString("errorId", e.ErrorId);
                w.WriteString("message", e.Message);
                if (e.ServerMessage is not null) w.WriteString("serverMessage", e.ServerMessage);
                if (e.RequestId is not null) w.WriteString("requestId", e.RequestId);
                w.WriteNumber("attempts", e.Attempts);
                if (e.IsTimeout) w.WriteBoolean("timeout", true);
                if (e.IsConnectionFailure) w.WriteBoolean("connectionFailure", true);
                w.WriteEndObject();
            }));
        }

        /// <summary>Closes the journal (what was appended is already on disk).</summary>
        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed) return;
                _disposed = true;
                // A flush under way finishes first; what was only queued is not written (its callers were cancelled).
                while (_flushing) Monitor.Wait(_gate);
                _file.Dispose();
                Monitor.PulseAll(_gate);
            }
        }

        private static string SlotOf(string key, int n) => key + "#" + n.ToString(CultureInfo.InvariantCulture);

        private static byte[] Header()
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, s_writerOptions))
            {
                w.WriteStartObject();
                w.WriteNumber(HeaderMember, FormatVersion);
                w.WriteString("created", DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture));
                w.WriteEndObject();
            }
            return buffer.ToArray();
        }

        private static byte[] Record(JournalEntry entry, Action<Utf8JsonWriter> outcome)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, s_writerOptions))
            {
                w.WriteStartObject();
                w.WriteString("key", entry.Key);
                w.WriteNumber("n", entry.Occurrence);
                if (entry.Input is not null) w.WriteString("input", entry.Input);
                if (entry.Model is not null) w.WriteString("model", entry.Model);
                w.WriteString("at", DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture));
                outcome(w);
                w.WriteEndObject();
            }
            return buffer.ToArray();
        }

        // A record is on disk (written and flushed through the OS cache) before this returns: once it has, a kill or a power
        // cut cannot lose it. Group commit: records that arrive while another thread is flushing are written and flushed
        // together by the next flush, so concurrent requests share one fsync instead of queueing for one each. Only the
        // thread doing the flush touches the file.
        private void WriteLine(byte[] json)
        {
            var line = new byte[json.Length + 1];
            Buffer.BlockCopy(json, 0, line, 0, json.Length);
            line[json.Length] = (byte)'\n';
            long ticket;
            lock (_gate)
            {
                if (_disposed) throw Closed();
                _pending.Add(line);
                ticket = ++_queued;
            }
            while (true)
            {
                List<byte[]> batch;
                long upTo;
                lock (_gate)
                {
                    while (true)
                    {
                        if (_durable >= ticket) return;
                        if (_failedUpTo >= ticket) throw new IOException("Writing the journal " + Path + " failed: " + _failure!.Message, _failure);
                        if (_disposed) throw Closed();
                        if (!_flushing) break;
                        Monitor.Wait(_gate);
                    }
                    _flushing = true;
                    batch = _pending;
                    _pending = new List<byte[]>();
                    upTo = _queued;
                }
                Exception? failure = null;
                try
                {
                    foreach (var l in batch) _file.Write(l, 0, l.Length);
                    _file.Flush(flushToDisk: true);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ObjectDisposedException)
                {
                    failure = ex;
                }
                lock (_gate)
                {
                    _flushing = false;
                    if (failure is null)
                    {
                        _durable = upTo;
                    }
                    else
                    {
                        _failedUpTo = upTo;
                        _failure = failure;
                    }
                    Monitor.PulseAll(_gate);
                }
            }
        }

        private ObjectDisposedException Closed() => new ObjectDisposedException(nameof(RunJournal), "The journal " + Path + " is closed.");

        private static byte[] ReadAll(FileStream file)
        {
            file.Seek(0, SeekOrigin.Begin);
            using var copy = new MemoryStream();
            file.CopyTo(copy);
            return copy.ToArray();
        }

        // Reads the lines; the last one counts only when it ends with a newline (else it is torn). goodLength is where
        // the complete lines end.
        private static Dictionary<string, JournalRecord> Parse(byte[] content, string path, out long goodLength, out int unreadable,
            out bool torn, out bool hasHeader)
        {
            var stored = new Dictionary<string, JournalRecord>(StringComparer.Ordinal);
            unreadable = 0;
            torn = false;
            hasHeader = false;
            goodLength = 0;
            var start = 0;
            var first = true;
            while (start < content.Length)
            {
                var end = Array.IndexOf(content, (byte)'\n', start);
                if (end < 0)
                {
                    // Killed mid-write. A file that holds only the start of a header is a journal killed while being created.
                    if (first && !StartsLikeHeader(content, start)) throw NotAJournal(path);
                    torn = true;
                    break;
                }
                var line = new ArraySegment<byte>(content, start, end - start);
                start = end + 1;
                goodLength = start;
                if (first)
                {
                    first = false;
                    if (!IsHeader(line, path)) throw NotAJournal(path);
                    hasHeader = true;
                    continue;
                }
                if (line.Count == 0 || IsBlank(line)) continue;
                if (JournalRecord.TryParse(line, out var record))
                {
                    var slot = SlotOf(record!.Key, record.Occurrence);
                    // The last record of an input counts (a later run's answer replaces an earlier error), in first-seen order.
                    stored.Remove(slot);
                    stored[slot] = record;
                }
                else
                {
                    unreadable++;
                }
            }
            return stored;
        }

        private static bool IsBlank(ArraySegment<byte> line)
        {
            for (var i = line.Offset; i < line.Offset + line.Count; i++)
            {
                var b = line.Array![i];
                if (b != (byte)' ' && b != (byte)'\r' && b != (byte)'\t') return false;
            }
            return true;
        }

        private static bool StartsLikeHeader(byte[] content, int start)
        {
            var prefix = Encoding.UTF8.GetBytes("{\"" + HeaderMember + "\"");
            var n = Math.Min(prefix.Length, content.Length - start);
            for (var i = 0; i < n; i++)
            {
                if (content[start + i] != prefix[i]) return false;
            }
            return true;
        }

        private static bool IsHeader(ArraySegment<byte> line, string path)
        {
            try
            {
                using var doc = JsonDocument.Parse(new ReadOnlyMemory<byte>(line.Array, line.Offset, line.Count));
                if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty(HeaderMember, out var version)) return false;
                if (!version.TryGetInt32(out var v) || v != FormatVersion)
                {
                    throw new InvalidDataException($"The journal {path} has format version {version.GetRawText()}; this version of the module reads version {FormatVersion}.");
                }
                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        private static InvalidDataException NotAJournal(string path)
            => new InvalidDataException($"{path} is not a VertexAI journal (its first line is not a journal header); it was left untouched. Give a new file, or one a previous -Journal run wrote.");

        private static bool IsSharingViolation(IOException ex, string path)
        {
            // Windows: ERROR_SHARING_VIOLATION / ERROR_LOCK_VIOLATION. Unix: .NET reports the flock conflict as an IOException
            // whose HResult is EWOULDBLOCK; any IOException opening a file that exists is treated as "in use".
            const int SharingViolation = unchecked((int)0x80070020);
            const int LockViolation = unchecked((int)0x80070021);
            return ex.HResult == SharingViolation || ex.HResult == LockViolation || (File.Exists(path) && !(ex is FileNotFoundException) && !(ex is PathTooLongException));
        }
    }
}
