namespace CachemeNet;

/// <summary>
/// A snapshot of one node's statistics. A request is a hit when it was served without calling the loader (from any tier,
/// or by joining another caller's load); otherwise a miss. Load counts and times cover loader calls only. Rates are 0
/// when their denominator is 0.
/// </summary>
public sealed record NodeStats
{
    /// <summary>The node's name.</summary>
    public required string Node { get; init; }

    /// <summary>Requests: hits plus misses.</summary>
    public long RequestCount => HitCount + MissCount;

    /// <summary>Requests served without calling the loader.</summary>
    public long HitCount { get; init; }

    /// <summary>Requests that called the loader (or failed or were cancelled before being served).</summary>
    public long MissCount { get; init; }

    /// <summary><see cref="HitCount"/> / <see cref="RequestCount"/>, or 0.</summary>
    public double HitRate => RequestCount == 0 ? 0 : (double)HitCount / RequestCount;

    /// <summary><see cref="MissCount"/> / <see cref="RequestCount"/>, or 0.</summary>
    public double MissRate => RequestCount == 0 ? 0 : (double)MissCount / RequestCount;

    /// <summary>Loader calls (one per key in a batch load).</summary>
    public long LoadCount => LoadSuccessCount + LoadFailureCount;

    /// <summary>Loader calls that returned a value.</summary>
    public long LoadSuccessCount { get; init; }

    /// <summary>Loader calls that threw.</summary>
    public long LoadFailureCount { get; init; }

    /// <summary><see cref="LoadFailureCount"/> / <see cref="LoadCount"/>, or 0.</summary>
    public double LoadFailureRate => LoadCount == 0 ? 0 : (double)LoadFailureCount / LoadCount;

    /// <summary>Time spent in the loader, summed.</summary>
    public TimeSpan TotalLoadTime { get; init; }

    /// <summary><see cref="TotalLoadTime"/> / <see cref="LoadCount"/>, or zero.</summary>
    public TimeSpan AverageLoadTime => LoadCount == 0 ? TimeSpan.Zero : TotalLoadTime / LoadCount;

    /// <summary>Values read from a remote tier that could not be decoded and were treated as misses.</summary>
    public long DecodeFailureCount { get; init; }

    /// <summary>Reads or writes that failed because a tier was unavailable; the request went on without it.</summary>
    public long TierErrorCount { get; init; }

    /// <summary>Requests served a stale value (fail-safe) because the loader failed or overran its failover timeout.</summary>
    public long StaleServedCount { get; init; }

    /// <summary>Background reloads started by eager refresh (<see cref="NodeMeta.EagerRefresh"/>), one per key and refresh.</summary>
    public long EagerRefreshCount { get; init; }

    /// <summary>Tier failures (reads, writes, deletes) per tier, by storage name, in chain order; they sum to <see cref="TierErrorCount"/>.</summary>
    public IReadOnlyDictionary<string, long> TierErrors { get; init; } = new Dictionary<string, long>();

    /// <summary>Hits per tier, by storage name, in chain order. Requests served by joining an in-flight load are not in any tier.</summary>
    public IReadOnlyDictionary<string, long> TierHits { get; init; } = new Dictionary<string, long>();
}
