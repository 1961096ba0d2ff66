using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace VertexAI.Emulator;

/// <summary>
/// A per-second quota as a token bucket: it holds up to <see cref="Burst"/> tokens (full at the start), refills at
/// <see cref="RatePerSecond"/>, and each chat request takes one. A request that finds it empty is answered at once with
/// 429 <c>RESOURCE_EXHAUSTED</c> in the one-element array shape Vertex uses for it (PROTOCOL.md, "Errors"), with
/// <c>Retry-After</c> (whole seconds until the next token, rounded up) when <see cref="SendRetryAfter"/> is set, else
/// without, as Vertex usually sends it. An admitted request is answered after <see cref="Latency"/> (a model's time).
/// Applies before scripted scenarios and the normal reply; auth and validation still come first.
/// </summary>
public sealed class TokenBucketQuota
{
    /// <summary>The message Vertex sends with its 429s (see Scenario.RateLimited).</summary>
    public const string ExhaustedMessage =
        "Resource exhausted, please try again later. Please refer to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.";

    private readonly object _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _tokens;
    private TimeSpan _refilledAt;
    private long _admitted;
    private long _throttled;

    /// <summary>A bucket of <paramref name="burst"/> tokens (default: one second's worth), full now.</summary>
    public TokenBucketQuota(double ratePerSecond, double? burst = null, bool sendRetryAfter = false, TimeSpan latency = default)
    {
        if (!(ratePerSecond > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(ratePerSecond), ratePerSecond, "The rate must be above 0.");
        }

        RatePerSecond = ratePerSecond;
        Burst = burst ?? Math.Max(1, ratePerSecond);
        if (!(Burst >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(burst), burst, "The burst must be at least 1.");
        }

        SendRetryAfter = sendRetryAfter;
        Latency = latency < TimeSpan.Zero ? TimeSpan.Zero : latency;
        _tokens = Burst;
    }

    /// <summary>Tokens added per second.</summary>
    public double RatePerSecond { get; }

    /// <summary>The most tokens the bucket holds.</summary>
    public double Burst { get; }

    /// <summary>Whether 429s carry <c>Retry-After</c>.</summary>
    public bool SendRetryAfter { get; }

    /// <summary>How long an admitted request takes to answer.</summary>
    public TimeSpan Latency { get; }

    /// <summary>Requests admitted so far.</summary>
    public long Admitted => Interlocked.Read(ref _admitted);

    /// <summary>Requests answered 429 so far.</summary>
    public long Throttled => Interlocked.Read(ref _throttled);

    /// <summary>Takes a token if there is one; otherwise says how long until the next one.</summary>
    public bool TryTake(out TimeSpan untilNext)
    {
        lock (_gate)
        {
            var now = _clock.Elapsed;
            _tokens = Math.Min(Burst, _tokens + (now - _refilledAt).TotalSeconds * RatePerSecond);
            _refilledAt = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                _admitted++;
                untilNext = TimeSpan.Zero;
                return true;
            }

            _throttled++;
            untilNext = TimeSpan.FromSeconds((1 - _tokens) / RatePerSecond);
            return false;
        }
    }

    /// <summary>The 429 for a request that found the bucket empty.</summary>
    internal Scenario Exhausted(TimeSpan untilNext)
    {
        Dictionary<string, string>? headers = null;
        if (SendRetryAfter)
        {
            // Retry-After is whole seconds (RFC 9110 delay-seconds): a wait under a second still says 1.
            var seconds = Math.Max(1, (long)Math.Ceiling(untilNext.TotalSeconds));
            headers = new() { ["Retry-After"] = seconds.ToString(CultureInfo.InvariantCulture) };
        }

        return Scenario.GoogleError(StatusCodes.Status429TooManyRequests, "RESOURCE_EXHAUSTED", ExhaustedMessage, asArray: true, headers: headers);
    }

    /// <summary>The settings and counts, as the control route shows them.</summary>
    internal JsonObject Describe() => new()
    {
        ["ratePerSecond"] = RatePerSecond,
        ["burst"] = Burst,
        ["retryAfter"] = SendRetryAfter,
        ["latencyMs"] = Latency.TotalMilliseconds,
        ["admitted"] = Admitted,
        ["throttled"] = Throttled,
    };
}
