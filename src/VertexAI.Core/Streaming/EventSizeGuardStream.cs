using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace VertexAI.Streaming
{
    /// <summary>
    /// Passes an event stream through while counting the bytes of the current event (since the last blank line), and
    /// fails once one event grows past a limit. The SSE parser buffers a whole event before handing it over, so the
    /// limit has to be enforced here, as the bytes arrive, to keep a hostile or broken server from exhausting memory.
    /// </summary>
    internal sealed class EventSizeGuardStream : Stream
    {
        private readonly Stream _inner;
        private readonly long _maxEventBytes;
        private long _eventBytes;
        private int _newlines; // consecutive line ends seen (CR LF counts once)
        private bool _lastWasCr;

        internal EventSizeGuardStream(Stream inner, long maxEventBytes)
        {
            _inner = inner;
            _maxEventBytes = maxEventBytes;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = _inner.Read(buffer, offset, count);
            Scan(buffer, offset, n);
            return n;
        }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            var n = await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
            Scan(buffer, offset, n);
            return n;
        }

        private void Scan(byte[] buffer, int offset, int count)
        {
            var span = new ReadOnlySpan<byte>(buffer, offset, count);
            while (span.Length > 0)
            {
                if (_newlines == 0 && !_lastWasCr)
                {
                    // Outside a run of line ends only the next line end matters: jump to it.
                    var next = span.IndexOfAny((byte)'\r', (byte)'\n');
                    if (next < 0)
                    {
                        Add(span.Length);
                        return;
                    }
                    Add(next);
                    span = span.Slice(next);
                }

                var b = span[0];
                span = span.Slice(1);
                if (b == (byte)'\n')
                {
                    if (!_lastWasCr) _newlines++;
                    _lastWasCr = false;
                }
                else if (b == (byte)'\r')
                {
                    _newlines++;
                    _lastWasCr = true;
                }
                else
                {
                    _newlines = 0;
                    _lastWasCr = false;
                    Add(1);
                    continue;
                }

                if (_newlines >= 2)
                {
                    _eventBytes = 0; // a blank line ends the event
                }
                else
                {
                    Add(1);
                }
            }
        }

        private void Add(int bytes)
        {
            _eventBytes += bytes;
            if (_eventBytes > _maxEventBytes) throw new EventTooLargeException(_maxEventBytes);
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>One event of a stream exceeded the size limit.</summary>
    internal sealed class EventTooLargeException : IOException
    {
        internal EventTooLargeException(long limit)
            : base(limit >= 1024 * 1024 && limit % (1024 * 1024) == 0
                ? $"an event grew past the {limit / (1024 * 1024)} MiB limit for one event"
                : $"an event grew past the {limit}-byte limit for one event")
        {
            Limit = limit;
        }

        internal long Limit { get; }
    }
}
