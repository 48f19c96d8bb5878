using CachemeNet.Internal;

namespace CachemeNet.Tests;

public sealed class SingleFlightTests
{
    [Fact]
    public void The_first_caller_for_a_key_leads_and_later_callers_join_the_same_flight()
    {
        var flights = new SingleFlight<string>();

        Flight<string> first = flights.JoinOrLead("k", out bool firstLeads);
        Flight<string> second = flights.JoinOrLead("k", out bool secondLeads);
        Flight<string> other = flights.JoinOrLead("other", out bool otherLeads);

        Assert.True(firstLeads);
        Assert.False(secondLeads);
        Assert.Same(first, second);
        Assert.True(otherLeads);
        Assert.NotSame(first, other);
        Assert.Equal(2, flights.Count);
    }

    [Fact]
    public void A_flight_led_with_a_node_is_joined_by_an_equal_node_until_it_is_removed_or_forgotten()
    {
        var flights = new SingleFlight<string>();
        Flight<string> led = flights.JoinOrLead("k", node: ("node", 1), nodeHash: ("node", 1).GetHashCode(), defer: false, out bool leads, out _);
        Assert.True(leads);

        Assert.Same(led, flights.TryJoinRecent(("node", 1), ("node", 1).GetHashCode(), defer: false, out _)); // equal, not the same instance
        Assert.Null(flights.TryJoinRecent(("node", 2), ("node", 2).GetHashCode(), defer: false, out _));
        flights.Remove(led);
        Assert.Null(flights.TryJoinRecent(("node", 1), ("node", 1).GetHashCode(), defer: false, out _));

        Flight<string> again = flights.JoinOrLead("k", node: ("node", 1), nodeHash: ("node", 1).GetHashCode(), defer: false, out _, out _);
        flights.Forget("k");
        Assert.True(again.Forgotten);
        Assert.Null(flights.TryJoinRecent(("node", 1), ("node", 1).GetHashCode(), defer: false, out _));

        flights.JoinOrLead("plain", out _); // led without a node: found by key only
        Assert.Null(flights.TryJoinRecent("plain", "plain".GetHashCode(), defer: false, out _));
    }

    [Fact]
    public async Task While_a_flight_stands_on_a_fresh_value_callers_get_that_value_instead_of_a_seat_until_it_expires()
    {
        var time = new ManualTimeProvider();
        var flights = new SingleFlight<string>(time: time);
        Flight<string> refresh = flights.TryLeadStanding("k", "current", (time.GetUtcNow() + TimeSpan.FromSeconds(10)).UtcTicks)!;
        Assert.NotNull(refresh);
        Assert.Null(flights.TryLeadStanding("k", "other", long.MaxValue)); // one flight per key

        Flight<string> served = flights.JoinOrLead("k", node: null, nodeHash: 0, defer: true, out bool leads, out bool deferred);
        Assert.NotSame(refresh, served);
        Assert.Equal((false, false), (leads, deferred));
        Assert.True(served.Task.IsCompletedSuccessfully);
        Assert.Equal("current", await served.Task);

        time.Advance(TimeSpan.FromSeconds(10)); // the value stops being fresh: callers wait for the flight itself
        Assert.Same(refresh, flights.JoinOrLead("k", out bool late));
        Assert.False(late);
    }

    [Fact]
    public async Task An_abandoned_flight_is_not_joined_by_node()
    {
        var flights = new SingleFlight<string>();
        Flight<string> flight = flights.JoinOrLead("k", node: "n", nodeHash: "n".GetHashCode(), defer: false, out _, out _);
        using var cancel = new CancellationTokenSource();
        ValueTask<string> wait = WaitAsync(flights, flight, cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await wait);

        Assert.Null(flights.TryJoinRecent("n", "n".GetHashCode(), defer: false, out _));
        Assert.NotSame(flight, flights.JoinOrLead("k", out bool leads));
        Assert.True(leads);
    }

