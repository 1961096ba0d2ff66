using System;
using System.Collections.Generic;
using System.IO;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using VertexAI.Json;

namespace VertexAI.Streaming
{
    /// <summary>
    /// Turns a Server-Sent Events body into chunks, one as soon as its event has been parsed. Framing (CRLF, comments,
    /// multi-line data, <c>event:</c> fields) is System.Net.ServerSentEvents' job; this reader adds the OpenAI layer:
    /// <c>[DONE]</c>, error objects mid-stream, and clear errors for malformed or unfinished streams.
    /// </summary>
    /// <remarks>
    /// It only parses: folding the chunks into a message is the job of whoever consumes them (the client's stream path,
    /// <see cref="GeminiClient.StreamChunksAsync"/>), which also completes a failure with the partial message.
    /// </remarks>
    public static class ChunkStreamReader
    {
        /// <summary>The largest event accepted; a larger one is reported rather than buffered without bound.</summary>
        public const int MaxEventBytes = 16 * 1024 * 1024;

        private static readonly byte[] s_done = Encoding.ASCII.GetBytes("[DONE]");

        /// <summary>
        /// Reads chunks from <paramref name="body"/>. A failure is a <see cref="GeminiStreamException"/> that says how many
        /// chunks came before it (the consumer that folded them adds the partial message).
        /// </summary>
        /// <param name="body">The response body.</param>
        /// <param name="requestId">The server's request id, for error messages.</param>
        /// <param name="idleTimeout">The longest silence tolerated between events.</param>
        /// <param name="cancellationToken">Stops reading.</param>
        /// <param name="maxEventBytes">The largest event accepted (default <see cref="MaxEventBytes"/>).</param>
        public static async IAsyncEnumerable<ChatCompletionChunk> ReadAsync(Stream body, string? requestId, TimeSpan idleTimeout,
            [EnumeratorCancellation] CancellationToken cancellationToken = default, int maxEventBytes = MaxEventBytes)
        {
            var read = new StreamProgress();
            var parser = SseParser.Create(new EventSizeGuardStream(body, maxEventBytes), ParseFrame);
            var done = false;
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // Re-arming the timer on every event costs more than the event itself; re-arming once an eighth of the limit
            // has passed keeps the allowed silence between 7/8 of the limit and the limit.
            var idleLimited = idleTimeout > TimeSpan.Zero && idleTimeout != Timeout.InfiniteTimeSpan;
            var rearmTicks = idleTimeout.Ticks / 8;
            if (idleLimited) idle.CancelAfter(idleTimeout);
            var sinceArmed = System.Diagnostics.Stopwatch.StartNew();
            // On .NET Framework a pending read ignores its token, so neither the idle limit nor Ctrl+C would end it:
            // disposing the body does, on every runtime. The read then fails, and the catches below say why.
            using var abort = idle.Token.Register(static b => ((Stream)b!).Dispose(), body);
            var enumerator = parser.EnumerateAsync(idle.Token).GetAsyncEnumerator(idle.Token);
            try
            {
                while (true)
                {
                    bool moved;
                    if (idleLimited && sinceArmed.Elapsed.Ticks >= rearmTicks)
                    {
                        idle.CancelAfter(idleTimeout);
                        sinceArmed.Restart();
                    }
                    try
                    {
                        moved = await enumerator.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (Exception) when (cancellationToken.IsCancellationRequested)
                    {
                        // Whatever the aborted read threw, the caller asked to stop: say so, not "connection broke".
                        throw new OperationCanceledException(cancellationToken);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        var stalled = Broken(FormattableString.Invariant($"The stream went silent: no event for {idleTimeout.TotalSeconds:0.#} s"), read, requestId, null, connectionFailure: true);
                        stalled.IsTimeout = true;
                        throw stalled;
                    }
                    catch (Exception) when (idle.IsCancellationRequested)
                    {
                        // The idle limit fired and the body was disposed under the read (whatever that read threw).
                        var stalled = Broken(FormattableString.Invariant($"The stream went silent: no event for {idleTimeout.TotalSeconds:0.#} s"), read, requestId, null, connectionFailure: true);
                        stalled.IsTimeout = true;
                        throw stalled;
                    }
                    catch (EventTooLargeException ex)
                    {
                        throw Broken($"The stream is not valid: {ex.Message}", read, requestId, ex);
                    }
                    catch (Exception ex) when (ex is IOException || ex is System.Net.Http.HttpRequestException || ex is ObjectDisposedException)
                    {
                        throw Broken($"The connection broke mid-stream ({ex.Message})", read, requestId, ex, connectionFailure: true);
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException))
                    {
                        // Whatever else a malformed stream provokes, the caller gets one clear error type, never a crash.
                        throw Broken($"The stream could not be read ({ex.GetType().Name}: {ex.Message})", read, requestId, ex);
                    }
                    if (!moved) break;

                    var frame = enumerator.Current.Data;
                    switch (frame.Kind)
                    {
                        case FrameKind.Done:
                            done = true;
                            break;
                        case FrameKind.Empty:
                            continue;
                        case FrameKind.Error:
                            throw new GeminiStreamException(
                                GeminiApiException.Describe(frame.ErrorCode, frame.ErrorStatus, frame.ErrorMessage, requestId), "",
                                read.ChunkCount, frame.ErrorCode, frame.ErrorStatus, frame.ErrorMessage, frame.ErrorDetails, requestId)
                            { ResponseBody = frame.Raw };
                        case FrameKind.Malformed:
                            throw Broken($"An event is not valid JSON ({frame.ErrorMessage}): {frame.Raw}", read, requestId, null);
                        case FrameKind.Chunk:
                            read.Saw(frame.Chunk!);
                            yield return frame.Chunk!;
                            continue;
                    }
                    if (done) break;
                }
            }
            finally
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }

