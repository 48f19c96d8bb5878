using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using CachemeNet.Internal;
using Microsoft.Extensions.Logging;

namespace CachemeNet;

/// <summary>
/// A Cacheme instance: its own storage registry, key prefix, node statistics and in-flight loads. The static
/// <see cref="Cacheme"/> facade forwards to <see cref="Cacheme.Default"/>; create more for isolation (tests, several apps in one process).
/// Thread-safe.
/// </summary>
public sealed partial class CachemeClient : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ICacheStorage> _storages = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<object, NodeRuntime> _runtimes = new();
    private readonly ConcurrentDictionary<string, object> _names = new(StringComparer.Ordinal);
    private readonly Lock _registration = new();
    private readonly TierResilienceOptions _resilience;
    private LocalKeyIndex? _localKeys;
    private ICacheBackplane? _backplane;
    private volatile string _prefix;

    /// <summary>Creates a client.</summary>
    /// <param name="options">Options; defaults apply when null.</param>
    public CachemeClient(CachemeOptions? options = null)
    {
        options ??= new CachemeOptions();
        _prefix = ValidatePrefix(options.Prefix);
        TimeProvider = options.TimeProvider ?? throw new ArgumentException("TimeProvider must not be null.", nameof(options));
        LoggerFactory = options.LoggerFactory ?? throw new ArgumentException("LoggerFactory must not be null.", nameof(options));
        _resilience = options.TierResilience ?? new TierResilienceOptions();
        Logger = LoggerFactory.CreateLogger("Cacheme");
        Namespaces = new NamespaceVersions(this, options.NamespaceCacheDuration);
        Name = ValidateName(options.Name);
        CachemeMetrics.Track(this);
    }

    /// <summary>Identifies this client in backplane messages and fleet statistics.</summary>
    public string InstanceId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>The key prefix.</summary>
    public string Prefix => _prefix;

    /// <summary>The clock used for TTLs, load times and envelopes.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The logging the client and its storages write to.</summary>
    public ILoggerFactory LoggerFactory { get; }

    internal ILogger Logger { get; }

    internal NamespaceVersions Namespaces { get; }

    /// <summary>
    /// Changes the key prefix, which makes every existing remote entry unreachable (as in cacheme) and clears this client's local tiers.
    /// </summary>
    /// <param name="prefix">The new prefix; not empty.</param>
    public void SetPrefix(string prefix)
    {
        _prefix = ValidatePrefix(prefix);
        // A read in flight has its value from under the old prefix: it must not copy it to a local tier (keyed by the
        // node, not the full key) after the clear, nor write it under the old key.
        DropLocalState();
    }

    /// <summary>Detaches every read in flight and clears every local tier, fenced against copies between local tiers.</summary>
    private void DropLocalState()
    {
        LocalClears.Begin();
        try
        {
            foreach (NodeRuntime runtime in _runtimes.Values)
            {
                runtime.ForgetAllFlights();
            }

            foreach (ICacheStorage storage in _storages.Values)
            {
                (storage as ILocalStorage)?.Clear();
            }
        }
        finally
        {
            LocalClears.End();
        }
    }

    /// <summary>Connects a storage and registers it under <paramref name="name"/>, replacing (and disposing) any storage of that name.</summary>
    /// <param name="name">The name nodes refer to in <see cref="Cache.Storage"/>.</param>
    /// <param name="storage">The storage URL and options.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <exception cref="NotSupportedException">The URL scheme is unknown or its package is not referenced.</exception>
    /// <exception cref="StorageConnectionException">The storage could not connect.</exception>
    public async Task RegisterStorageAsync(string name, Storage storage, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(storage);
        IStorageProvider provider = StorageProviders.Resolve(storage.Scheme);
        ICacheStorage created;
        try
        {
            created = await provider.CreateAsync(storage, new StorageContext(name, TimeProvider, LoggerFactory), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (StorageConnectionException or OperationCanceledException or NotSupportedException or ArgumentException))
        {
            throw new StorageConnectionException(storage, e);
        }

        // The timeout and circuit breaker wrap each server call; coalescing sits outside them, so time spent queued for a
        // batch is not counted against a call's timeout.
        if (created is IRemoteStorage resilient && _resilience.Enabled)
        {
            created = new ResilientRemoteStorage(name, resilient, _resilience, TimeProvider, Logger);
        }

        if (created is IRemoteStorage remote && storage.Coalesce)
        {
            created = new CoalescingRemoteStorage(remote);
        }

        ICacheStorage? previous;
        lock (_registration)
        {
            _storages.TryGetValue(name, out previous);
            _storages[name] = created;
            _storageUrls[name] = storage.RedactedUrl;

            // Nodes resolved against the old storage re-resolve on next use; their statistics start afresh.
            if (previous is not null)
            {
                _runtimes.Clear();
                _names.Clear();
            }
        }

        if (previous is not null)
        {
            await previous.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Connects this client to other processes through <paramref name="backplane"/>: from now on its invalidations, refreshes
    /// and namespace invalidations are published, and those of other instances drop the affected entries from this client's
    /// local tiers.
    /// </summary>
    /// <param name="backplane">The backplane (for example Cacheme.Redis's <c>RedisBackplane</c>).</param>
    /// <param name="cancellationToken">Cancels subscribing.</param>
    public async Task AttachBackplaneAsync(ICacheBackplane backplane, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backplane);
        _localKeys ??= new LocalKeyIndex(IsInAnyLocalTier);
        await backplane.SubscribeAsync(OnInvalidationAsync, cancellationToken).ConfigureAwait(false);
        _backplane = backplane;
    }

    /// <summary>Backplane invalidations received from other instances and applied here.</summary>
    public long InvalidationsReceived => Interlocked.Read(ref _invalidationsReceived);

    private long _invalidationsReceived;

    internal void TrackLocal(string key, object node) => _localKeys?.Track(key, node);

    /// <summary>Brackets every removal from the local tiers, so a copy between local tiers can tell it overlapped one.</summary>
    internal LocalClearFence LocalClears { get; } = new();

    /// <summary>Removes <paramref name="node"/> from every local tier, inside the <see cref="LocalClears"/> fence.</summary>
    internal void RemoveFromLocalTiers(object node)
    {
        LocalClears.Begin();
        try
        {
            foreach (ICacheStorage storage in _storages.Values)
            {
                (storage as ILocalStorage)?.Remove(node);
            }
        }
        finally
        {
            LocalClears.End();
        }
    }

    internal async ValueTask PublishAsync(CacheInvalidationKind kind, string target)
    {
        if (_backplane is not { } backplane)
        {
            return;
        }

        try
        {
            await backplane.PublishAsync(new CacheInvalidation(kind, target, InstanceId, TimeProvider.GetUtcNow().ToUnixTimeMilliseconds()), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.BackplaneFailed(Logger, kind.ToString(), target, e);
        }
    }

    private ValueTask OnInvalidationAsync(CacheInvalidation message)
    {
        if (message.Sender == InstanceId)
        {
            return ValueTask.CompletedTask;
        }

        if (message.Kind == CacheInvalidationKind.Namespace)
        {
            Namespaces.Forget(message.Target);
        }
        else if (message.Kind == CacheInvalidationKind.All)
        {
            DropLocalState();
            Namespaces.ForgetAll();
        }
        else
        {
            // A read of this key still finishing here must neither be joined nor write its (older) value back.
            foreach (NodeRuntime runtime in _runtimes.Values)
            {
                runtime.ForgetFlight(message.Target);
            }

            if (_localKeys?.Take(message.Target) is { } node)
            {
                RemoveFromLocalTiers(node);
            }
        }

        // Counted once applied, so whoever watches the counter sees the invalidation's effect.
        Interlocked.Increment(ref _invalidationsReceived);
        return ValueTask.CompletedTask;
    }

    private bool IsInAnyLocalTier(object node) => _storages.Values.OfType<ILocalStorage>().Any(local => local.TryGet(node, out _));

    /// <summary>The health of every registered storage: circuit state, operations, failures, rejections and dropped writes.</summary>
    public IReadOnlyList<TierStatus> Tiers() =>
    [
        .. _storages.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Value is CoalescingRemoteStorage coalescing ? coalescing.Inner : s.Value) switch
        {
            ResilientRemoteStorage resilient => resilient.Status(),
            ILocalStorage local => new TierStatus { Name = s.Key, Kind = "local", Count = local.Count },
            _ => new TierStatus { Name = s.Key, Kind = "remote" },
        }),
    ];

    /// <summary>The storage registered under that name, as its provider created it (without the client's timeout, circuit breaker or coalescing), or null.</summary>
    /// <param name="name">The storage name.</param>
    public ICacheStorage? GetStorage(string name) => _storages.TryGetValue(name, out ICacheStorage? storage) ? Tier.Unwrap(storage) : null;

    /// <summary>Reads a node through its tier chain, loading it once on a miss however many callers wait.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="node">The node.</param>
    /// <param name="cancellationToken">Ends this caller's wait; the load itself stops only when every waiter has cancelled.</param>
    /// <returns>The value.</returns>
    public ValueTask<T> GetAsync<T>(CacheNode<T> node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        return Runtime(node).GetAsync(node, cancellationToken);
    }

    /// <summary>
    /// Reads the value of the node <paramref name="definition"/> creates for <paramref name="key"/> from the first tier of
    /// its chain, without creating the node, when that tier is a Cacheme local tier (<c>local://tlfu</c> or
    /// <c>local://lru</c>) and holds the value fresh. A hit is counted as <see cref="GetAsync{T}(CacheNode{T}, CancellationToken)"/>
    /// counts one; on <see langword="false"/> nothing is counted: read with <c>GetAsync(definition.Create(key, loader))</c>,
    /// which goes through every tier and loads on a miss. For callers that serve many keys of one definition by string
    /// (an adapter such as <c>CachemeHybridCache</c>): a hit allocates nothing. A value past its eager refresh point
    /// (<see cref="NodeMeta.EagerRefresh"/>) that no read has started reloading returns <see langword="false"/> too, so
    /// the <c>GetAsync</c> that follows serves it and starts the reload with its loader.
    /// </summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="definition">A definition from <see cref="BuildNode{T}"/>.</param>
    /// <param name="key">The node key, as given to <see cref="NodeDefinition{T}.Create"/>.</param>
    /// <param name="value">The value on a hit.</param>
    /// <returns>Whether the first tier held the value fresh (and not due for a reload); false also when this client has not served the definition yet.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="definition"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null or empty.</exception>
    public bool TryGetLocal<T>(NodeDefinition<T> definition, string key, [MaybeNullWhen(false)] out T value)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (ServedRuntime<T>(definition) is { } runtime)
        {
            return runtime.TryGetLocal(definition, key, out value);
        }

        value = default;
        return false;
    }

    /// <summary>
    /// Reads many nodes at once: local tiers per node, then one batched call per remote tier and one batched load for what is
    /// still missing. Values come back in input order, duplicates included. Keys already being loaded are joined, not loaded again.
    /// </summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="nodes">The nodes; may mix node types of the same value type.</param>
    /// <param name="cancellationToken">Ends this caller's wait.</param>
    /// <returns>One value per node, in order.</returns>
    public async ValueTask<IReadOnlyList<T>> GetAllAsync<T>(IEnumerable<CacheNode<T>> nodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        CacheNode<T>[] list = [.. nodes];
        if (list.Length == 0)
        {
            return [];
        }

        var runtimes = new NodeRuntime<T>[list.Length];
        for (int i = 0; i < list.Length; i++)
        {
            runtimes[i] = Runtime(list[i] ?? throw new ArgumentException($"nodes[{i}] is null.", nameof(nodes)));
        }

        var results = new T[list.Length];
        NodeRuntime<T> first = runtimes[0];
        if (Array.TrueForAll(runtimes, r => ReferenceEquals(r, first)))
        {
            await first.GetManyAsync(list, Enumerable.Range(0, list.Length).ToArray(), results, cancellationToken).ConfigureAwait(false);
            return results;
        }

        var parts = new List<Task>();
        foreach (IGrouping<NodeRuntime<T>, int> part in Enumerable.Range(0, list.Length).GroupBy(i => runtimes[i]))
        {
            parts.Add(part.Key.GetManyAsync(list, part.ToArray(), results, cancellationToken));
        }

        await Task.WhenAll(parts).ConfigureAwait(false);
        return results;
    }

    /// <summary>Deletes the node's value from every tier; the next read loads it again.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="node">The node.</param>
    /// <param name="cancellationToken">Cancels the deletes.</param>
    /// <exception cref="AggregateException">A remote tier could not delete; the other tiers were still cleared.</exception>
    public ValueTask InvalidateAsync<T>(CacheNode<T> node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        return Runtime(node).InvalidateAsync(node, cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="value"/> as the node's value to every tier of its chain without calling the loader: for
    /// write-through, when the caller has just changed the source and holds the new value. A read of the key in flight is
    /// detached (its older value is written nowhere), other instances drop their local copies through the backplane, and
    /// the doorkeeper is not consulted (the caller asked for the value to be cached).
    /// </summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="node">The node.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="node"/> is null.</exception>
    /// <exception cref="AggregateException">A remote tier could not write; the other tiers were still written.</exception>
    public ValueTask SetAsync<T>(CacheNode<T> node, T value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        return Runtime(node).SetAsync(node, value, cancellationToken);
    }

    /// <summary>Invalidates the node, then reads it again (which loads it and writes every tier).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="node">The node.</param>
    /// <param name="cancellationToken">Cancels the refresh.</param>
    /// <returns>The freshly loaded value.</returns>
    public async ValueTask<T> RefreshAsync<T>(CacheNode<T> node, CancellationToken cancellationToken = default)
    {
        await InvalidateAsync(node, cancellationToken).ConfigureAwait(false);
        return await GetAsync(node, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes every key of a namespace (see <see cref="CacheNode{T}.Namespace"/>) miss from now on, in every tier, in O(1): the
    /// namespace gets a new version in every registered remote storage and in this process; other processes see it within
    /// <see cref="CachemeOptions.NamespaceCacheDuration"/>. Old entries are never read again and expire with their TTL.
    /// </summary>
    /// <param name="ns">The namespace, as returned by the nodes' <see cref="CacheNode{T}.Namespace"/>.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public Task InvalidateNamespaceAsync(string ns, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        return BumpNamespaceAsync(ns, cancellationToken);
    }

    private async Task BumpNamespaceAsync(string ns, CancellationToken cancellationToken)
    {
        await Namespaces.BumpAsync(ns, _storages.Values.OfType<IRemoteStorage>(), cancellationToken).ConfigureAwait(false);
        await PublishAsync(CacheInvalidationKind.Namespace, ns).ConfigureAwait(false);
    }

    /// <summary>The statistics of a node type; all zero when it has not been used.</summary>
    /// <typeparam name="TNode">The node type.</typeparam>
    public NodeStats Stats<TNode>() => Stats(typeof(TNode));

    /// <summary>The statistics of a node type; all zero when it has not been used.</summary>
    /// <param name="nodeType">The node type.</param>
    public NodeStats Stats(Type nodeType)
    {
        ArgumentNullException.ThrowIfNull(nodeType);
        return _runtimes.TryGetValue(nodeType, out NodeRuntime? runtime)
            ? runtime.Counters.Snapshot()
            : new NodeStats { Node = nodeType.Name };
    }

    /// <summary>The statistics of a node built at run time.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="definition">The definition returned by <see cref="BuildNode{T}"/>.</param>
    public NodeStats Stats<T>(NodeDefinition<T> definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return _runtimes.TryGetValue(definition, out NodeRuntime? runtime)
            ? runtime.Counters.Snapshot()
            : new NodeStats { Node = definition.Name };
    }

    /// <summary>The statistics of every node this client has served, built nodes included.</summary>
    public IReadOnlyList<NodeStats> AllStats() => [.. _runtimes.Values.Select(r => r.Counters.Snapshot()).OrderBy(s => s.Node, StringComparer.Ordinal)];

    /// <summary>The node types this client has served, in name order. Nodes built at run time are listed by <see cref="AllStats"/>.</summary>
    public IReadOnlyList<Type> Nodes() => [.. _runtimes.Values.Where(r => r.NodeType is not null).Select(r => r.NodeType!).OrderBy(t => t.Name, StringComparer.Ordinal)];

    /// <summary>
    /// Builds a node kind at run time (cacheme's <c>build_node</c>) with its own configuration and statistics.
    /// </summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="name">A name unique within this client.</param>
    /// <param name="meta">The configuration.</param>
    /// <exception cref="ArgumentException">The name is taken or the configuration is invalid.</exception>
    public NodeDefinition<T> BuildNode<T>(string name, NodeMeta meta)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(meta);
        var definition = new NodeDefinition<T>(name, meta);
        if (!_names.TryAdd(name, definition))
        {
            throw new ArgumentException($"A node named '{name}' already exists in this client.", nameof(name));
        }

        return definition;
    }

    /// <summary>Disposes every registered storage.</summary>
    public async ValueTask DisposeAsync()
    {
        CachemeMetrics.Untrack(this);
        foreach (ICacheStorage storage in _storages.Values)
        {
            await storage.DisposeAsync().ConfigureAwait(false);
        }

        _storages.Clear();
        foreach (object definition in _runtimes.Keys)
        {
            (definition as IRemembersRuntime)?.Forget(this);
        }

        _runtimes.Clear();
        if (_backplane is { } backplane)
        {
            _backplane = null;
            await backplane.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal NodeRuntime<T> Runtime<T>(CacheNode<T> node)
    {
        object definition = node.Definition;
        return ServedRuntime<T>(definition) ?? CreateRuntime(node, definition);
    }

    /// <summary>The runtime of a node definition (a node type or a <see cref="NodeDefinition{T}"/>) this client has served, if any.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // on every read's path
    private NodeRuntime<T>? ServedRuntime<T>(object definition)
    {
        if (definition is NodeDefinition<T> { Runtime: { } remembered } && ReferenceEquals(remembered.Client, this))
        {
            return remembered;
        }

        return _runtimes.TryGetValue(definition, out NodeRuntime? found) ? (NodeRuntime<T>)found : null;
    }

    private NodeRuntime<T> CreateRuntime<T>(CacheNode<T> node, object definition)
    {
        NodeMeta meta = node.Meta ?? throw new InvalidOperationException($"{node.GetType().Name}.Meta returned null.");
        Type? nodeType = definition as Type;
        string name = definition is NodeDefinition<T> built ? built.Name : meta.Name ?? nodeType!.Name;
        if (meta.Caches is null || meta.Caches.Count == 0)
        {
            throw new InvalidOperationException($"Node {name} has no caches: set NodeMeta.Caches to at least one tier.");
        }

        lock (_registration)
        {
            if (_runtimes.TryGetValue(definition, out NodeRuntime? raced))
            {
                return (NodeRuntime<T>)raced;
            }

            var tiers = new Tier[meta.Caches.Count];
            for (int i = 0; i < tiers.Length; i++)
            {
                Cache cache = meta.Caches[i] ?? throw new InvalidOperationException($"Node {name} has a null entry in Caches.");
                if (!_storages.TryGetValue(cache.Storage, out ICacheStorage? storage))
                {
                    throw new InvalidOperationException(
                        $"Node {name} uses storage '{cache.Storage}', which is not registered. Call RegisterStorageAsync(\"{cache.Storage}\", new Storage(...)) first. " +
                        $"Registered: {(_storages.IsEmpty ? "none" : string.Join(", ", _storages.Keys.Order(StringComparer.Ordinal)))}.");
                }

                tiers[i] = new Tier(cache.Storage, cache.Ttl, storage);
            }

            if (nodeType is not null && _names.TryGetValue(name, out object? other) && !Equals(other, nodeType))
            {
                name = nodeType.FullName ?? name;
            }

            _names.TryAdd(name, definition);
            var runtime = new NodeRuntime<T>(this, name, nodeType, meta, tiers);
            _runtimes[definition] = runtime;
            if (definition is NodeDefinition<T> { Runtime: null } firstServed)
            {
                firstServed.Runtime = runtime;
            }
            return runtime;
        }
    }

    private static string ValidatePrefix(string prefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        return prefix;
    }
}
