using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

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
                _file.Dispose();
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

        // One write of the whole line and its newline, then a flush through the OS cache to the disk: once this returns,
        // a kill (or a power cut) cannot lose the record.
        private void WriteLine(byte[] json)
        {
            var line = new byte[json.Length + 1];
            Buffer.BlockCopy(json, 0, line, 0, json.Length);
            line[json.Length] = (byte)'\n';
            lock (_gate)
            {
                if (_disposed) throw new ObjectDisposedException(nameof(RunJournal), "The journal " + Path + " is closed.");
                _file.Write(line, 0, line.Length);
                _file.Flush(flushToDisk: true);
            }
        }

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

    /// <summary>One input of a journaled run: its key, which occurrence of that key it is, and what a previous run stored.</summary>
    public sealed class JournalEntry
    {
        internal JournalEntry(string key, int occurrence, string? input, string? model, JournalRecord? stored)
        {
            Key = key;
            Occurrence = occurrence;
            Input = input;
            Model = model;
            Stored = stored;
        }

        /// <summary>The request's key (SHA-256 of its body).</summary>
        public string Key { get; }

        /// <summary>1 for the first input with this key in the run, 2 for the second, ...</summary>
        public int Occurrence { get; }

        /// <summary>The input (the prompt).</summary>
        public string? Input { get; }

        /// <summary>The model asked for.</summary>
        public string? Model { get; }

        /// <summary>What a previous run stored for this input, or null when it never finished.</summary>
        public JournalRecord? Stored { get; }
    }

    /// <summary>A finished input as the journal holds it: its result (the server's JSON) or its final error.</summary>
    public sealed class JournalRecord
    {
        private JournalRecord(string key, int occurrence, string? input, string? model, DateTimeOffset? at, string? resultJson, JournalError? error)
        {
            Key = key;
            Occurrence = occurrence;
            Input = input;
            Model = model;
            At = at;
            ResultJson = resultJson;
            Error = error;
        }

        /// <summary>The request's key (SHA-256 of its body).</summary>
        public string Key { get; }

        /// <summary>Which occurrence of the key in its run.</summary>
        public int Occurrence { get; }

        /// <summary>The input (the prompt), when there was one.</summary>
        public string? Input { get; }

        /// <summary>The model asked for.</summary>
        public string? Model { get; }

        /// <summary>When the record was written.</summary>
        public DateTimeOffset? At { get; }

        /// <summary>The result as the server sent it (JSON text), for a success.</summary>
        public string? ResultJson { get; }

        /// <summary>The final error, for a failure.</summary>
        public JournalError? Error { get; }

        /// <summary>Whether the input succeeded.</summary>
        public bool Succeeded => ResultJson is not null;

        internal static bool TryParse(ArraySegment<byte> line, out JournalRecord? record)
        {
            record = null;
            try
            {
                using var doc = JsonDocument.Parse(new ReadOnlyMemory<byte>(line.Array, line.Offset, line.Count));
                var e = doc.RootElement;
                if (e.ValueKind != JsonValueKind.Object) return false;
                if (!e.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.String) return false;
                var n = e.TryGetProperty("n", out var nv) && nv.TryGetInt32(out var count) && count > 0 ? count : 1;
                string? Str(JsonElement o, string name) => o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                DateTimeOffset? at = DateTimeOffset.TryParse(Str(e, "at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : (DateTimeOffset?)null;
                if (e.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object)
                {
                    record = new JournalRecord(key.GetString()!, n, Str(e, "input"), Str(e, "model"), at, result.GetRawText(), null);
                    return true;
                }
                if (e.TryGetProperty("error", out var err) && err.ValueKind == JsonValueKind.Object)
                {
                    int? http = err.TryGetProperty("httpStatus", out var hs) && hs.TryGetInt32(out var code) ? code : (int?)null;
                    var attempts = err.TryGetProperty("attempts", out var a) && a.TryGetInt32(out var at2) ? at2 : 1;
                    var error = new JournalError(http, Str(err, "status"), Str(err, "errorId") ?? "Gemini.RequestFailed", Str(err, "message") ?? "(no message)",
                        Str(err, "serverMessage"), Str(err, "requestId"), attempts,
                        err.TryGetProperty("timeout", out var to) && to.ValueKind == JsonValueKind.True,
                        err.TryGetProperty("connectionFailure", out var cf) && cf.ValueKind == JsonValueKind.True);
                    record = new JournalRecord(key.GetString()!, n, Str(e, "input"), Str(e, "model"), at, null, error);
                    return true;
                }
                return false;
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }

    /// <summary>An input's final error as a journal keeps it (never a token: messages are redacted before they get here).</summary>
    public sealed class JournalError
    {
        internal JournalError(int? httpStatus, string? status, string errorId, string message, string? serverMessage, string? requestId, int attempts,
            bool isTimeout, bool isConnectionFailure)
        {
            HttpStatus = httpStatus;
            Status = status;
            ErrorId = errorId;
            Message = message;
            ServerMessage = serverMessage;
            RequestId = requestId;
            Attempts = attempts;
            IsTimeout = isTimeout;
            IsConnectionFailure = isConnectionFailure;
        }

        /// <summary>The HTTP status, if the server answered.</summary>
        public int? HttpStatus { get; }

        /// <summary>Google's status (e.g. <c>RESOURCE_EXHAUSTED</c>).</summary>
        public string? Status { get; }

        /// <summary>The ErrorId the error record had (e.g. <c>Gemini.RESOURCE_EXHAUSTED</c>).</summary>
        public string ErrorId { get; }

        /// <summary>The whole message, as the error record showed it.</summary>
        public string Message { get; }

        /// <summary>The server's own message.</summary>
        public string? ServerMessage { get; }

        /// <summary>The server's request id.</summary>
        public string? RequestId { get; }

        /// <summary>Attempts made before giving up.</summary>
        public int Attempts { get; }

        /// <summary>Whether our own time limit ran out.</summary>
        public bool IsTimeout { get; }

        /// <summary>Whether the request got no HTTP answer.</summary>
        public bool IsConnectionFailure { get; }

        internal static JournalError From(GeminiApiException e)
            => new JournalError(e.HttpStatus, e.Status, e.ErrorId, e.Message, e.ErrorMessage, e.RequestId, e.Attempts, e.IsTimeout, e.IsConnectionFailure);

        /// <summary>The error as the exception it was (for writing it again as an error record).</summary>
        public GeminiApiException ToException(string? model = null)
            => new GeminiApiException(Message, HttpStatus, Status, ServerMessage, null, RequestId)
            {
                Attempts = Attempts,
                IsTimeout = IsTimeout,
                IsConnectionFailure = IsConnectionFailure,
                Model = model,
            };
    }

    /// <summary>Another run has the journal open: two runs on one journal would interleave, so the second is refused.</summary>
    public sealed class JournalBusyException : IOException
    {
        /// <summary>Creates the exception.</summary>
        public JournalBusyException(string path, Exception? inner = null)
            : base($"The journal {path} is in use by another run (in this or another process). Wait for it to finish, or give another -Journal file.", inner)
        {
            JournalPath = path;
        }

        /// <summary>The journal file.</summary>
        public string JournalPath { get; }
    }
}
