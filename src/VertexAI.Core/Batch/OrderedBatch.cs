using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace VertexAI.Batch
{
    /// <summary>
    /// Runs many requests with at most <c>throttleLimit</c> in flight and hands each outcome to a callback exactly once,
    /// in input order. A failure is an outcome like a success: it never stops the batch. Inputs may arrive
    /// over time (as pipeline input does); <see cref="SubmitAsync"/> waits while every slot is busy.
    /// </summary>
    /// <typeparam name="T">The result of one item.</typeparam>
    public sealed class OrderedBatch<T>
    {
        private readonly SemaphoreSlim _slots;
        private readonly Action<BatchItemResult<T>> _onResult;
        private readonly object _gate = new object();
        private readonly SortedDictionary<int, BatchItemResult<T>> _ready = new SortedDictionary<int, BatchItemResult<T>>();
        private readonly TaskCompletionSource<bool> _allEmitted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _submitted;
        private int _nextToEmit;
        private int _emitted;
        private int _succeeded;
        private int _failed;
        private int _inFlight;
        private bool _emitting;
        private bool _closed;
        private Exception? _callbackFailure;

        /// <summary>Creates a batch.</summary>
        /// <param name="throttleLimit">The most items in flight at once (1 = strictly one after another).</param>
        /// <param name="onResult">Receives each outcome exactly once; never called concurrently.</param>
        public OrderedBatch(int throttleLimit, Action<BatchItemResult<T>> onResult)
        {
            if (throttleLimit < 1) throw new ArgumentOutOfRangeException(nameof(throttleLimit), throttleLimit, "The throttle limit must be at least 1.");
            _slots = new SemaphoreSlim(throttleLimit, throttleLimit);
            _onResult = onResult ?? throw new ArgumentNullException(nameof(onResult));
            ThrottleLimit = throttleLimit;
        }

        /// <summary>The most items in flight at once.</summary>
        public int ThrottleLimit { get; }

        /// <summary>
        /// Starts <paramref name="work"/> for <paramref name="input"/> as soon as a slot is free (waiting for one);
        /// returns once it has started. The item's outcome goes to the callback.
        /// </summary>
        public async Task SubmitAsync(object? input, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
        {
            if (work is null) throw new ArgumentNullException(nameof(work));
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                // A slot freed by cancelled work must not start new work.
                _slots.Release();
                cancellationToken.ThrowIfCancellationRequested();
            }
            int index;
            lock (_gate)
            {
                if (_closed)
                {
                    _slots.Release();
                    throw new InvalidOperationException("The batch is already complete.");
                }
                index = _submitted++;
                _inFlight++;
            }
            _ = RunAsync(index, input, work, cancellationToken);
        }

        /// <summary>Says that no more items will come; completes when every outcome has been handed to the callback.</summary>
        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                _closed = true;
                if (_emitted == _submitted) _allEmitted.TrySetResult(true);
            }
            using (cancellationToken.Register(() => _allEmitted.TrySetCanceled()))
            {
                await _allEmitted.Task.ConfigureAwait(false);
            }
            if (_callbackFailure is not null) throw new InvalidOperationException("Handing a result over failed: " + _callbackFailure.Message, _callbackFailure);
        }

        /// <summary>Counts and rate so far.</summary>
        public BatchProgress Progress
        {
            get
            {
                lock (_gate)
                {
                    return new BatchProgress(_submitted, _succeeded, _failed, _inFlight, _clock.Elapsed);
                }
            }
        }

        private async Task RunAsync(int index, object? input, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
        {
            var started = _clock.Elapsed;
            BatchItemResult<T> result;
            try
            {
                var value = await work(cancellationToken).ConfigureAwait(false);
                result = new BatchItemResult<T>(index, input, value, null, _clock.Elapsed - started);
            }
            catch (Exception ex)
            {
                result = new BatchItemResult<T>(index, input, default, ex, _clock.Elapsed - started);
            }
            finally
            {
                _slots.Release();
            }
            Complete(result);
        }

        private void Complete(BatchItemResult<T> result)
        {
            lock (_gate)
            {
                _inFlight--;
                if (result.Succeeded) _succeeded++;
                else _failed++;
                _ready[result.Index] = result;
                // One thread at a time hands results over, so the callback is never called concurrently.
                if (_emitting) return;
                _emitting = true;
            }

            while (true)
            {
                var next = new List<BatchItemResult<T>>();
                lock (_gate)
                {
                    while (_ready.TryGetValue(_nextToEmit, out var r))
                    {
                        _ready.Remove(_nextToEmit++);
                        next.Add(r);
                    }
                    if (next.Count == 0)
                    {
                        _emitting = false;
                        if (_closed && _emitted == _submitted) _allEmitted.TrySetResult(true);
                        return;
                    }
                }
                foreach (var r in next)
                {
                    try
                    {
                        _onResult(r);
                    }
                    catch (Exception ex)
                    {
                        _callbackFailure ??= ex;
                    }
                    Interlocked.Increment(ref _emitted);
                }
            }
        }

        // No Dispose: cancelled work may still release its slot after the batch's owner is gone, and a SemaphoreSlim
        // whose wait handle is never asked for holds nothing that needs disposing.
    }

    /// <summary>The outcome of one batch item: its value or its error, never both.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    public sealed class BatchItemResult<T>
    {
        internal BatchItemResult(int index, object? input, T? value, Exception? error, TimeSpan elapsed)
        {
            Index = index;
            Input = input;
            Value = value;
            Error = error;
            Elapsed = elapsed;
        }

        /// <summary>The item's position in input order, from 0.</summary>
        public int Index { get; }

        /// <summary>The input the item was submitted with.</summary>
        public object? Input { get; }

        /// <summary>The result, when the item succeeded.</summary>
        public T? Value { get; }

        /// <summary>The failure, when it did not.</summary>
        public Exception? Error { get; }

        /// <summary>Whether the item succeeded.</summary>
        public bool Succeeded => Error is null;

        /// <summary>How long the item took (retries included).</summary>
        public TimeSpan Elapsed { get; }
    }

    /// <summary>A batch's counts so far.</summary>
    public sealed class BatchProgress
    {
        internal BatchProgress(int submitted, int succeeded, int failed, int inFlight, TimeSpan elapsed)
        {
            Submitted = submitted;
            Succeeded = succeeded;
            Failed = failed;
            InFlight = inFlight;
            Elapsed = elapsed;
        }

        /// <summary>Items started.</summary>
        public int Submitted { get; }

        /// <summary>Items that succeeded.</summary>
        public int Succeeded { get; }

        /// <summary>Items that failed.</summary>
        public int Failed { get; }

        /// <summary>Items running now.</summary>
        public int InFlight { get; }

        /// <summary>Items finished.</summary>
        public int Done => Succeeded + Failed;

        /// <summary>Time since the batch began.</summary>
        public TimeSpan Elapsed { get; }

        /// <summary>Finished items per second.</summary>
        public double RatePerSecond => Elapsed.TotalSeconds <= 0 ? 0 : Done / Elapsed.TotalSeconds;

        /// <summary>A progress line: done/total, failures and rate.</summary>
        public string Describe(int? total)
            => FormattableString.Invariant($"{(total is int t ? $"{Done} of {t} done" : $"{Done} done")}, {Failed} failed, {RatePerSecond:0.#}/s");
    }
}
