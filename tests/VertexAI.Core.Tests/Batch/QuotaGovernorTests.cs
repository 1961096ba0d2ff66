using VertexAI;
using VertexAI.Batch;
using Xunit;

namespace VertexAI.Core.Tests.Batch;

/// <summary>
/// The governor's rules, driven by explicit events on a clock the test moves: nothing here waits or depends on the
/// machine's speed. Expected values are worked out by hand from the documented rules.
/// </summary>
public class QuotaGovernorTests
{
    private TimeSpan _now = TimeSpan.FromSeconds(100);
    private readonly ListLog _log = new();

    // Backoff without Retry-After: 100 ms, 200 ms, 300 ms ... for the 1st, 2nd, 3rd 429 in a row.
    private QuotaGovernor Governor(int limit) => new(limit, () => _now, n => TimeSpan.FromMilliseconds(100 * n), _log);

    private static List<QuotaTicket> EnterAll(QuotaGovernor g)
    {
        var tickets = new List<QuotaTicket>();
        while (g.TryEnter(out var t, out _)) tickets.Add(t!);
        return tickets;
    }

    private void Advance(double ms) => _now += TimeSpan.FromMilliseconds(ms);

    private static void SucceedAll(QuotaGovernor g, IEnumerable<QuotaTicket> tickets)
    {
        foreach (var t in tickets) g.Exit(t, QuotaOutcome.Succeeded);
    }

    // Grows the window to the limit with successes at one instant (no time passes, so no rate is measured).
    private static void GrowToLimit(QuotaGovernor g)
    {
        for (var i = 0; i < 200 && g.Window < g.ThrottleLimit; i++) SucceedAll(g, EnterAll(g));
        Assert.Equal(g.ThrottleLimit, g.Window);
    }

    [Theory]
    [InlineData(64, 4)]
    [InlineData(16, 4)]
    [InlineData(4, 4)]
    [InlineData(2, 2)]
    [InlineData(1, 1)]
    public void It_starts_with_four_in_flight_or_the_limit_if_lower(int limit, int expected)
    {
        var g = Governor(limit);
        var tickets = EnterAll(g);
        Assert.Equal(expected, tickets.Count);
        // Full: the next attempt waits for a place, not for time.
        Assert.False(g.TryEnter(out _, out var wait));
        Assert.Equal(TimeSpan.Zero, wait);
        // A place frees when an attempt leaves, whatever its outcome.
        g.Exit(tickets[0], QuotaOutcome.Other);
        Assert.True(g.TryEnter(out _, out _));
    }

    [Fact]
    public void Before_any_429_each_success_grows_the_window_by_half_never_above_the_limit()
    {
        var g = Governor(7);
        SucceedAll(g, EnterAll(g));          // 4 successes: 4 + 4 × 0.5 = 6
        Assert.Equal(6, g.Window);
        SucceedAll(g, EnterAll(g));          // 6 more: 9, capped at 7
        Assert.Equal(7, g.Window);
        SucceedAll(g, EnterAll(g));
        Assert.Equal(7, g.Window);
        Assert.Equal(7, g.MaxInFlight);
    }

    [Fact]
    public void A_burst_of_429s_halves_the_window_once_and_says_so_in_one_line()
    {
        var g = Governor(16);
        GrowToLimit(g);
        var burst = EnterAll(g);
        Assert.Equal(16, burst.Count);
        foreach (var t in burst) g.Exit(t, QuotaOutcome.Throttled, null, "429 RESOURCE_EXHAUSTED");

        Assert.Equal(16, g.Throttled);
        Assert.Equal(1, g.Decreases);
        Assert.Equal(8, g.Window);
        var lines = _log.Lines.Where(l => l.Contains("RESOURCE_EXHAUSTED")).ToList();
        Assert.Equal("VERBOSE: 429 RESOURCE_EXHAUSTED: in flight 16 → 8; all workers wait 0.1 s (backoff).", Assert.Single(lines));
    }

    [Fact]
    public void A_429_to_an_attempt_sent_after_the_decrease_halves_again_down_to_one_and_never_below()
    {
        var g = Governor(16);
        GrowToLimit(g);
        var expected = new[] { 8, 4, 2, 1, 1 };
        foreach (var window in expected)
        {
            Advance(10_000);                 // past any shared wait
            Assert.True(g.TryEnter(out var t, out _));
            g.Exit(t!, QuotaOutcome.Throttled);
            Assert.Equal(window, g.Window);
        }
        Assert.Equal(5, g.Decreases);
        Advance(10_000);
        Assert.Single(EnterAll(g));
    }

    [Fact]
    public void After_a_429_the_window_grows_by_one_per_window_of_successes()
    {
        var g = Governor(16);
        GrowToLimit(g);
        foreach (var t in EnterAll(g)) g.Exit(t, QuotaOutcome.Throttled);
        Assert.Equal(8, g.Window);
        Advance(100);                        // the shared wait (backoff 1 = 100 ms)
        // w += 1/w per success from 8: 8.125, 8.240, 8.362, 8.481, 8.599, 8.716, 8.830, 8.944, 9.055.
        for (var i = 1; i <= 9; i++)
        {
            Assert.True(g.TryEnter(out var t, out _));
            g.Exit(t!, QuotaOutcome.Succeeded);
            Assert.Equal(i < 9 ? 8 : 9, g.Window);
        }
        Assert.Contains(_log.Lines, l => l == "VERBOSE: Answers succeed: in flight 8 → 9 (limit 16).");
    }

