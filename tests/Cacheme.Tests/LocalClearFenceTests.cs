using CachemeNet.Internal;

namespace CachemeNet.Tests;

public sealed class LocalClearFenceTests
{
    [Fact]
    public void A_snapshot_with_no_clear_since_is_unchanged()
    {
        var fence = new LocalClearFence();
        long snapshot = fence.Snapshot();
        Assert.Equal(0, snapshot);
        Assert.True(fence.Unchanged(snapshot));

        fence.Begin();
        fence.End();
        long later = fence.Snapshot();
        Assert.Equal(1, later);
        Assert.True(fence.Unchanged(later));
    }

    [Fact]
    public void A_clear_that_begins_after_the_snapshot_changes_it_even_before_it_ends()
    {
        var fence = new LocalClearFence();
        long snapshot = fence.Snapshot();
        fence.Begin();
        Assert.False(fence.Unchanged(snapshot));
        fence.End();
        Assert.False(fence.Unchanged(snapshot));
    }

    [Fact]
    public void No_snapshot_is_valid_while_any_of_several_overlapping_clears_runs()
    {
        var fence = new LocalClearFence();
        fence.Begin(); // a
        Assert.Equal(-1, fence.Snapshot());
        fence.Begin(); // b
        fence.End(); // a (or b): one still runs
        long during = fence.Snapshot();
        Assert.Equal(-1, during);
        Assert.False(fence.Unchanged(during));
        fence.End();
        Assert.Equal(2, fence.Snapshot());
    }

    [Fact]
    public async Task On_two_threads_a_snapshot_taken_between_begin_and_end_is_never_valid()
    {
        // One thread clears over and over and records, inside each clear, that it is running; the other takes
        // snapshots. A valid snapshot must never be taken while a clear runs.
        var fence = new LocalClearFence();
        int running = 0;
        int violations = 0;
        using var stop = new CancellationTokenSource();
        Task clearer = Task.Run(() =>
        {
            for (int i = 0; i < 200_000; i++)
            {
                fence.Begin();
                Volatile.Write(ref running, 1);
                Volatile.Write(ref running, 0);
                fence.End();
            }
        });
        Task reader = Task.Run(() =>
        {
            while (!clearer.IsCompleted)
            {
                long snapshot = fence.Snapshot();
                bool wasRunning = Volatile.Read(ref running) == 1;
                if (wasRunning && fence.Unchanged(snapshot))
                {
                    violations++;
                }
            }
        });
        await Task.WhenAll(clearer, reader).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, violations);
        Assert.Equal(200_000, fence.Snapshot());
    }
}
