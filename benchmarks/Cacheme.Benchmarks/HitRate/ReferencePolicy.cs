namespace CachemeNet.Benchmarks.HitRate;

/// <summary>A reference policy the simulator replays one request at a time (written from a paper, keys only).</summary>
internal interface IReferencePolicy
{
    /// <summary>Requests <paramref name="key"/>, loading it on a miss; returns whether it was a hit.</summary>
    bool Request(long key);
}

/// <summary>Replays traces through <see cref="IReferencePolicy"/> instances.</summary>
internal static class ReferencePolicy
{
    /// <summary>The hits of <paramref name="policy"/> over <paramref name="trace"/>.</summary>
    public static long Hits(long[] trace, IReferencePolicy policy)
    {
        long hits = 0;
        foreach (long key in trace)
        {
            hits += policy.Request(key) ? 1 : 0;
        }

        return hits;
    }
}
