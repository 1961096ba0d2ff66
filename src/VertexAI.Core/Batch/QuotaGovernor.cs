using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace VertexAI.Batch
{
    /// <summary>
    /// What the 429s of one batch teach all its workers, so that 16 workers do not each retry their own 429 into a storm.
    /// Every attempt of the batch (first tries and retries alike) enters here before it is sent and leaves when its
    /// answer is classified. The governor keeps:
    /// <list type="bullet">
    /// <item>a window: how many attempts may be in flight. It starts at <see cref="InitialWindow"/> (or the throttle
    /// limit, if lower) and grows by <see cref="SlowStartGrowth"/> per success until the first 429 (slow start); then by
    /// one per window of successes (additive increase). A 429 halves it (multiplicative decrease) once per round trip: the other 429s of
    /// the same burst, from attempts sent before the decrease, do not halve it again. Never above the throttle limit,
    /// never below 1. Under a pace (below) it is also kept to twice what the pace fills, rate × round trip, plus one.</item>
    /// <item>a pace: after a 429, attempts start no faster than 85% of the success rate measured before it (since the
    /// previous 429, or over the last two seconds), a rate
    /// that then grows by 10% of itself per second until the next 429; starts not taken (during a shared wait, say) are
    /// saved up to one second's worth. This is what keeps a fast server under its quota when even one request in flight
    /// would ask too much, and uses what its quota refilled while everyone waited.</item>
    /// <item>a shared "not before" time: a 429 makes every worker wait until the server's <c>Retry-After</c>, or without
    /// one the retry policy's backoff, has passed before its next attempt.</item>
    /// </list>
    /// Thread-safe. The rules are in <see cref="TryEnter"/> and <see cref="Exit"/>, which take the time from the clock
    /// given to the constructor, so tests can drive them without waiting.
    /// </summary>
    public sealed class QuotaGovernor
    {
        /// <summary>The window before any answer came back, when the throttle limit is higher.</summary>
        public const int InitialWindow = 4;

        /// <summary>
        /// How much the window grows per success before the first 429 (slow start): 0.5 multiplies it by 1.5 per round
        /// trip. Whatever is in flight when a full quota runs dry is answered 429, so a gentler start than TCP's doubling
        /// halves that first burst of 429s, at the cost of a few round trips more to reach a high limit.
        /// </summary>
        public const double SlowStartGrowth = 0.5;

        /// <summary>The least time between two decreases for the successes in between to measure the quota's rate.</summary>
        public static readonly TimeSpan MinDecreaseSpan = TimeSpan.FromMilliseconds(500);

        /// <summary>The share of the measured success rate that the pace is set to after a 429.</summary>
        public const double PaceBackoff = 0.85;

        /// <summary>How much the pace grows per second, as a share of the pace set at the last 429.</summary>
        public const double PaceGrowthPerSecond = 0.10;

        /// <summary>
        /// How many starts the pace may save up (as time at the pace), to be spent at once: after a shared wait the
        /// server's quota has refilled, and a pace that never catches up would leave what it refilled unused.
        /// </summary>
        public static readonly TimeSpan PaceBurst = TimeSpan.FromSeconds(1);

        /// <summary>How far back successes count when measuring the success rate.</summary>
        public static readonly TimeSpan RateSpan = TimeSpan.FromSeconds(2);

        private readonly object _gate = new object();
        private readonly Func<TimeSpan> _now;
        private readonly Func<int, TimeSpan> _backoff;
        private readonly IGeminiLog _log;
        private readonly List<TaskCompletionSource<bool>> _waiters = new List<TaskCompletionSource<bool>>();
        private readonly Queue<TimeSpan> _successTimes = new Queue<TimeSpan>();
        private double _window;
        private bool _slowStart = true;
        private int _inFlight;
        private long _issued;
        private long _recoveryFrom = -1;
        private TimeSpan _notBefore = TimeSpan.MinValue;
        private TimeSpan? _firstSuccess;
        private int _throttleEvents;
        private TimeSpan? _lastDecrease;
        private TimeSpan? _smoothedRtt;
        private int _successesSinceDecrease;
        private double _paceBase;
        private TimeSpan _paceSince;
        private double _paceTokens;
        private TimeSpan _paceRefilledAt;

        /// <summary>A governor on the real clock.</summary>
        /// <param name="throttleLimit">The most attempts in flight at once (the batch's <c>-ThrottleLimit</c>).</param>
        /// <param name="retry">Whose backoff makes everyone wait after a 429 without <c>Retry-After</c>; default policy when null.</param>
        /// <param name="log">Where the window's changes are told (one line per change, not per request).</param>
        public QuotaGovernor(int throttleLimit, RetryPolicy? retry = null, IGeminiLog? log = null)
            : this(throttleLimit, StopwatchNow(), (retry ?? new RetryPolicy()).Backoff, log)
        {
        }

        /// <summary>A governor on a clock of the caller's (tests).</summary>
        /// <param name="throttleLimit">The most attempts in flight at once.</param>
        /// <param name="now">The current time, on any monotonic scale.</param>
        /// <param name="backoff">The shared wait after the n-th 429 in a row (1-based) that came without <c>Retry-After</c>.</param>
        /// <param name="log">Where the window's changes are told.</param>
        public QuotaGovernor(int throttleLimit, Func<TimeSpan> now, Func<int, TimeSpan> backoff, IGeminiLog? log = null)
        {
            if (throttleLimit < 1) throw new ArgumentOutOfRangeException(nameof(throttleLimit), throttleLimit, "The throttle limit must be at least 1.");
            ThrottleLimit = throttleLimit;
            _now = now ?? throw new ArgumentNullException(nameof(now));
            _backoff = backoff ?? throw new ArgumentNullException(nameof(backoff));
            _log = log ?? NullGeminiLog.Instance;
            _window = Math.Min(throttleLimit, InitialWindow);
        }

        /// <summary>The most attempts ever in flight at once.</summary>
        public int ThrottleLimit { get; }

        /// <summary>How many attempts may be in flight now: the window's integer part, kept near what the pace fills.</summary>
        public int Window
        {
            get
            {
                lock (_gate) return WholeWindow;
            }
        }

        /// <summary>Attempts sent and not yet answered.</summary>
        public int InFlight
        {
            get
            {
                lock (_gate) return _inFlight;
            }
        }

        /// <summary>The most attempts that were in flight at once so far.</summary>
        public int MaxInFlight { get; private set; }

        /// <summary>Attempts per second allowed to start now; null until the first 429.</summary>
        public double? Pace
        {
            get
            {
                lock (_gate) return _paceBase > 0 ? CurrentPace(_now()) : (double?)null;
            }
        }

        /// <summary>Until when every attempt waits (on the governor's clock); null when nobody needs to wait.</summary>
        public TimeSpan? NotBefore
        {
            get
            {
                lock (_gate) return _notBefore > _now() ? _notBefore : (TimeSpan?)null;
            }
        }

        /// <summary>How long every attempt still waits because of a 429; zero when nobody needs to.</summary>
        public TimeSpan SharedWait
        {
            get
            {
                lock (_gate)
                {
                    var now = _now();
                    return _notBefore > now ? _notBefore - now : TimeSpan.Zero;
                }
            }
        }

        /// <summary>429s answered so far.</summary>
        public int Throttled { get; private set; }

        /// <summary>How often the window was halved.</summary>
        public int Decreases { get; private set; }

        private int WholeWindow => Math.Max(1, Math.Min((int)Math.Floor(_window + 1e-9), PaceWindow));

        // Under a pace, more in flight than twice what the pace fills (rate × round trip) only lets saved-up starts out in
        // one burst, which a quota that just ran dry answers with as many 429s.
        private int PaceWindow
        {
            get
            {
                if (_paceBase <= 0 || !(_smoothedRtt is TimeSpan rtt)) return int.MaxValue;
                var needed = 2 * CurrentPace(_now()) * rtt.TotalSeconds;
                return needed >= int.MaxValue - 1 ? int.MaxValue : (int)Math.Ceiling(needed) + 1;
            }
        }

        /// <summary>
        /// Admits an attempt if the shared wait is over, the pace allows a start and the window has room: then returns true
        /// with its ticket. Otherwise returns false and <paramref name="wait"/>: how long until the time rules could allow
        /// it, or zero when only a free place in the window can (one frees when an attempt leaves).
        /// </summary>
        public bool TryEnter(out QuotaTicket? ticket, out TimeSpan wait)
        {
            lock (_gate)
            {
                var now = _now();
                wait = TimeSpan.Zero;
                ticket = null;
                if (_notBefore > now) wait = _notBefore - now;
                if (_paceBase > 0)
                {
                    var pace = RefillPace(now);
                    if (_paceTokens < 1)
                    {
                        var next = TimeSpan.FromTicks((long)Math.Ceiling((1 - _paceTokens) / pace * TimeSpan.TicksPerSecond));
                        if (next > wait) wait = next;
                    }
                }
                if (wait > TimeSpan.Zero || _inFlight >= WholeWindow) return false;
                _inFlight++;
                if (_inFlight > MaxInFlight) MaxInFlight = _inFlight;
                if (_paceBase > 0) _paceTokens -= 1;
                ticket = new QuotaTicket(_issued++, now);
                return true;
            }
        }

        /// <summary>Waits until <see cref="TryEnter"/> admits an attempt, and returns its ticket.</summary>
        public async Task<QuotaTicket> EnterAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                TaskCompletionSource<bool>? signal = null;
                TimeSpan wait;
                lock (_gate)
                {
                    if (TryEnter(out var ticket, out wait)) return ticket!;
                    if (wait <= TimeSpan.Zero)
                    {
                        signal = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                        _waiters.Add(signal);
                    }
                }
                if (signal is null)
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                using (cancellationToken.Register(() => signal.TrySetCanceled()))
                {
                    try
                    {
                        await signal.Task.ConfigureAwait(false);
                    }
                    finally
                    {
                        lock (_gate) _waiters.Remove(signal);
                    }
                }
            }
        }

        /// <summary>
        /// Ends an attempt. <paramref name="outcome"/> says what its answer teaches: a success grows the window; a 429
        /// halves it (once per round trip), sets the pace and makes everyone wait <paramref name="retryAfter"/> (the
        /// server's <c>Retry-After</c>) or, without one, the backoff; anything else only frees its place.
        /// <paramref name="reason"/> names the 429 in the verbose line (e.g. <c>429 RESOURCE_EXHAUSTED</c>).
        /// </summary>
        public void Exit(QuotaTicket ticket, QuotaOutcome outcome, TimeSpan? retryAfter = null, string? reason = null)
        {
            if (ticket is null) throw new ArgumentNullException(nameof(ticket));
            string? line = null;
            List<TaskCompletionSource<bool>> wake;
            lock (_gate)
            {
                if (ticket.Exited) throw new InvalidOperationException("This attempt already left the governor.");
                ticket.Exited = true;
                _inFlight--;
                var now = _now();
                if (outcome == QuotaOutcome.Succeeded) line = OnSuccess(now, now - ticket.Started);
                else if (outcome == QuotaOutcome.Throttled) line = OnThrottled(ticket, now, retryAfter, reason);
                wake = new List<TaskCompletionSource<bool>>(_waiters);
                _waiters.Clear();
            }
            foreach (var w in wake) w.TrySetResult(true);
            if (line is not null) _log.Verbose(line);
        }

        private string? OnSuccess(TimeSpan now, TimeSpan roundTrip)
        {
            _smoothedRtt = _smoothedRtt is TimeSpan srtt ? TimeSpan.FromTicks((7 * srtt.Ticks + roundTrip.Ticks) / 8) : roundTrip;
            _throttleEvents = 0;
            _successesSinceDecrease++;
            _firstSuccess ??= now;
            _successTimes.Enqueue(now);
            while (_successTimes.Count > 0 && now - _successTimes.Peek() > RateSpan) _successTimes.Dequeue();
            var before = WholeWindow;
            if (_window >= ThrottleLimit) return null;
            // Slow start: half as much again per round trip; after a 429, one more per window of successes.
            _window = Math.Min(ThrottleLimit, _window + (_slowStart ? SlowStartGrowth : 1 / _window));
            var after = WholeWindow;
            return after == before ? null : string.Format(CultureInfo.InvariantCulture, "Answers succeed: in flight {0} → {1} (limit {2}).", before, after, ThrottleLimit);
        }

        private string? OnThrottled(QuotaTicket ticket, TimeSpan now, TimeSpan? retryAfter, string? reason)
        {
            Throttled++;
            // Everyone waits, whichever burst this 429 belongs to: the server said so.
            var told = retryAfter is TimeSpan ra && ra > TimeSpan.Zero;
            var wait = told ? retryAfter!.Value : TimeSpan.Zero;
            var sameBurst = ticket.Sequence < _recoveryFrom;
            if (!sameBurst)
            {
                _throttleEvents++;
                if (!told) wait = _backoff(_throttleEvents);
            }
            if (now + wait > _notBefore) _notBefore = now + wait;
            if (sameBurst) return null;

            // A new round trip's first 429: decrease once; the attempts already sent belong to this burst.
            _recoveryFrom = _issued;
            _slowStart = false;
            Decreases++;
            var before = WholeWindow;
            _window = Math.Max(1, _window / 2);
            var measured = MeasuredRate(now);
            // Between two 429s a quota admits what it refills in between: the successes since the last decrease's shared
            // wait ended measure it better than the last seconds do (those may include the burst of a full quota at the
            // start, or a wait in which a small quota overflowed and nothing was asked).
            if (_lastDecrease is TimeSpan previous && now - previous >= MinDecreaseSpan && _successesSinceDecrease >= 4)
            {
                measured = _successesSinceDecrease / (now - previous).TotalSeconds;
            }
            _lastDecrease = now + wait;
            _successesSinceDecrease = 0;
            var current = _paceBase > 0 ? CurrentPace(now) : double.PositiveInfinity;
            var basis = Math.Min(current, measured ?? double.PositiveInfinity);
            if (!double.IsInfinity(basis))
            {
                _paceBase = Math.Max(0.1, basis * PaceBackoff);
                _paceSince = now + wait;
                // The server's bucket is empty now; ours fills again from here, during the shared wait too, so that what
                // the server's refills while everyone waits is used afterwards rather than lost.
                _paceTokens = 0;
                _paceRefilledAt = now;
            }
            var pace = _paceBase > 0 ? string.Format(CultureInfo.InvariantCulture, ", at most {0:0.#} starts/s", _paceBase) : "";
            return string.Format(CultureInfo.InvariantCulture, "{0}: in flight {1} → {2}{3}; all workers wait {4:0.###} s ({5}).",
                string.IsNullOrEmpty(reason) ? "429" : reason, before, WholeWindow, pace, wait.TotalSeconds, told ? "Retry-After" : "backoff");
        }

        // Successes per second over the last RateSpan (or since the first success, if sooner); null with too few to tell.
        private double? MeasuredRate(TimeSpan now)
        {
            while (_successTimes.Count > 0 && now - _successTimes.Peek() > RateSpan) _successTimes.Dequeue();
            if (_successTimes.Count < 2 || _firstSuccess is null) return null;
            var span = now - _firstSuccess.Value;
            if (span > RateSpan) span = RateSpan;
            return span <= TimeSpan.Zero ? (double?)null : _successTimes.Count / span.TotalSeconds;
        }

        // Our own bucket of starts: it fills at the pace and holds up to PaceBurst's worth.
        private double RefillPace(TimeSpan now)
        {
            var pace = CurrentPace(now);
            if (now > _paceRefilledAt)
            {
                _paceTokens = Math.Min(Math.Max(1, pace * PaceBurst.TotalSeconds), _paceTokens + (now - _paceRefilledAt).TotalSeconds * pace);
                _paceRefilledAt = now;
            }
            return pace;
        }

        private double CurrentPace(TimeSpan now)
        {
            var grown = now > _paceSince ? (now - _paceSince).TotalSeconds : 0;
            return _paceBase * (1 + PaceGrowthPerSecond * grown);
        }

        private static Func<TimeSpan> StopwatchNow()
        {
            var clock = Stopwatch.StartNew();
            return () => clock.Elapsed;
        }
    }

    /// <summary>One attempt admitted by a <see cref="QuotaGovernor"/>; hand it back to <see cref="QuotaGovernor.Exit"/>.</summary>
    public sealed class QuotaTicket
    {
        internal QuotaTicket(long sequence, TimeSpan started)
        {
            Sequence = sequence;
            Started = started;
        }

        internal TimeSpan Started { get; }

        /// <summary>The order in which attempts were admitted, from 0.</summary>
        public long Sequence { get; }

        internal bool Exited { get; set; }
    }

    /// <summary>What an attempt's answer tells a <see cref="QuotaGovernor"/>.</summary>
    public enum QuotaOutcome
    {
        /// <summary>An answer that used quota (a completion): the window may grow.</summary>
        Succeeded,

        /// <summary>429: the quota pushed back.</summary>
        Throttled,

        /// <summary>Anything else (another error, a dropped connection, cancellation): only frees the place.</summary>
        Other,
    }
}
