using System;
using System.Globalization;
using System.Net.Http;
using System.Threading;

namespace VertexAI
{
    /// <summary>
    /// When and how long to wait before trying a request again: capped exponential backoff with full jitter, or the
    /// server's own <c>Retry-After</c> / <c>retry-after-ms</c> when it gives one (itself capped).
    /// </summary>
    public sealed class RetryPolicy
    {
        private static int s_seed = Environment.TickCount;
        private readonly ThreadLocal<Random> _random = new ThreadLocal<Random>(() => new Random(Interlocked.Increment(ref s_seed)));

        /// <summary>Retries after the first attempt (0 disables retrying). Default 3.</summary>
        public int MaxRetries { get; set; } = 3;

        /// <summary>The first backoff ceiling; it doubles with each retry. Default 1 s.</summary>
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>The largest backoff ceiling. Default 30 s.</summary>
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>The longest server-directed wait honoured; a longer one ends retrying with an error that says so. Default 60 s.</summary>
        public TimeSpan MaxServerDelay { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>A policy that never retries.</summary>
        public static RetryPolicy None => new RetryPolicy { MaxRetries = 0 };

        /// <summary>The backoff before retry number <paramref name="retry"/> (1-based): uniform in [0, min(MaxDelay, BaseDelay·2^(retry-1))].</summary>
        public TimeSpan Backoff(int retry)
        {
            var ceilingMs = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, retry - 1)));
            return TimeSpan.FromMilliseconds(_random.Value!.NextDouble() * ceilingMs);
        }

        /// <summary>Reads <c>retry-after-ms</c> or <c>Retry-After</c> (seconds or an HTTP date); null when absent or unreadable.</summary>
        public static TimeSpan? ServerDelay(HttpResponseMessage response)
        {
            if (response.Headers.TryGetValues("retry-after-ms", out var msValues))
            {
                foreach (var v in msValues)
                {
                    if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
                    {
                        return TimeSpan.FromMilliseconds(ms);
                    }
                }
            }
            var retryAfter = response.Headers.RetryAfter;
            if (retryAfter?.Delta is TimeSpan delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            if (retryAfter?.Date is DateTimeOffset date)
            {
                var wait = date - DateTimeOffset.UtcNow;
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
            }
            return null;
        }
    }
}