            // A stream that ends without [DONE] was cut, unless every choice had already finished (some servers omit it).
            if (!done && !read.AllChoicesFinished)
            {
                throw Broken("The stream ended before [DONE]", read, requestId, null, connectionFailure: true);
            }
        }

        // connectionFailure: the transport gave out (cut, reset, stalled), which a retry may cure; a malformed event would not.
        private static GeminiStreamException Broken(string what, StreamProgress read, string? requestId, Exception? inner, bool connectionFailure = false)
            => new GeminiStreamException(what, requestId is null ? "" : $" (request id {requestId})", read.ChunkCount, requestId: requestId, innerException: inner)
            {
                IsConnectionFailure = connectionFailure,
            };

        // What the reader keeps of the chunks it yielded: how many, and which choices have a finish reason (a stream may
        // end without [DONE] once every choice it started has finished). The chunks themselves are the consumer's.
        private sealed class StreamProgress
        {
            // Nearly every stream has one choice: the first index seen is kept apart from any others.
            private bool _hasFirst;
            private int _firstIndex;
            private bool _firstFinished;
            private Dictionary<int, bool>? _others;

            internal int ChunkCount { get; private set; }

            internal bool AllChoicesFinished
            {
                get
                {
                    if (!_hasFirst || !_firstFinished) return false;
                    if (_others is not null) foreach (var finished in _others.Values) if (!finished) return false;
                    return true;
                }
            }

            internal void Saw(ChatCompletionChunk chunk)
            {
                ChunkCount++;
                var choices = chunk.Choices;
                for (var i = 0; i < choices.Count; i++)
                {
                    var choice = choices[i];
                    var finished = choice.FinishReason is not null;
                    if (!_hasFirst)
                    {
                        _hasFirst = true;
                        _firstIndex = choice.Index;
                        _firstFinished = finished;
                    }
                    else if (choice.Index == _firstIndex)
                    {
                        _firstFinished |= finished;
                    }
                    else
                    {
                        _others ??= new Dictionary<int, bool>();
                        _others.TryGetValue(choice.Index, out var before);
                        _others[choice.Index] = before | finished;
                    }
                }
            }
        }

