using CachemeNet.Sql.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace CachemeNet.Storages.Tests;

public sealed class ExpirySweeperTests
{
    [Fact]
    public async Task A_sweep_deletes_in_batches_until_one_comes_back_short()
    {
        var batches = new List<int>();
        var results = new Queue<int>([3, 3, 3, 1, 3]);
        await using var sweeper = new ExpirySweeper((size, _) => { batches.Add(size); return Task.FromResult(results.Dequeue()); },
            3, TimeSpan.FromMinutes(1), new ManualClock(), NullLogger.Instance);

        Assert.Equal(10, await sweeper.SweepAsync(default));
        Assert.Equal([3, 3, 3, 3], batches);
    }

    [Fact]
    public async Task The_timer_starts_sweeps_and_a_failing_sweep_is_retried_on_the_next_tick()
    {
        var clock = new ManualClock();
        int calls = 0;
        await using var sweeper = new ExpirySweeper((_, _) => Interlocked.Increment(ref calls) == 1
                ? Task.FromException<int>(new InvalidOperationException("database down"))
                : Task.FromResult(0),
            100, TimeSpan.FromSeconds(10), clock, NullLogger.Instance);

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, sweeper.CompletedSweeps);

        clock.Advance(TimeSpan.FromSeconds(1));
        await TestServers.EventuallyAsync(() => Task.FromResult(sweeper.CompletedSweeps == 1), "the first sweep ended");
        clock.Advance(TimeSpan.FromSeconds(10));
        await TestServers.EventuallyAsync(() => Task.FromResult(sweeper.CompletedSweeps == 2), "the second sweep ended");
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Ticks_do_not_overlap_a_running_sweep()
    {
        var clock = new ManualClock();
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        int calls = 0;
        await using var sweeper = new ExpirySweeper((_, _) => { Interlocked.Increment(ref calls); return release.Task; },
            100, TimeSpan.FromSeconds(1), clock, NullLogger.Instance);

        clock.Advance(TimeSpan.FromSeconds(1));
        await TestServers.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref calls) == 1), "the first sweep started");
        clock.Advance(TimeSpan.FromSeconds(5));
        release.SetResult(0);
        await TestServers.EventuallyAsync(() => Task.FromResult(sweeper.CompletedSweeps == 1), "the sweep ended");
        Assert.Equal(1, Volatile.Read(ref calls));
    }
}
