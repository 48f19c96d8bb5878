namespace CachemeNet.Benchmarks.HitRate;

/// <summary>
/// Bélády's offline optimum: on a miss with a full cache, evict the resident key whose next use is farthest in
/// the future (never-used-again first). No online policy can beat it.
/// </summary>
internal static class OptimalSimulator
{
    /// <summary>For every request, the index of the next request of the same key, or int.MaxValue.</summary>
    public static int[] NextUses(long[] trace)
    {
        var next = new int[trace.Length];
        var seen = new Dictionary<long, int>();
        for (int i = trace.Length - 1; i >= 0; i--)
        {
            next[i] = seen.TryGetValue(trace[i], out int at) ? at : int.MaxValue;
            seen[trace[i]] = i;
        }

        return next;
    }

    /// <summary>Replays <paramref name="trace"/> at <paramref name="capacity"/>; returns the hits.</summary>
    public static long Hits(long[] trace, int[] nextUses, int capacity)
    {
        // resident key -> its next use; a max-heap on next use with lazy deletion of stale heap items.
        var residentNextUse = new Dictionary<long, int>(capacity);
        var heap = new PriorityQueue<long, int>(capacity);
        long hits = 0;
        for (int i = 0; i < trace.Length; i++)
        {
            long key = trace[i];
            int nextUse = nextUses[i];
            if (residentNextUse.ContainsKey(key))
            {
                hits++;
            }
            else if (residentNextUse.Count >= capacity)
            {
                while (true)
                {
                    heap.TryDequeue(out long victim, out int negatedNextUse);
                    if (residentNextUse.TryGetValue(victim, out int current) && current == -negatedNextUse)
                    {
                        residentNextUse.Remove(victim);
                        break;
                    }
                }
            }

            residentNextUse[key] = nextUse;
            heap.Enqueue(key, -nextUse);
        }

        return hits;
    }
}
