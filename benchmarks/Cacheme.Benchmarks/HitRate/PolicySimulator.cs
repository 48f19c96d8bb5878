using CachemeNet.Internal.Local;

namespace CachemeNet.Benchmarks.HitRate;

/// <summary>
/// Replays a trace through the library's own <see cref="BoundedLocalCache{TKey, TValue}"/>, single-threaded with
/// maintenance run on the calling thread so no read is dropped: a hit is a TryGet that finds the key, a miss is
/// followed by a Set.
/// </summary>
internal static class PolicySimulator
{
    /// <summary>The seed of tlfu's sketch, history and window search unless another is asked for.</summary>
    public const ulong DefaultSeed = 0x5DEECE66DUL;

    /// <summary>
    /// Hits of <paramref name="policy"/>: <c>lru</c>, <c>tlfu</c>, or <c>tlfu@0.2</c> (tlfu with a fixed 20 % window);
    /// tlfu's hashing is seeded with <paramref name="seed"/> (the library draws one at random per cache).
    /// </summary>
    public static long Hits(long[] trace, string policy, int capacity, ulong seed = DefaultSeed)
    {
        EvictionPolicy<long, long> evictionPolicy = policy switch
        {
            "lru" => new LruPolicy<long, long>(capacity),
            "tlfu" => new WindowTinyLfuPolicy<long, long>(capacity, seed),
            _ when policy.StartsWith("tlfu@", StringComparison.Ordinal)
                && double.TryParse(policy.AsSpan(5), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double share)
                && share is >= 0 and <= 1
                => new WindowTinyLfuPolicy<long, long>(capacity, seed, share),
            _ => throw new ArgumentException($"Unknown policy '{policy}'; use tlfu, tlfu@SHARE (a fixed window, 0-1), lru, exact-lru, arc, lirs or opt."),
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
