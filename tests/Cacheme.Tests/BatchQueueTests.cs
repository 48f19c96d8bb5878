using System.Collections.Concurrent;
using CachemeNet.Internal;

namespace CachemeNet.Tests;

public sealed class BatchQueueTests
{
    [Fact]
    public async Task Items_queued_while_a_flush_runs_go_out_together_and_an_idle_queue_flushes_at_once()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batches = new ConcurrentQueue<int[]>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int flushed = 0;
        var queue = new BatchQueue<int>(maxBatch: 4, maxInFlight: 1, async batch =>
        {
            batches.Enqueue(batch);
            await gate.Task;
            if (Interlocked.Add(ref flushed, batch.Length) == 11)
            {
                done.SetResult();
            }
        });

        queue.Enqueue(0);
        Assert.Single(batches); // idle: flushed at once
        for (int i = 1; i <= 10; i++)
        {
            queue.Enqueue(i);
        }

        Assert.Single(batches); // one in flight at most
        gate.SetResult();
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([[0], [1, 2, 3, 4], [5, 6, 7, 8], [9, 10]], batches.ToArray());
    }
}