    [Fact]
    public async Task A_wait_without_a_token_or_timeout_is_the_shared_task_itself()
    {
        var flights = new SingleFlight<string>();
        Flight<string> flight = flights.JoinOrLead("k", out _);

        Task<string> wait = SingleFlight<string>.Wait(flight, null, TimeProvider.System, CancellationToken.None);

        Assert.Same(flight.Task, wait); // no state machine of its own per waiter
        flight.SetResult("v");
        Assert.Equal("v", await wait);
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_only_its_seat_and_the_last_one_abandons_the_flight()
    {
        var flights = new SingleFlight<string>();
        Flight<string> flight = flights.JoinOrLead("k", out _);
        flights.JoinOrLead("k", out _);
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();
        ValueTask<string> firstWait = WaitAsync(flights, flight, first.Token);
        ValueTask<string> secondWait = WaitAsync(flights, flight, second.Token);

        await first.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await firstWait);
        Assert.False(flight.Token.IsCancellationRequested);
        Assert.Equal(1, flights.Count);

        await second.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await secondWait);
        Assert.True(flight.Token.IsCancellationRequested);
        Assert.Equal(0, flights.Count);
    }

    [Fact]
    public async Task Deferred_joiners_are_counted_once_when_the_flight_settles_before_any_waiter_resumes()
    {
        var counted = new List<(int Joiners, bool Failed, bool Stale, bool Completed)>();
        var flights = new SingleFlight<string>((flight, joiners, failed) => counted.Add((joiners, failed, flight.ServedStale, flight.Task.IsCompleted)));
        Flight<string> flight = flights.JoinOrLead("k", out _);
        for (int i = 0; i < 3; i++)
        {
            Assert.Same(flight, flights.JoinOrLead("k", node: null, nodeHash: 0, defer: true, out _, out bool deferred));
            Assert.True(deferred);
        }

        flight.SetStale("old");
        flight.SetResult("new"); // too late: the waiters already have the stale value

        Assert.Equal([(3, false, true, false)], counted); // counted before the task completed, so before any waiter resumed
        Assert.Equal("old", await flight.Task);
        flights.JoinOrLead("k", node: null, nodeHash: 0, defer: true, out bool leads, out bool lateDeferred);
        Assert.False(leads);
        Assert.False(lateDeferred); // settled: a later joiner counts itself
    }

    [Fact]
    public async Task Deferred_joiners_of_a_failed_flight_are_counted_as_failed()
    {
        var counted = new List<(int Joiners, bool Failed)>();
        var flights = new SingleFlight<string>((_, joiners, failed) => counted.Add((joiners, failed)));
        Flight<string> flight = flights.JoinOrLead("k", out _);
        flights.JoinOrLead("k", node: null, nodeHash: 0, defer: true, out _, out bool deferred);
        Assert.True(deferred);

        flight.SetException(new InvalidOperationException("down"));
        flight.SetException(new InvalidOperationException("again"));

        Assert.Equal([(1, true)], counted);
        await Assert.ThrowsAsync<InvalidOperationException>(() => flight.Task);
    }

    [Fact]
    public void Without_a_counter_no_joiner_can_defer()
    {
        var flights = new SingleFlight<string>();
        flights.JoinOrLead("k", out _);
        flights.JoinOrLead("k", node: null, nodeHash: 0, defer: true, out bool leads, out bool deferred);

        Assert.False(leads);
        Assert.False(deferred);
    }

    /// <summary>A caller's wait as the runtime does it: await <see cref="SingleFlight{T}.Wait"/>, and give up through <see cref="SingleFlight{T}.GiveUp"/>.</summary>
    private static async ValueTask<string> WaitAsync(SingleFlight<string> flights, Flight<string> flight, CancellationToken cancellationToken)
    {
        try
        {
            return await SingleFlight<string>.Wait(flight, null, TimeProvider.System, cancellationToken);
        }
        catch (Exception e)
        {
            throw flights.GiveUp(flight, e, null, cancellationToken);
        }
    }
}
