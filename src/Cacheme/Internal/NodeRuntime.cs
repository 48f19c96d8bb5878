using CachemeNet.Internal.Local;
using Microsoft.Extensions.Logging;

namespace CachemeNet.Internal;

/// <summary>What a client knows about one node definition: its resolved tiers, counters and in-flight table.</summary>
internal abstract class NodeRuntime(string name, Type? nodeType, NodeMeta meta, Tier[] tiers)
{
    public string Name { get; } = name;

    /// <summary>The CLR node type, or null for nodes built at run time.</summary>
    public Type? NodeType { get; } = nodeType;

    public NodeMeta Meta { get; } = meta;

    public Tier[] Tiers { get; } = tiers;

    public NodeCounters Counters { get; } = new(name, [.. tiers.Select(t => t.Name)]);

    /// <summary>Detaches the key's in-flight read so later callers start afresh and its write-back is skipped.</summary>
    public abstract void ForgetFlight(string key);

    /// <summary>Detaches every read in flight, so none writes the value it read to any tier.</summary>
    public abstract void ForgetAllFlights();
}

/// <summary>The read path for nodes of value type <typeparamref name="T"/>.</summary>
internal sealed partial class NodeRuntime<T> : NodeRuntime, IFlightWaiterOwner<T>
{
    private readonly CachemeClient _client;
    private readonly Tier[] _tiers;
    private readonly int _leadingLocal;
    private readonly LocalCacheStorage? _firstLocal;
    private readonly IRemoteStorage? _sharedTier;
    private readonly ICacheSerializer _serializer;
    private readonly BloomFilter? _doorkeeper;
    private readonly BatchLoader<T>? _batchLoader;
    private readonly SingleFlight<T> _flights;
    private readonly NodeCounters _counters;
    private readonly string _version;
    private readonly TimeSpan? _failSafe;
    private readonly TimeSpan? _failoverTimeout;
    private readonly TimeSpan? _hardTimeout;
    private readonly TimeSpan? _loadLease;
    private readonly int _sharedTierIndex;
    private readonly double? _eagerRefresh;

    public NodeRuntime(CachemeClient client, string name, Type? nodeType, NodeMeta meta, Tier[] tiers)
        : base(name, nodeType, meta, tiers)
    {
        _client = client;
        _tiers = tiers;
        _flights = new SingleFlight<T>(CountDeferred, client.TimeProvider);
        _leadingLocal = Array.FindIndex(tiers, t => t.Local is null) is int firstRemote and >= 0 ? firstRemote : tiers.Length;
        _firstLocal = _leadingLocal > 0 ? tiers[0].Local as LocalCacheStorage : null;
        _sharedTier = Array.Find(tiers, t => t.Remote is not null)?.Remote;
        _serializer = meta.Serializer ?? throw new ArgumentException($"Node {name} has no serializer.");
        _doorkeeper = meta.Doorkeeper;
        _batchLoader = nodeType is null ? null : BatchLoader<T>.For(nodeType);
        _counters = Counters;
        _counters.Client = client.Name;
        _version = meta.Version ?? string.Empty;
        if (meta.FailSafe > Cache.MaxTtl)
        {
            throw new ArgumentException($"Node {name}'s FailSafe ({meta.FailSafe}) is longer than {Cache.MaxTtl.TotalDays:0} days (Cache.MaxTtl).");
        }

        _failSafe = meta.FailSafe is { } failSafe && failSafe > TimeSpan.Zero ? failSafe : null;
        _failoverTimeout = meta.FailoverTimeout;
        _hardTimeout = meta.HardTimeout;
        if (meta.EagerRefresh is { } eager && !(eager > 0 && eager < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(meta), eager, $"Node {name}: EagerRefresh is a fraction of the TTL, between 0 and 1 (exclusive).");
        }

        _eagerRefresh = meta.EagerRefresh;
        _sharedTierIndex = Array.FindIndex(tiers, t => t.Remote is not null);
        _loadLease = meta.DistributedLoadLease is { } lease && lease > TimeSpan.Zero && _sharedTierIndex >= 0 && tiers[_sharedTierIndex].Lock is not null ? lease : null;
    }

    /// <summary>How often a process waiting on another's distributed load lease polls the shared tier.</summary>
    internal static TimeSpan LeasePollInterval { get; } = TimeSpan.FromMilliseconds(20);

    private enum Freshness
    {
        Missing,
        Stale,
        Fresh,
    }

    public int InFlightCount => _flights.Count;

    public override void ForgetFlight(string key) => _flights.Forget(key);

    public override void ForgetAllFlights() => _flights.ForgetAll();

    /// <summary>The client this runtime belongs to.</summary>
    public CachemeClient Client => _client;

    private ILogger Logger => _client.Logger;

    private TimeProvider Time => _client.TimeProvider;

    /// <summary>The full key <c>{prefix}:{key}:{version}</c>, with <c>:{namespace}@{namespace version}</c> appended for namespaced nodes.</summary>
    public string FullKey(CacheNode<T> node, string? ns, string? nsVersion)
    {
        string key = node.Key();
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException($"Node {Name} returned an empty key from Key(); every node needs a non-empty key.", nameof(node));
        }

