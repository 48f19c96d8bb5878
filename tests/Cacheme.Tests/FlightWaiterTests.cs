using CachemeNet.Internal;

namespace CachemeNet.Tests;

public sealed class FlightWaiterTests
{
    [Fact]
    public async Task A_waiter_gets_the_flights_value_when_it_settles_and_reports_it_served()
    {
        var owner = new RecordingOwner();
        var flight = new Flight<string>("k");
        using var request = new CancellationTokenSource();

        ValueTask<string> leader = FlightWaiter<string>.Wait(flight, leader: true, owner, request.Token);
        ValueTask<string> joiner = FlightWaiter<string>.Wait(flight, leader: false, owner, request.Token);
        Assert.False(leader.IsCompleted);
        flight.SetResult("v");

        Assert.Equal("v", await leader);
        Assert.Equal("v", await joiner);
        Assert.Equal((1, 1, 0, 0), (owner.LeadersServed, owner.JoinersServed, owner.Failures, owner.LeftCount));
    }

    [Fact]
    public async Task A_waiter_whose_token_fires_first_is_cancelled_with_that_token_and_leaves_its_seat_once()
    {
        var owner = new RecordingOwner();
        var flight = new Flight<string>("k");
        using var request = new CancellationTokenSource();
        ValueTask<string> wait = FlightWaiter<string>.Wait(flight, leader: false, owner, request.Token);

        request.Cancel();
        OperationCanceledException thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await wait);
        flight.SetResult("v"); // settles after the waiter left: nothing more is reported

