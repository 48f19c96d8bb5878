namespace CachemeNet;

/// <summary>The configuration of a node type. Create one per node type and return it from <see cref="CacheNode{T}.Meta"/>.</summary>
public sealed class NodeMeta
{
    /// <summary>The version, appended to every full key (<c>{prefix}:{key}:{version}</c>); change it when the value's shape changes.</summary>
    public string Version { get; init; } = "v1";

    /// <summary>The tier chain, read in this order. Must not be empty.</summary>
    public IReadOnlyList<Cache> Caches { get; init; } = [];

    /// <summary>The serializer used for remote tiers. Defaults to <see cref="Serializers.Json"/>.</summary>
    public ICacheSerializer Serializer { get; init; } = Serializers.Json;

    /// <summary>
    /// An optional doorkeeper: a key loaded for the first time is only remembered in the filter and not written to the tiers;
    /// the next load of that key writes it. Keeps one-hit wonders out of the caches.
    /// </summary>
    public BloomFilter? Doorkeeper { get; init; }

    /// <summary>
    /// Fail-safe: how long a value may still be served after its TTL when the loader fails or is slow. Values are kept in
    /// every tier for their TTL plus this long; past the TTL they are stale, and a stale value is served only when the load
    /// throws or runs longer than <see cref="FailoverTimeout"/>. <see langword="null"/> (the default) turns fail-safe off.
    /// </summary>
    public TimeSpan? FailSafe { get; init; }

    /// <summary>
    /// With <see cref="FailSafe"/>: how long a load may run before a stale value is served instead. The load goes on in the
    /// background and refreshes the tiers when it completes. <see langword="null"/> waits for the load (stale is then served
    /// only when it throws).
    /// </summary>
    public TimeSpan? FailoverTimeout { get; init; }

    /// <summary>
    /// An optional hard limit on how long a caller waits for a value that no tier holds: past it the call fails with
    /// <see cref="TimeoutException"/>. A stale value (with <see cref="FailSafe"/>) is served before this limit applies.
    /// </summary>
    public TimeSpan? HardTimeout { get; init; }

    /// <summary>
    /// Distributed singleflight: when set, a process that misses every tier takes a lease of this length on the key in the
    /// shared (first remote) tier before loading, so across processes only one loads it; the others poll the shared tier for
    /// the value and take over if the lease expires (its holder died). An eager refresh (<see cref="EagerRefresh"/>) takes
    /// the lease too, trying it once: when another process holds it, the refresh is skipped. Needs a shared tier
    /// implementing <see cref="IRemoteLockStorage"/> (Redis); ignored otherwise.
    /// </summary>
    public TimeSpan? DistributedLoadLease { get; init; }

    /// <summary>
    /// Eager refresh: the fraction of a tier's TTL, between 0 and 1 (exclusive), after which a read that finds the value
    /// still fresh in that tier also starts one reload from the source in the background, so a key that is read keeps
    /// being refreshed before it expires instead of making a caller wait for the loader at expiry. The read is served
    /// the value it found at once. At most one reload of a key runs at a time: a read that reaches the key's flight
    /// meanwhile gets the value the reload replaces while that is fresh, and joins the reload once it has expired; it
    /// writes every tier, as a load after a miss does. A reload that fails is counted and logged, and the value found
    /// stays until its TTL. Checked on hits in local and remote tiers, through
    /// <see cref="CachemeClient.GetAsync{T}(CacheNode{T}, CancellationToken)"/> and <c>GetAllAsync</c> (whose due keys of
    /// a batch-loading node type reload in one batch call); <c>TryGetLocal</c> leaves a due value to the <c>GetAsync</c>
    /// that follows it; tiers without a TTL never ask for one. Counted in
    /// <see cref="NodeStats.EagerRefreshCount"/>. <see langword="null"/> (the default) turns it off; a value outside
    /// (0, 1) makes the node's first read throw <see cref="ArgumentOutOfRangeException"/>.
    /// </summary>
    public double? EagerRefresh { get; init; }

    /// <summary>An optional display name for statistics and the dashboard; defaults to the node type's name.</summary>
    public string? Name { get; init; }
}