        return ns is null
            ? string.Concat(_client.Prefix, ":", key, ":", _version)
            : string.Concat(_client.Prefix, ":", key, ":", _version, ":", ns + "@" + nsVersion);
    }

    /// <summary>Resolves the node's full key, reading its namespace version when it has one.</summary>
    public async ValueTask<(string Key, string? NamespaceVersion)> ResolveKeyAsync(CacheNode<T> node, CancellationToken cancellationToken)
    {
        string? ns = node.Namespace();
        if (ns is null)
        {
            return (FullKey(node, null, null), null);
        }

        string nsVersion;
        try
        {
            nsVersion = await _client.Namespaces.GetAsync(ns, _sharedTier, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The shared tier is unreachable: an unknown version makes every tier miss, which is safe.
            _counters.TierErrors.Increment();
            Log.TierFailed(Logger, "namespace", "get", Name, e);
            nsVersion = "unavailable";
        }

        return (FullKey(node, ns, nsVersion), nsVersion);
    }

    public ValueTask<T> GetAsync(CacheNode<T> node, CancellationToken cancellationToken) =>
        TryServeLeadingLocal(node, default(NodeOwnLoader<T>), out T value) ? new ValueTask<T>(value) : GetThroughFlight(node, default(NodeOwnLoader<T>), cancellationToken);

    /// <summary>Serves the node from a leading local tier when it is there and fresh (back-filling earlier ones); synchronous, no allocation.</summary>
    /// <remarks><paramref name="loader"/> loads an eager refresh the hit may start (created only then).</remarks>
    private bool TryServeLeadingLocal<TLoader>(CacheNode<T> node, TLoader loader, out T value)
        where TLoader : struct, INodeLoaderSource<T>
    {
        // A namespaced node needs its namespace's version; without a cached one the read goes the slow way to fetch it.
        string? ns = _leadingLocal > 0 ? node.Namespace() : null;
        string? nsVersion = null;
        if (_leadingLocal > 0 && (ns is null || _client.Namespaces.TryGetCached(ns, out nsVersion)))
        {
            return TryLeadingLocal(node, nsVersion, loader, out value);
        }

        value = default!;
        return false;
    }

    /// <summary>
    /// Serves the node <paramref name="definition"/> creates for <paramref name="key"/> from the first tier when that is
    /// Cacheme's own local tier and holds it fresh, without creating the node; a hit is counted as <see cref="GetAsync"/>
    /// counts it, a miss not at all (the caller goes on to <see cref="GetAsync"/>, which reads the tiers in order). A value
    /// due for an eager refresh is left to <see cref="GetAsync"/> too: it has the loader the reload needs.
    /// </summary>
    public bool TryGetLocal(NodeDefinition<T> definition, string key, out T value)
    {
        if (_firstLocal is { } local && local.TryGet(definition.ProbeFor(key), definition.HashOf(key), out object? stored)
            && ReadLocal(stored, null, out value) == Freshness.Fresh
            && !RefreshPending(stored))
        {
            _counters.TierHit(0);
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>
    /// The read past the leading local tiers. A read whose key needs no namespace lookup finds its flight here without
    /// awaiting anything: a joiner by node when it can (no key string). A caller with nothing of its own to watch (no
    /// token that can cancel, no hard timeout) then waits on the flight's task itself, whether it joins the flight or
    /// leads it, and the flight counts its read when it settles: no state machine per caller; a caller with a cancellable
    /// token waits in one <see cref="FlightWaiter{T}"/> that the flight completes (<see cref="WaitForFlight"/>).
    /// </summary>
    private ValueTask<T> GetThroughFlight<TLoader>(CacheNode<T> node, TLoader loader, CancellationToken cancellationToken)
        where TLoader : struct, INodeLoaderSource<T>
    {
        if (node.Namespace() is not null)
        {
            return GetThroughFlightAsync(node, loader, cancellationToken);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        bool defer = SingleFlight<T>.WaitsOnSharedTask(_hardTimeout, cancellationToken);
        // A joiner finds the flight by node when it can, so it builds no key string.
        int nodeHash = node.GetHashCode();
        Flight<T>? joined = _flights.TryJoinRecent(node, nodeHash, defer, out bool deferred);
        if (joined is not null)
        {
            return deferred
                ? new ValueTask<T>(joined.Task)
                : WaitForFlight(node, loader, joined, leader: false, cancellationToken);
        }

        string key;
        try
        {
            key = FullKey(node, null, null);
        }
        catch (Exception e)
        {
            return ValueTask.FromException<T>(e);
        }

        Flight<T> flight = _flights.JoinOrLead(key, node, nodeHash, defer, out bool leader, out deferred);
        if (leader && deferred)
        {
            // The leader, too, waits on the flight's task: the flight counts its read when it settles.
            _ = RunAsync(node, null, loader.Create(), flight);
        }

        return deferred
            ? new ValueTask<T>(flight.Task)
            : WaitForFlight(node, loader, flight, leader, cancellationToken);
    }

    /// <summary>
    /// The wait of a caller that has something of its own to watch. With a cancellable token and no hard timeout, while
    /// the flight runs, one <see cref="FlightWaiter{T}"/> that the flight completes (no state machine, no
    /// <c>WaitAsync</c>); otherwise <see cref="WaitForFlightAsync"/>, which also completes synchronously for a flight that
    /// has settled.
    /// </summary>
    private ValueTask<T> WaitForFlight<TLoader>(CacheNode<T> node, TLoader loader, Flight<T> flight, bool leader, CancellationToken cancellationToken)
        where TLoader : struct, INodeLoaderSource<T>
    {
        if (_hardTimeout is not null || flight.Task.IsCompleted)
        {
            return WaitForFlightAsync(node, null, loader, flight, leader, cancellationToken);
        }

        if (leader)
        {
            _ = RunAsync(node, null, loader.Create(), flight);
        }

        return FlightWaiter<T>.Wait(flight, leader, this, cancellationToken);
    }

    void IFlightWaiterOwner<T>.Served(Flight<T> flight, bool leader) => CountServed(flight, leader);

    void IFlightWaiterOwner<T>.Failed() => _counters.Misses.Increment();

    void IFlightWaiterOwner<T>.GaveUp(Flight<T> flight)
    {
        _counters.Misses.Increment();
        _flights.Leave(flight);
    }

    /// <summary>The read of a namespaced node: its key needs the namespace's version, which may have to be fetched.</summary>
    private async ValueTask<T> GetThroughFlightAsync<TLoader>(CacheNode<T> node, TLoader loader, CancellationToken cancellationToken)
        where TLoader : struct, INodeLoaderSource<T>
    {
        cancellationToken.ThrowIfCancellationRequested();
        (string key, string? nsVersion) = await ResolveKeyAsync(node, cancellationToken).ConfigureAwait(false);
        Flight<T> flight = _flights.JoinOrLead(key, out bool leader);
        return await WaitForFlightAsync(node, nsVersion, loader, flight, leader, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts the flight's work when the caller leads it, waits with the caller's token and counts the read.</summary>
    private async ValueTask<T> WaitForFlightAsync<TLoader>(CacheNode<T> node, string? nsVersion, TLoader loader, Flight<T> flight, bool leader, CancellationToken cancellationToken)
        where TLoader : struct, INodeLoaderSource<T>
    {
        if (leader)
        {
            _ = RunAsync(node, nsVersion, loader.Create(), flight);
        }

        // One state machine per caller: the wait with the caller's token is awaited here, not in a method of its own.
        T value;
        try
        {
            value = await SingleFlight<T>.Wait(flight, _hardTimeout, Time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _counters.Misses.Increment();
            Exception thrown = _flights.GiveUp(flight, e, _hardTimeout, cancellationToken);
            if (ReferenceEquals(thrown, e))
            {
                throw;
            }

            throw thrown;
        }

        CountServed(flight, leader);
        return value;
    }

    /// <summary>
    /// Counts the reads a flight waited for without a state machine of their own (<see cref="Flight{T}.TryJoin"/>, and the
    /// leader when <see cref="Flight{T}.LeaderDeferred"/>), as each would have.
    /// </summary>
    private void CountDeferred(Flight<T> flight, int joiners, bool failed)
    {
        if (failed)
        {
            _counters.Misses.Add(joiners + (flight.LeaderDeferred ? 1 : 0));
            return;
        }

        if (joiners > 0)
        {
            CountJoiners(flight, joiners);
        }

        if (flight.LeaderDeferred)
        {
            CountLeader(flight);
        }
    }

    /// <summary>Joiners served by a flight are hits (and stale-served when it served a stale value).</summary>
    private void CountJoiners(Flight<T> flight, int joiners)
    {
        if (flight.ServedStale)
        {
            _counters.StaleServed.Add(joiners);
        }

        _counters.Hits.Add(joiners);
    }

    private void CountServed(Flight<T> flight, bool leader)
    {
        if (leader)
        {
            CountLeader(flight);
        }
        else
        {
            CountJoiners(flight, 1);
        }
    }

    /// <summary>The leader's read is a hit of the tier that served it, or a miss when the loader produced the value.</summary>
    private void CountLeader(Flight<T> flight)
    {
        if (flight.ServedStale)
        {
            _counters.StaleServed.Increment();
        }

        if (flight.HitTier >= 0)
        {
            _counters.TierHit(flight.HitTier);
        }
        else
        {
            _counters.Misses.Increment();
        }
    }

    /// <summary>The leader's work for one key: the chain in order, then the loader, then write-back. Never throws.</summary>
    private async Task RunAsync(CacheNode<T> node, string? nsVersion, NodeLoader<T>? loader, Flight<T> flight)
    {
        CancellationToken token = flight.Token;
        string key = flight.Key;
        bool hasStale = false;
        T stale = default!;
        ValueStamp? refreshFrom = null;
        T hit = default!;
        try
        {
            for (int i = 0; i < _tiers.Length; i++)
            {
                Tier tier = _tiers[i];
                T found = default!;
                Freshness freshness;
                byte[]? bytes = null;
                DateTimeOffset writtenAt = default;
                object? stored = null;
                if (tier.Local is { } local)
                {
                    freshness = local.TryGet(node, out stored) ? ReadLocal(stored, nsVersion, out found) : Freshness.Missing;
                    if (freshness == Freshness.Missing)
                    {
                        continue;
                    }
                }
                else
                {
                    bytes = await ReadRemoteAsync(tier, key, token).ConfigureAwait(false);
                    freshness = bytes is null ? Freshness.Missing : ReadRemote(tier, key, bytes, out found, out writtenAt);
                    if (freshness == Freshness.Missing)
                    {
                        continue;
                    }
                }

                if (freshness == Freshness.Fresh)
                {
                    // Started once this flight has left the table, so the refresh leads its own.
                    refreshFrom = RefreshDueStamp(tier, stored, writtenAt);
                    hit = found;
                    await CompleteHitAsync(node, nsVersion, flight, i, found, bytes, token).ConfigureAwait(false);
                    return;
                }

                if (!hasStale)
                {
                    (hasStale, stale) = (true, found);
                }
            }

            string? lease = null;
            if (_loadLease is { } leaseLength)
            {
                (bool acquired, lease, T shared, byte[]? sharedBytes) = await AcquireLoadLeaseAsync(key, leaseLength, token).ConfigureAwait(false);
                if (!acquired)
                {
                    await CompleteHitAsync(node, nsVersion, flight, _sharedTierIndex, shared, sharedBytes, token).ConfigureAwait(false);
                    return;
                }
            }

            try
            {
                await LoadAndWriteAsync(node, nsVersion, loader, flight, hasStale, stale, token).ConfigureAwait(false);
            }
            finally
            {
                if (lease is not null)
                {
                    await ReleaseLoadLeaseAsync(key, lease).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e)
        {
            // Out of the table first, so a caller that comes after the failure loads again instead of joining it.
            _flights.Remove(flight);
            flight.SetException(e);
        }
        finally
        {
            _flights.Remove(flight);
            if (refreshFrom is { } stamp)
            {
                StartRefresh(node, nsVersion, hit, stamp, loader, key);
            }
        }
    }

    /// <summary>
    /// Whether a value a local tier holds fresh is due for an eager refresh (coarse clock first, as for freshness) and the
    /// caller is the first to find it so (<see cref="StampedValue.TryClaimRefresh"/>).
    /// </summary>
    private bool RefreshDue(object? stored) => RefreshPending(stored) && ((StampedValue)stored!).TryClaimRefresh();

    /// <summary>
    /// Whether a value a local tier holds fresh is past its eager refresh point and no read has claimed its refresh yet
    /// (<see cref="RefreshDue(object?)"/> without the claim).
    /// </summary>
    private bool RefreshPending(object? stored) =>
        _eagerRefresh is not null && stored is StampedValue entry
        && !Local.CoarseExpiry.IsFresh(entry.CoarseRefreshAfter)
        && !entry.RefreshClaimed
        && entry.RefreshAfterUtcTicks <= Time.GetUtcNow().UtcTicks;

    /// <summary>
    /// The stamp of a value <paramref name="tier"/> holds fresh (<paramref name="stored"/> locally, or written at
    /// <paramref name="writtenAt"/> remotely) when it is due for an eager refresh (and, locally, this caller claimed it);
    /// null otherwise.
    /// </summary>
    private ValueStamp? RefreshDueStamp(Tier tier, object? stored, DateTimeOffset writtenAt) =>
        _eagerRefresh is not null && (tier.Local is not null ? RefreshDue(stored) : RefreshDue(tier, writtenAt))
            ? Stamp(tier, stored, writtenAt)
            : null;

    /// <summary>Whether a value a remote tier holds fresh, written at <paramref name="writtenAt"/>, is due for an eager refresh.</summary>
    private bool RefreshDue(Tier tier, DateTimeOffset writtenAt) =>
        RefreshAfter(tier) is { } after && writtenAt + after <= Time.GetUtcNow();

    /// <summary>
    /// When a value <paramref name="tier"/> holds fresh was written there and until when it stays fresh: from the stamp of
    /// a local entry (<paramref name="stored"/>), or a remote value's write time (<paramref name="writtenAt"/>), and the
    /// tier's TTL. Only for a value due for an eager refresh, which has a stamp (local) and a TTL.
    /// </summary>
    private static ValueStamp Stamp(Tier tier, object? stored, DateTimeOffset writtenAt)
    {
        long ttl = tier.Ttl!.Value.Ticks;
        return tier.Local is not null
            ? new ValueStamp(((StampedValue)stored!).FreshUntilUtcTicks - ttl, ((StampedValue)stored!).FreshUntilUtcTicks)
            : new ValueStamp(writtenAt.UtcTicks, writtenAt.UtcTicks + ttl);
    }

    /// <summary>When (UTC ticks) a value an eager refresh replaces was written to the tier it was found in, and until when it is fresh.</summary>
    private readonly record struct ValueStamp(long WrittenUtcTicks, long FreshUntilUtcTicks);

    /// <summary>How long after a write to <paramref name="tier"/> a hit there starts an eager refresh; null when it never does.</summary>
    private TimeSpan? RefreshAfter(Tier tier) =>
        _eagerRefresh is { } share && tier.Ttl is { } ttl ? TimeSpan.FromTicks((long)(ttl.Ticks * share)) : null;

    /// <summary>
    /// Eager refresh: reloads the node in the background unless a load of its key is running already (a caller's, or an
    /// earlier refresh's). The refresh leads a flight like any load, so a read that misses meanwhile joins it; with
    /// fail-safe, <paramref name="current"/> is what such a read gets if the reload fails. Until
    /// <paramref name="stamp"/>'s end, when <paramref name="current"/> stops being fresh, a read that reaches the
    /// flight gets <paramref name="current"/> at once instead of waiting for the reload (<see cref="Flight{T}.Standing"/>):
    /// a chain without a local tier in front reaches the flight on every read. It loads as the read that found the value
    /// would have: with <paramref name="loader"/>, or the node's own <see cref="CacheNode{T}.LoadAsync"/> when null.
    /// <paramref name="fullKey"/> is the node's full key when the caller has it.
    /// </summary>
    private void StartRefresh(CacheNode<T> node, string? nsVersion, T current, ValueStamp stamp, NodeLoader<T>? loader, string? fullKey = null)
    {
        if (LeadRefresh(node, nsVersion, current, stamp.FreshUntilUtcTicks, fullKey) is { } flight)
        {
            _ = Task.Run(() => RefreshAsync(node, nsVersion, flight, current, stamp.WrittenUtcTicks, loader));
        }
    }

    /// <summary>
    /// The flight of an eager refresh of the node's key, standing on <paramref name="current"/> until
    /// <paramref name="freshUntilUtcTicks"/>; null when a load of the key is running already (it refreshes the tiers) or
    /// the key cannot be built (logged).
    /// </summary>
    private Flight<T>? LeadRefresh(CacheNode<T> node, string? nsVersion, T current, long freshUntilUtcTicks, string? fullKey)
    {
        string key;
        try
        {
            key = fullKey ?? FullKey(node, nsVersion is null ? null : node.Namespace(), nsVersion); // a hit by node has not built it
        }
        catch (Exception e)
        {
            Log.LoadFailed(Logger, Name, "(eager refresh)", e);
            return null;
        }

        return _flights.TryLeadStanding(key, current, freshUntilUtcTicks);
    }

    /// <summary>
    /// The reload behind an eager refresh. With a distributed load lease it first tries the lease once: when another
    /// process holds it, that process is loading the key and will write the shared tier, so this one does not reload
    /// (the flight ends with <paramref name="current"/>); when this one takes it, a value the shared tier got after
    /// <paramref name="currentWrittenUtcTicks"/> (another process's refresh that ended meanwhile) is taken instead of reloading.
    /// </summary>
    private async Task RefreshAsync(CacheNode<T> node, string? nsVersion, Flight<T> flight, T current, long currentWrittenUtcTicks, NodeLoader<T>? loader)
    {
        string? lease = null;
        try
        {
            if (_loadLease is { } leaseLength)
            {
                (bool heldElsewhere, lease) = await TryLoadLeaseAsync(flight.Key, leaseLength, flight.Token).ConfigureAwait(false);
                if (heldElsewhere)
                {
                    flight.SetResult(current);
                    return;
                }

                if (lease is not null && await ReadSharedAfterLeaseAsync(flight.Key, currentWrittenUtcTicks, flight.Token).ConfigureAwait(false) is (true, T written, byte[] bytes))
                {
                    // Refreshed by the process that held the lease before: take its value instead of reloading.
                    await CompleteHitAsync(node, nsVersion, flight, _sharedTierIndex, written, bytes, flight.Token).ConfigureAwait(false);
                    return;
                }
            }

            _counters.EagerRefreshes.Increment();
            await LoadAndWriteAsync(node, nsVersion, loader, flight, hasStale: _failSafe is not null, current, flight.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Counted and logged by LoadAsync; a read that joined the refresh gets the failure.
            _flights.Remove(flight);
            flight.SetException(e);
        }
        finally
        {
            _flights.Remove(flight);
            if (lease is not null)
            {
                await ReleaseLoadLeaseAsync(flight.Key, lease).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Loads (serving stale on failure or overrun when allowed), then writes every tier the doorkeeper admits.</summary>
    private async Task LoadAndWriteAsync(CacheNode<T> node, string? nsVersion, NodeLoader<T>? loader, Flight<T> flight, bool hasStale, T stale, CancellationToken token)
    {
        string key = flight.Key;
        Task<T> load = LoadAsync(node, loader, key, token).AsTask();
        if (hasStale && _failoverTimeout is { } failover && !load.IsCompleted)
        {
            try
            {
                await load.WaitAsync(failover, Time, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                flight.SetStale(stale);
            }
            catch (Exception)
            {
                // Handled below, where the load is awaited.
            }
        }

        T value;
        try
        {
            value = await load.ConfigureAwait(false);
        }
        catch (Exception) when (hasStale)
        {
            flight.SetStale(stale);
            return;
        }

        if (!Admit(key))
        {
            flight.SetResult(value);
            return;
        }

        byte[]? encoded = HasRemote(_tiers.Length) ? Encode(value) : null;
        WriteLocals(flight, node, value, nsVersion, _tiers.Length);
        flight.SetResult(value);
        await WriteRemotesAsync(flight, node, encoded, _tiers.Length, token).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes the distributed load lease on <paramref name="key"/>, or waits for its holder's value in the shared tier,
    /// taking the lease over when it expires without a value. A lease that cannot be taken because the tier fails means
    /// loading without it: a tier outage never fails a read.
    /// </summary>
    private async Task<(bool Acquired, string? Lease, T Value, byte[]? Bytes)> AcquireLoadLeaseAsync(string key, TimeSpan leaseLength, CancellationToken token)
    {
        Tier shared = _tiers[_sharedTierIndex];
        while (true)
        {
            (bool heldElsewhere, string? lease) = await TryLoadLeaseAsync(key, leaseLength, token).ConfigureAwait(false);
            if (!heldElsewhere)
            {
                if (lease is not null && await ReadSharedAfterLeaseAsync(key, newerThanUtcTicks: null, token).ConfigureAwait(false) is (true, T written, byte[] writtenBytes))
                {
                    await ReleaseLoadLeaseAsync(key, lease).ConfigureAwait(false);
                    return (false, null, written, writtenBytes);
                }

                return (true, lease, default!, null);
            }

            long waitUntil = Time.GetTimestamp() + (long)(leaseLength.TotalSeconds * Time.TimestampFrequency);
            while (Time.GetTimestamp() < waitUntil)
            {
                await Task.Delay(LeasePollInterval, Time, token).ConfigureAwait(false);
                byte[]? bytes = await ReadRemoteAsync(shared, key, token).ConfigureAwait(false);
                if (bytes is not null && ReadRemote(shared, key, bytes, out T value) == Freshness.Fresh)
                {
                    return (false, null, value, bytes);
                }
            }
        }
    }

    /// <summary>
    /// Reads the shared tier once the lease is taken: the process that held it before may have loaded and written the key
    /// between this one's read and its lease. Found when the shared tier holds the value fresh and, for an eager refresh,
    /// written after <paramref name="newerThanUtcTicks"/> (the value the refresh was to replace), so this process need not
    /// load it again.
    /// </summary>
    private async Task<(bool Found, T Value, byte[]? Bytes)> ReadSharedAfterLeaseAsync(string key, long? newerThanUtcTicks, CancellationToken token)
    {
        Tier shared = _tiers[_sharedTierIndex];
        byte[]? bytes = await ReadRemoteAsync(shared, key, token).ConfigureAwait(false);
        return bytes is not null
            && ReadRemote(shared, key, bytes, out T value, out DateTimeOffset writtenAt) == Freshness.Fresh
            && writtenAt.UtcTicks > (newerThanUtcTicks ?? long.MinValue)
            ? (true, value, bytes)
            : (false, default!, null);
    }

    /// <summary>
    /// One try at the distributed load lease on <paramref name="key"/>: the lease when taken; held elsewhere when another
    /// process has it; neither when the shared tier fails (logged), and the caller then loads without it, since a tier
    /// outage never fails a read.
    /// </summary>
    private async Task<(bool HeldElsewhere, string? Lease)> TryLoadLeaseAsync(string key, TimeSpan leaseLength, CancellationToken token)
    {
        try
        {
            string? lease = await _tiers[_sharedTierIndex].Lock!.TryLockAsync(key + ":lock", leaseLength, token).ConfigureAwait(false);
            return (lease is null, lease);
        }
        catch (Exception e) when (IsTierFailure(e, token))
        {
            Log.LoadLockFailed(Logger, key, e);
            return (false, null);
        }
    }

    private async Task ReleaseLoadLeaseAsync(string key, string lease)
    {
        try
        {
            await _tiers[_sharedTierIndex].Lock!.UnlockAsync(key + ":lock", lease, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.LoadLockFailed(Logger, key, e);
        }
    }

    private async Task CompleteHitAsync(CacheNode<T> node, string? nsVersion, Flight<T> flight, int hitTier, T value, byte[]? bytes, CancellationToken token)
    {
        flight.HitTier = hitTier;

        // With fail-safe, freshness is measured from the envelope's written-at time, so a write-back is a new write.
        if ((bytes is null || _failSafe is not null) && HasRemote(hitTier))
        {
            bytes = Encode(value);
        }

        WriteLocals(flight, node, value, nsVersion, hitTier);
        flight.SetResult(value);
        await WriteRemotesAsync(flight, node, bytes, hitTier, token).ConfigureAwait(false);
    }

    private byte[] Encode(T value) => RemoteEnvelope.Encode(_serializer, value, Time.GetUtcNow());

    private bool Admit(string key) => _doorkeeper is null || _doorkeeper.CheckAndAdd(key);

    private bool HasRemote(int upTo)
    {
        for (int i = 0; i < upTo; i++)
        {
            if (_tiers[i].Remote is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Classifies what a local tier returned for this node.</summary>
    private Freshness ReadLocal(object? stored, string? nsVersion, out T value)
    {
        if (stored is StampedValue entry)
        {
            if (!string.Equals(entry.NamespaceVersion, nsVersion, StringComparison.Ordinal))
            {
                value = default!;
                return Freshness.Missing;
            }

            value = (T)entry.Value!;
            return Local.CoarseExpiry.IsFresh(entry.CoarseFreshUntil) || entry.FreshUntilUtcTicks > Time.GetUtcNow().UtcTicks
                ? Freshness.Fresh
                : _failSafe is null ? Freshness.Missing : Freshness.Stale;
        }

        if (nsVersion is not null)
        {
            value = default!;
            return Freshness.Missing;
        }

        value = (T)stored!;
        return Freshness.Fresh;
    }

    private void SetLocal(Tier tier, CacheNode<T> node, T value, string? nsVersion)
    {
        if (_failSafe is null && nsVersion is null && _eagerRefresh is null)
        {
            tier.Local!.Set(node, value, tier.Ttl);
            return;
        }

        TimeSpan? refreshAfter = RefreshAfter(tier);
        long coarseFreshUntil = Local.CoarseExpiry.For(Time, tier.Ttl); // before the precise clock: see CoarseExpiry
        long coarseRefreshAfter = refreshAfter is null ? long.MaxValue : Local.CoarseExpiry.For(Time, refreshAfter);
        long now = Time.GetUtcNow().UtcTicks;
        long freshUntil = tier.Ttl is { } ttl ? now + ttl.Ticks : long.MaxValue;
        long refreshAfterTicks = refreshAfter is { } after ? now + after.Ticks : long.MaxValue;
        tier.Local!.Set(node, new StampedValue(value, freshUntil, nsVersion, coarseFreshUntil, refreshAfterTicks, coarseRefreshAfter), StoredTtl(tier));
    }

    /// <summary>How long a tier keeps a value: its TTL, plus the fail-safe window when fail-safe is on.</summary>
    private TimeSpan? StoredTtl(Tier tier) => tier.Ttl is { } ttl && _failSafe is { } failSafe ? ttl + failSafe : tier.Ttl;

    /// <summary>
    /// Writes the value <paramref name="flight"/> read or loaded to the local tiers before <paramref name="upTo"/>, unless
    /// the key was invalidated while the flight ran (<see cref="Flight{T}.Forgotten"/>): that value may be older than the
    /// invalidation, and a local copy would serve it until its TTL. An invalidation forgets the flight before it clears
    /// the local tiers, so one that lands during the write either is seen by the check after it (and the copies are
    /// removed here) or clears them itself. The node is tracked for backplane invalidations (<c>TrackLocal</c>) here too.
    /// </summary>
    private void WriteLocals(Flight<T> flight, CacheNode<T> node, T value, string? nsVersion, int upTo)
    {
        if (flight.Forgotten)
        {
            return;
        }

        for (int i = 0; i < upTo; i++)
        {
            if (_tiers[i].Local is not null)
            {
                SetLocal(_tiers[i], node, value, nsVersion);
            }
        }

        _client.TrackLocal(flight.Key, node); // before the check: a backplane invalidation forgets, then takes the tracked node
        Interlocked.MemoryBarrier(); // the writes above before the read below (Forget is fenced the same way)
        if (flight.Forgotten)
        {
            for (int i = 0; i < upTo; i++)
            {
                _tiers[i].Local?.Remove(node);
            }
        }
    }

    private async Task WriteRemotesAsync(Flight<T> flight, CacheNode<T> node, byte[]? bytes, int upTo, CancellationToken token)
    {
        string key = flight.Key;
        for (int i = 0; i < upTo && bytes is not null; i++)
        {
            Tier tier = _tiers[i];
            if (tier.Remote is null)
            {
                continue;
            }

            if (flight.Forgotten)
            {
                // Invalidated while this read ran: writing its value back could undo the invalidation.
                return;
            }

            try
            {
                await tier.Remote.SetAsync(key, bytes, StoredTtl(tier), token).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTierFailure(e, token))
            {
                TierFailed(tier, "set", e);
            }

            if (flight.Forgotten)
            {
                // Invalidated during the write: its delete may have landed first, so this one takes the value out again.
                await DeleteWrittenBackAsync(tier, key, node).ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>
    /// Deletes a value written back to <paramref name="tier"/> by a flight that was invalidated while it wrote (see
    /// <see cref="WriteLocals"/> for the order that makes the check after the write enough), then, as an invalidation
    /// does, detaches the key's current read, clears the local tiers and tells other instances (through the backplane):
    /// a read, here or there, that found the value in the moment it was there must not leave a copy. A failure of the
    /// delete is counted and logged as the tier's; the value then lives until its TTL, as after a failed invalidation.
    /// </summary>
    private async Task DeleteWrittenBackAsync(Tier tier, string key, CacheNode<T> node)
    {
        try
        {
            await tier.Remote!.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTierFailure(e, CancellationToken.None))
        {
            TierFailed(tier, "delete", e);
        }

        ForgetAndClearLocals(key, node); // after the delete: a read that starts later cannot find the value
        await _client.PublishAsync(CacheInvalidationKind.Key, key).ConfigureAwait(false); // other instances' reads may have copied it too
    }

    private async ValueTask<byte[]?> ReadRemoteAsync(Tier tier, string key, CancellationToken token)
    {
        try
        {
            return await tier.Remote!.GetAsync(key, token).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTierFailure(e, token))
        {
            TierFailed(tier, "get", e);
            return null;
        }
    }

    private static bool IsTierFailure(Exception e, CancellationToken token) => !(e is OperationCanceledException && token.IsCancellationRequested);

    private void TierFailed(Tier tier, string operation, Exception e)
    {
        _counters.TierError(Array.IndexOf(_tiers, tier));
        if (e is Polly.CircuitBreaker.BrokenCircuitException)
        {
            Log.TierSkipped(Logger, tier.Name, Name);
        }
        else
        {
            Log.TierFailed(Logger, tier.Name, operation, Name, e);
        }
    }

    /// <summary>Decodes a remote value and classifies it; an undecodable value is counted, logged and treated as missing.</summary>
    private Freshness ReadRemote(Tier tier, string key, byte[] bytes, out T value) => ReadRemote(tier, key, bytes, out value, out _);

    private Freshness ReadRemote(Tier tier, string key, byte[] bytes, out T value, out DateTimeOffset writtenAt)
    {
        if (!RemoteEnvelope.TryDecode(_serializer, bytes, out value, out writtenAt, out string? error))
        {
            _counters.DecodeFailures.Increment();
            Log.Undecodable(Logger, Name, key, tier.Name, error!);
            return Freshness.Missing;
        }

        if (_failSafe is null || tier.Ttl is not { } ttl || writtenAt + ttl > Time.GetUtcNow())
        {
            return Freshness.Fresh;
        }

        return Freshness.Stale;
    }

    private async ValueTask<T> LoadAsync(CacheNode<T> node, NodeLoader<T>? loader, string key, CancellationToken token)
    {
        long started = Time.GetTimestamp();
        try
        {
            T value = loader is null
                ? await node.LoadAsync(token).ConfigureAwait(false)
                : await loader.LoadAsync(token).ConfigureAwait(false);
            _counters.LoadSuccesses.Increment();
            return value;
        }
        catch (Exception e)
        {
            _counters.LoadFailures.Increment();
            if (e is not OperationCanceledException)
            {
                Log.LoadFailed(Logger, Name, key, e);
            }

            throw;
        }
        finally
        {
            _counters.LoadTime(Time.GetElapsedTime(started));
        }
    }

    /// <summary>Deletes the node's key from every tier (see <see cref="ChangeRemotesAsync"/>), then tells other instances.</summary>
    public async ValueTask InvalidateAsync(CacheNode<T> node, CancellationToken cancellationToken)
    {
        (string key, _) = await ResolveKeyAsync(node, cancellationToken).ConfigureAwait(false);
        var outcome = await ChangeRemotesAsync(
            key, node, "delete", async (tier, token) => await tier.Remote!.DeleteAsync(key, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        await PublishThenThrowAsync(key, outcome, "Invalidating", "cleared").ConfigureAwait(false);
    }

    /// <summary>
    /// Writes <paramref name="value"/> to every tier without loading (see <see cref="CachemeClient.SetAsync{T}"/>): the
    /// remote tiers as <see cref="ChangeRemotesAsync"/> does, then the local ones; then tells other instances.
    /// </summary>
    public async ValueTask SetAsync(CacheNode<T> node, T value, CancellationToken cancellationToken)
    {
        (string key, string? nsVersion) = await ResolveKeyAsync(node, cancellationToken).ConfigureAwait(false);
        byte[]? bytes = HasRemote(_tiers.Length) ? Encode(value) : null;
        var outcome = await ChangeRemotesAsync(
            key, node, "set", (tier, token) => tier.Remote!.SetAsync(key, bytes, StoredTtl(tier), token), cancellationToken).ConfigureAwait(false);
        if (outcome.Cancelled is null)
        {
            foreach (Tier tier in _tiers)
            {
                if (tier.Local is not null)
                {
                    SetLocal(tier, node, value, nsVersion);
                }
            }

            _client.TrackLocal(key, node);
        }

        await PublishThenThrowAsync(key, outcome, "Setting", "written").ConfigureAwait(false);
    }

    /// <summary>
    /// Tells other instances about a change of <paramref name="key"/>, then throws what <see cref="ChangeRemotesAsync"/>
    /// returned: its cancellation (published first, since a change sent may have landed), or the tiers that failed.
    /// </summary>
    private async ValueTask PublishThenThrowAsync(string key, (List<Exception>? Errors, OperationCanceledException? Cancelled) outcome, string doing, string done)
    {
        await _client.PublishAsync(CacheInvalidationKind.Key, key).ConfigureAwait(false);
        if (outcome.Cancelled is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(outcome.Cancelled);
        }

        if (outcome.Errors is { } errors)
        {
            throw new AggregateException($"{doing} {key} failed in {errors.Count} tier(s); other tiers were {done}.", errors);
        }
    }

    /// <summary>
    /// The part an invalidation and a set share: detaches the key's read in flight and clears the local tiers, applies
    /// <paramref name="change"/> to every remote tier (a failure is counted, logged and returned, and the other tiers are
    /// still changed), then detaches and clears again, since a read that began meanwhile could have found the old value in
    /// a remote tier not yet changed and copied it to the local tiers (a read still running is detached and takes its
    /// copy out itself, see <see cref="WriteLocals"/>; one that finished has its copy cleared here). A cancellation stops
    /// the changes to the remaining tiers but not the second clear, and is returned for the caller to throw once it has
    /// published: a change already sent may have landed (a Redis command is not called back), so other instances must
    /// drop their copies all the same.
    /// </summary>
    private async Task<(List<Exception>? Errors, OperationCanceledException? Cancelled)> ChangeRemotesAsync(
        string key, CacheNode<T> node, string operation, Func<Tier, CancellationToken, ValueTask> change, CancellationToken cancellationToken)
    {
        ForgetAndClearLocals(key, node);
        List<Exception>? errors = null;
        OperationCanceledException? cancelled = null;
        foreach (Tier tier in _tiers)
        {
            if (tier.Remote is null)
            {
                continue;
            }

            try
            {
                await change(tier, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
            {
                cancelled = e;
                break;
            }
            catch (Exception e)
            {
                TierFailed(tier, operation, e);
                (errors ??= []).Add(e);
            }
        }

        if (HasRemote(_tiers.Length))
        {
            ForgetAndClearLocals(key, node);
        }

        return (errors, cancelled);
    }

    /// <summary>Detaches the key's read in flight (<see cref="SingleFlight{T}.Forget"/>), then removes the node from every local tier.</summary>
    private void ForgetAndClearLocals(string key, CacheNode<T> node)
    {
        _flights.Forget(key);
        _client.RemoveFromLocalTiers(node);
    }
}
