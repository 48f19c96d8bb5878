namespace CachemeNet.Tests;

/// <summary>
/// Measures what a call allocates on the calling thread. The runtime itself sometimes allocates a few kilobytes on the
/// measuring thread (tier-1 recompilation landing mid-batch on a loaded machine), so the meter runs several batches and
/// keeps the smallest: a real per-call allocation (24 bytes at least) shows in every batch, the runtime's one-off does not.
/// </summary>
public static class AllocationMeter
{
    /// <summary>The fewest bytes per call allocated by <paramref name="call"/> over <paramref name="batches"/> batches of <paramref name="calls"/> calls.</summary>
    /// <param name="call">The call to measure; it runs synchronously on the calling thread.</param>
    /// <param name="calls">Calls per batch.</param>
    /// <param name="batches">Batches; the smallest is kept.</param>
    public static long BytesPerCall(Action call, int calls = 1000, int batches = 5) => FewestBytes(call, calls, batches) / calls;

    /// <summary>The fewest bytes allocated by one batch of <paramref name="calls"/> calls to <paramref name="call"/>, over <paramref name="batches"/> batches.</summary>
    /// <param name="call">The call to measure; it runs synchronously on the calling thread.</param>
    /// <param name="calls">Calls per batch.</param>
    /// <param name="batches">Batches; the smallest is kept.</param>
    public static long FewestBytes(Action call, int calls = 1000, int batches = 5)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(calls);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batches);
        long fewest = long.MaxValue;
        for (int batch = 0; batch < batches; batch++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++)
            {
                call();
            }

            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest;
    }
}