    [Fact]
    public void Retry_After_makes_every_worker_wait_that_long_before_any_attempt()
    {
        var g = Governor(4);
        var tickets = EnterAll(g);
        g.Exit(tickets[0], QuotaOutcome.Throttled, TimeSpan.FromSeconds(2), "429 RESOURCE_EXHAUSTED");
        foreach (var t in tickets.Skip(1)) g.Exit(t, QuotaOutcome.Succeeded);

        // Places are free, but nobody may start: not a new input, not a retry.
        Assert.False(g.TryEnter(out _, out var wait));
        Assert.Equal(TimeSpan.FromSeconds(2), wait);
        Assert.Equal(TimeSpan.FromSeconds(2), g.SharedWait);
        Advance(1500);
        Assert.False(g.TryEnter(out _, out wait));
        Assert.Equal(TimeSpan.FromMilliseconds(500), wait);
        Advance(500);
        Assert.True(g.TryEnter(out _, out _));
        Assert.Equal(TimeSpan.Zero, g.SharedWait);
        Assert.Contains(_log.Lines, l => l == "VERBOSE: 429 RESOURCE_EXHAUSTED: in flight 4 → 2; all workers wait 2 s (Retry-After).");
    }

    [Fact]
    public void Without_Retry_After_the_shared_wait_is_the_backoff_growing_with_429s_in_a_row_until_a_success()
    {
        var g = Governor(1);
        for (var n = 1; n <= 3; n++)
        {
            Assert.True(g.TryEnter(out var t, out _));
            g.Exit(t!, QuotaOutcome.Throttled);
            Assert.Equal(TimeSpan.FromMilliseconds(100 * n), g.SharedWait);
            Advance(100 * n);
        }
        Assert.True(g.TryEnter(out var ok, out _));
        g.Exit(ok!, QuotaOutcome.Succeeded);
        Advance(10_000);
        Assert.True(g.TryEnter(out var again, out _));
        g.Exit(again!, QuotaOutcome.Throttled);
        Assert.Equal(TimeSpan.FromMilliseconds(100), g.SharedWait);
    }

    [Fact]
    public void Other_failures_only_free_their_place()
    {
        var g = Governor(4);
        foreach (var t in EnterAll(g)) g.Exit(t, QuotaOutcome.Other);
        Assert.Equal(4, g.Window);
        Assert.Equal(TimeSpan.Zero, g.SharedWait);
        Assert.Equal(0, g.Decreases);
        Assert.Null(g.Pace);
        Assert.Equal(4, EnterAll(g).Count);
    }

    [Fact]
    public void After_a_429_starts_are_paced_at_85_percent_of_the_success_rate_measured_before_it()
    {
        var g = Governor(1);
        // Ten answers, one every 100 ms: the first at 100.1 s, the last at 101.0 s.
        for (var i = 0; i < 10; i++)
        {
            Assert.True(g.TryEnter(out var t, out _));
            Advance(100);
            g.Exit(t!, QuotaOutcome.Succeeded);
        }
        Assert.Null(g.Pace);
        Assert.True(g.TryEnter(out var throttled, out _));
        g.Exit(throttled!, QuotaOutcome.Throttled);
        // 10 successes over the 0.9 s since the first: 11.11/s; 85% of it is 9.444/s. The 100 ms backoff passes first.
        Assert.Equal(0.85 * 10 / 0.9, g.Pace!.Value, 3);
        Assert.Contains(_log.Lines, l => l == "VERBOSE: 429: in flight 1 → 1, at most 9.4 starts/s; all workers wait 0.1 s (backoff).");

        Advance(100);
        // The pace's own bucket started empty at the 429 and filled 100 ms × 9.444/s = 0.944 starts: not yet one.
        Assert.False(g.TryEnter(out _, out var wait));
        Assert.InRange(wait.TotalMilliseconds, 5.5, 6.5);
        Advance(10);
        Assert.True(g.TryEnter(out var t1, out _));
        g.Exit(t1!, QuotaOutcome.Succeeded);
        // The next start comes one pace interval (~106 ms) later, not at once.
        Assert.False(g.TryEnter(out _, out wait));
        Assert.InRange(wait.TotalMilliseconds, 95, 110);
    }

    [Fact]
    public void The_pace_grows_by_ten_percent_of_itself_per_second_after_the_shared_wait()
    {
        var g = Governor(1);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(g.TryEnter(out var t, out _));
            Advance(100);
            g.Exit(t!, QuotaOutcome.Succeeded);
        }
        Assert.True(g.TryEnter(out var throttled, out _));
        g.Exit(throttled!, QuotaOutcome.Throttled);
        var start = g.Pace!.Value;
        Advance(100);                        // the shared wait: no growth during it
        Assert.Equal(start, g.Pace!.Value, 6);
        Advance(2000);
        Assert.Equal(start * 1.2, g.Pace!.Value, 6);
    }

    [Fact]
    public void A_ticket_leaves_once()
    {
        var g = Governor(2);
        Assert.True(g.TryEnter(out var t, out _));
        g.Exit(t!, QuotaOutcome.Succeeded);
        Assert.Throws<InvalidOperationException>(() => g.Exit(t!, QuotaOutcome.Succeeded));
        Assert.Equal(0, g.InFlight);
    }

    [Fact]
    public async Task EnterAsync_waits_for_a_place_and_is_cancellable()
    {
        // Real clock here, but no timing is asserted: only that a waiter proceeds once a place frees.
        var g = new QuotaGovernor(1);
        var first = await g.EnterAsync(CancellationToken.None);
        var second = g.EnterAsync(CancellationToken.None);
        Assert.False(second.IsCompleted);
        g.Exit(first, QuotaOutcome.Succeeded);
        var t2 = await second.WaitAsync(TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource();
        var third = g.EnterAsync(cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => third.WaitAsync(TimeSpan.FromSeconds(30)));
        g.Exit(t2, QuotaOutcome.Succeeded);
        Assert.Equal(0, g.InFlight);
    }
}