        Assert.Equal(request.Token, thrown.CancellationToken);
        Assert.Equal((0, 0, 0, 1), (owner.LeadersServed, owner.JoinersServed, owner.Failures, owner.LeftCount));
        Assert.Same(flight, owner.LeftFlight);
    }

    [Fact]
    public async Task A_token_already_cancelled_ends_the_wait_at_once()
    {
        var owner = new RecordingOwner();
        var flight = new Flight<string>("k");

        ValueTask<string> wait = FlightWaiter<string>.Wait(flight, leader: false, owner, new CancellationToken(canceled: true));

        Assert.True(wait.IsCompleted);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await wait);
        Assert.Equal(1, owner.LeftCount);
    }

    [Fact]
    public async Task A_failed_flight_passes_its_exception_on_and_is_reported_as_a_failure()
    {
        var owner = new RecordingOwner();
        var flight = new Flight<string>("k");
        using var request = new CancellationTokenSource();
        ValueTask<string> wait = FlightWaiter<string>.Wait(flight, leader: false, owner, request.Token);

        flight.SetException(new InvalidOperationException("source down"));

        InvalidOperationException thrown = await Assert.ThrowsAsync<InvalidOperationException>(async () => await wait);
        Assert.Equal("source down", thrown.Message);
        Assert.Equal((0, 0, 1, 0), (owner.LeadersServed, owner.JoinersServed, owner.Failures, owner.LeftCount));
    }

    [Fact]
    public async Task A_waiter_for_a_flight_that_has_settled_completes_at_once_and_cancelling_later_does_nothing()
    {
        var owner = new RecordingOwner();
        var flight = new Flight<string>("k");
        flight.SetResult("v");
        using var request = new CancellationTokenSource();

        ValueTask<string> wait = FlightWaiter<string>.Wait(flight, leader: false, owner, request.Token);
        request.Cancel();

        Assert.True(wait.IsCompletedSuccessfully);
        Assert.Equal("v", await wait);
        Assert.Equal((1, 0), (owner.JoinersServed, owner.LeftCount));
    }

    [Fact]
    public async Task Cancelling_a_token_after_the_flight_settled_reports_nothing_more()
    {
        var owner = new RecordingOwner();
        var flight = new Flight<string>("k");
        using var request = new CancellationTokenSource();
        ValueTask<string> wait = FlightWaiter<string>.Wait(flight, leader: false, owner, request.Token);

        flight.SetResult("v");
        request.Cancel(); // the registration was removed when the flight completed the waiter

        Assert.Equal("v", await wait);
        Assert.Equal((1, 0), (owner.JoinersServed, owner.LeftCount));
    }

    [Fact]
    public async Task Under_races_between_settling_and_cancelling_each_waiter_ends_once_and_reports_how()
    {
        // Two threads: one settles each flight while the other cancels half of its waiters' tokens (enough that the
        // flight prunes its list of cancelled waiters while it may be settling). Whatever wins, a waiter either has the
        // value and was reported served, or was cancelled and reported leaving: never both, never neither, never a value
        // after leaving.
        for (int round = 0; round < 2_000; round++)
        {
            var owner = new RecordingOwner();
            var flight = new Flight<string>("k");
            var sources = new CancellationTokenSource[40];
            var waits = new ValueTask<string>[sources.Length];
            for (int i = 0; i < sources.Length; i++)
            {
                sources[i] = new CancellationTokenSource();
                waits[i] = FlightWaiter<string>.Wait(flight, leader: false, owner, sources[i].Token);
            }

            var start = new Barrier(2);
            Task settle = Task.Run(() =>
            {
                start.SignalAndWait();
                flight.SetResult("v");
            });
            Task cancel = Task.Run(() =>
            {
                start.SignalAndWait();
                for (int i = 0; i < sources.Length; i += 2)
                {
                    sources[i].Cancel();
                }
            });
            await Task.WhenAll(settle, cancel);

            int served = 0, cancelled = 0;
            for (int i = 0; i < waits.Length; i++)
            {
                try
                {
                    Assert.Equal("v", await waits[i]);
                    served++;
                }
                catch (OperationCanceledException)
                {
                    Assert.True(i % 2 == 0, "only the waiters whose token was cancelled can end cancelled");
                    cancelled++;
                }

                sources[i].Dispose();
            }

            Assert.Equal((served, cancelled), (owner.JoinersServed, owner.LeftCount));
            Assert.Equal(waits.Length, served + cancelled);
        }
    }

    [Fact]
    public async Task Waiters_that_gave_up_on_a_long_flight_are_pruned_from_its_list_and_the_patient_ones_still_get_the_value()
    {
        var owner = new RecordingOwner();
        var flight = new Flight<string>("k");
        using var patient = new CancellationTokenSource();
        ValueTask<string> first = FlightWaiter<string>.Wait(flight, leader: true, owner, patient.Token);
        int largest = 0;
        for (int i = 0; i < 10_000; i++)
        {
            using var impatient = new CancellationTokenSource();
            ValueTask<string> wait = FlightWaiter<string>.Wait(flight, leader: false, owner, impatient.Token);
            impatient.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await wait);
            largest = Math.Max(largest, flight.ListedWaiters);
        }

        ValueTask<string> last = FlightWaiter<string>.Wait(flight, leader: false, owner, patient.Token);
        flight.SetResult("v");

        Assert.InRange(largest, 2, 32); // without pruning the list holds all 10,001 waiters until the flight settles
        Assert.Equal("v", await first);
        Assert.Equal("v", await last);
        Assert.Equal((1, 1, 10_000), (owner.LeadersServed, owner.JoinersServed, owner.LeftCount));
        Assert.Equal(0, flight.ListedWaiters);
    }

    private sealed class RecordingOwner : IFlightWaiterOwner<string>
    {
        private int _leadersServed;
        private int _joinersServed;
        private int _failures;
        private int _gaveUp;

        public int LeadersServed => Volatile.Read(ref _leadersServed);

        public int JoinersServed => Volatile.Read(ref _joinersServed);

        public int Failures => Volatile.Read(ref _failures);

        public int LeftCount => Volatile.Read(ref _gaveUp);

        public Flight<string>? LeftFlight { get; private set; }

        public void Served(Flight<string> flight, bool leader) => Interlocked.Increment(ref leader ? ref _leadersServed : ref _joinersServed);

        public void Failed() => Interlocked.Increment(ref _failures);

        public void GaveUp(Flight<string> flight)
        {
            LeftFlight = flight;
            Interlocked.Increment(ref _gaveUp);
        }
    }
}
