using CachemeNet.Internal.Local;

namespace CachemeNet.Benchmarks.HitRate;

/// <summary>
/// Replays a trace through the library's own <see cref="BoundedLocalCache{TKey, TValue}"/>, single-threaded with
/// maintenance run on the calling thread so no read is dropped: a hit is a TryGet that finds the key, a miss is
/// followed by a Set.
/// </summary>
internal static class PolicySimulator
{
    public static long Hits(long[] trace, string policy, int capacity)
    {
        EvictionPolicy<long, long> evictionPolicy = policy switch
        {
            "lru" => new LruPolicy<long, long>(capacity),
            "tlfu" => new WindowTinyLfuPolicy<long, long>(capacity, 0x5DEECE66DUL),
            _ => throw new ArgumentException($"Unknown policy '{policy}'; use tlfu, lru or opt."),
        };
        var cache = new BoundedLocalCache<long, long>(evictionPolicy, TimeProvider.System, MaintenanceMode.Synchronous);
        long hits = 0;
        foreach (long key in trace)
        {
            if (cache.TryGet(key, out _))
            {
                hits++;
            }
            else
            {
                cache.Set(key, key, null);
            }
        }

        return hits;
    }
}