        private static Frame ParseFrame(string eventType, ReadOnlySpan<byte> data)
        {
            var trimmed = Trim(data);
            if (trimmed.Length == 0) return Frame.EmptyFrame;
            if (trimmed.SequenceEqual(s_done)) return Frame.DoneFrame;
            // Plain chunks (nearly every event of a stream) are read straight from the bytes, without a JsonDocument;
            // anything the fast reader does not model (errors, unknown shapes, bad JSON) takes the full path below.
            if (!string.Equals(eventType, "error", StringComparison.OrdinalIgnoreCase) && WireReader.TryReadChunk(trimmed, out var fast))
            {
                return Frame.FromChunk(fast!);
            }
            try
            {
                var reader = new Utf8JsonReader(trimmed, new JsonReaderOptions { MaxDepth = 128 });
                using var doc = JsonDocument.ParseValue(ref reader);
                var root = doc.RootElement;
                if (GoogleErrorParser.TryReadError(root, out var code, out var status, out var message, out var details))
                {
                    return Frame.ErrorFrame(code, status, message, details, Snippet(trimmed));
                }
                if (string.Equals(eventType, "error", StringComparison.OrdinalIgnoreCase))
                {
                    return Frame.ErrorFrame(null, null, Snippet(trimmed), Array.Empty<object?>(), Snippet(trimmed));
                }
                return Frame.FromChunk(WireReader.ReadChunk(root));
            }
            catch (JsonException ex)
            {
                if (string.Equals(eventType, "error", StringComparison.OrdinalIgnoreCase))
                {
                    return Frame.ErrorFrame(null, null, Snippet(trimmed), Array.Empty<object?>(), Snippet(trimmed));
                }
                return Frame.Malformed(ex.Message, Snippet(trimmed));
            }
            catch (Exception ex) when (ex is InvalidOperationException || ex is FormatException || ex is OverflowException || ex is ArgumentException)
            {
                // Valid JSON of the wrong shape (e.g. a number where an object belongs).
                return Frame.Malformed(ex.Message, Snippet(trimmed));
            }
        }

        private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> data)
        {
            var start = 0;
            var end = data.Length;
            while (start < end && IsSpace(data[start])) start++;
            while (end > start && IsSpace(data[end - 1])) end--;
            return data.Slice(start, end - start);
        }

        private static bool IsSpace(byte b) => b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r' || b == (byte)'\n';

        private static string Snippet(ReadOnlySpan<byte> data)
        {
            var slice = data.Length > 300 ? data.Slice(0, 300) : data;
            var text = Encoding.UTF8.GetString(slice.ToArray());
            return data.Length > 300 ? text + "..." : text;
        }

        private enum FrameKind { Chunk, Done, Empty, Error, Malformed }

        private readonly struct Frame
        {
            internal static readonly Frame DoneFrame = new Frame(FrameKind.Done, null, null, null, null, null, null);
            internal static readonly Frame EmptyFrame = new Frame(FrameKind.Empty, null, null, null, null, null, null);

            private Frame(FrameKind kind, ChatCompletionChunk? chunk, int? code, string? status, string? message, IReadOnlyList<object?>? details, string? raw)
            {
                Kind = kind;
                Chunk = chunk;
                ErrorCode = code;
                ErrorStatus = status;
                ErrorMessage = message;
                ErrorDetails = details;
                Raw = raw;
            }

            internal FrameKind Kind { get; }
            internal ChatCompletionChunk? Chunk { get; }
            internal int? ErrorCode { get; }
            internal string? ErrorStatus { get; }
            internal string? ErrorMessage { get; }
            internal IReadOnlyList<object?>? ErrorDetails { get; }
            internal string? Raw { get; }

            internal static Frame FromChunk(ChatCompletionChunk chunk) => new Frame(FrameKind.Chunk, chunk, null, null, null, null, null);

            internal static Frame ErrorFrame(int? code, string? status, string? message, IReadOnlyList<object?> details, string raw)
                => new Frame(FrameKind.Error, null, code, status, message, details, raw);

            internal static Frame Malformed(string why, string raw) => new Frame(FrameKind.Malformed, null, null, null, why, null, raw);
        }
    }
}
