using System;
using System.Globalization;
using System.Text.Json;

namespace VertexAI.Batch
{
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
}
