namespace CachemeNet.Internal;

/// <summary>
/// Lets a copy between two local tiers, which runs without a flight (<see cref="NodeRuntime{T}"/>'s read of a later
/// local tier), tell whether a clear of the local tiers (an invalidation, here or from the backplane, or a new prefix)
/// overlapped it. A clear brackets its removals with <see cref="Begin"/> and <see cref="End"/>; the copier takes a
/// <see cref="Snapshot"/> before it reads the later tier and, after writing the earlier ones, asks
/// <see cref="Unchanged"/>. A clear that ended before the snapshot removed the value before the read; one running at
/// the snapshot makes it invalid; one that began after it changes the count. Any number of clears may run at once.
/// </summary>
internal sealed class LocalClearFence
{
    private long _started;
    private long _ended;

    /// <summary>Marks the start of a clear; a full fence, so the removals that follow cannot move before it.</summary>
    public void Begin() => Interlocked.Increment(ref _started);

    /// <summary>Marks the end of a clear; a full fence, so the removals before it cannot move after it.</summary>
    public void End() => Interlocked.Increment(ref _ended);

    /// <summary>The number of clears begun, or −1 while one is running (then nothing should be copied).</summary>
    public long Snapshot()
    {
        long ended = Volatile.Read(ref _ended); // first: a clear running now has begun and not ended, so the two differ
        long started = Volatile.Read(ref _started);
        return started == ended ? started : -1;
    }

    /// <summary>Whether no clear has begun since <paramref name="snapshot"/>; the writes made before the call are ordered before its read.</summary>
    public bool Unchanged(long snapshot)
    {
        Interlocked.MemoryBarrier();
        return snapshot >= 0 && Volatile.Read(ref _started) == snapshot;
    }
}
