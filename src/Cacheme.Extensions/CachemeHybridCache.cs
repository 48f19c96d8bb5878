using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CachemeNet.Extensions.Internal;
using Microsoft.Extensions.Caching.Hybrid;

namespace CachemeNet.Extensions;

/// <summary>
/// Microsoft's <see cref="HybridCache"/> API over a <see cref="CachemeClient"/>: every call goes through Cacheme's tier chain
/// (<see cref="CachemeHybridCacheOptions.LocalStorage"/> then <see cref="CachemeHybridCacheOptions.SharedStorage"/>), its
/// singleflight (one factory call per key however many callers wait) and its statistics (one node per value type, named
/// <c>hybrid:{type}</c>). Tags: each entry stores its tags and creation time; <see cref="RemoveByTagAsync(string, CancellationToken)"/>
/// records the tag's invalidation time in the shared tier, and a read finding an entry created at or before any of its tags'
/// invalidation (or <c>*</c>'s) reloads it. Thread-safe.
/// </summary>
/// <remarks>
/// Entry options: <see cref="HybridCacheEntryOptions.Expiration"/> is the shared tier's TTL, <see cref="HybridCacheEntryOptions.LocalCacheExpiration"/>
/// the local tier's (defaulting to Expiration). Flags: <c>DisableLocalCacheRead</c>/<c>Write</c> leave out the local tier and
/// <c>DisableDistributedCacheRead</c>/<c>Write</c> the shared tier for that call (reads and writes both); with neither tier the factory
/// is called directly. <c>DisableCompression</c> is ignored (Cacheme does not compress). <c>DisableUnderlyingData</c> is not supported
/// and throws <see cref="NotSupportedException"/>. Removing a key or tag clears this instance's local tier and the shared tier;
/// other instances' local tiers keep a removed key until their local TTL ends, but see a tag removal within
/// <see cref="CachemeHybridCacheOptions.TagCacheDuration"/>.
/// </remarks>
public sealed class CachemeHybridCache : HybridCache
{
    private readonly CachemeClient _client;
    private readonly CachemeHybridCacheOptions _options;
    private readonly IRemoteStorage? _shared;
    private readonly TagInvalidations _tags;
    private readonly ConcurrentDictionary<DefinitionKey, Definition> _definitions = new();
    private readonly ConcurrentDictionary<Task, Task> _sharedReads = new(); // the client's flight task -> the value's task (SharedRead)
    private readonly ConditionalWeakTable<object, Task> _invalidations = new(); // an entry found stale -> its key's invalidation (ReloadAsync)
    private readonly Lock _building = new();
    private readonly HashSet<Type> _plainNamed = []; // value types whose definition has the plain name {NodeName}:{type}; under _building
    private DefaultDefinition?[] _defaultDefinitions = []; // per value type (TypeSlot), for calls without entry options
    private static int s_typeSlots;

    /// <summary>Creates the cache over <paramref name="client"/>, whose storages named in <paramref name="options"/> must be registered.</summary>
    /// <param name="client">The Cacheme client.</param>
    /// <param name="options">The options; defaults when null.</param>
    /// <exception cref="InvalidOperationException">A storage named in the options is not registered in the client.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="CachemeHybridCacheOptions.EagerRefresh"/> is not between 0 and 1 (exclusive).</exception>
    public CachemeHybridCache(CachemeClient client, CachemeHybridCacheOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new CachemeHybridCacheOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(_options.NodeName, nameof(options));
        ArgumentNullException.ThrowIfNull(_options.Serializer, nameof(options));
        if (_options.EagerRefresh is { } eager && !(eager > 0 && eager < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), eager, "EagerRefresh is a share of the TTL, between 0 and 1 (exclusive).");
        }

        RequireStorage(_options.LocalStorage);
        _shared = RequireStorage(_options.SharedStorage) as IRemoteStorage;
        _tags = new TagInvalidations(client, _shared, _options.TagCacheDuration);
    }

    /// <summary>The client this cache reads through.</summary>
    public CachemeClient Client => _client;

    /// <inheritdoc />
    public override ValueTask<T> GetOrCreateAsync<TState, T>(
        string key,
        TState state,
        Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options = null,
        IEnumerable<string>? tags = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(factory);
        string[]? tagList = TagList(tags);
        NodeDefinition<HybridEntry<T>>? definition = DefinitionFor<T>(options);
        if (definition is null)
        {
            return factory(state, cancellationToken);
        }

        // A local hit is read by definition and key, so it allocates nothing (no node, no closure: the factory travels as
        // state), and a read that completes at once (a local hit, tags unchanged) returns without an async state machine.
        var load = new FactoryCall<TState, T>(this, state, factory, tagList);
        if (_client.TryGetLocal(definition, key, out HybridEntry<T>? local))
        {
            return Checked(local, null, definition, key, load, cancellationToken);
        }

        CacheNode<HybridEntry<T>> node = definition.Create(key, NeverLoaded<T>.Loader);
        ValueTask<HybridEntry<T>> read = _client.GetAsync(node, load, FactoryCall<TState, T>.Load, cancellationToken);
        if (read.IsCompletedSuccessfully)
        {
            return Checked(read.Result, node, definition, key, load, cancellationToken);
        }

        // A caller without a token of its own gets the client's flight task (leader and joiners alike): all of them
        // share one continuation that checks the tags and unwraps the entry, instead of one state machine each.
        return cancellationToken.CanBeCanceled
            ? ReadAsync(read, node, load, cancellationToken)
            : new ValueTask<T>(SharedRead(read.AsTask(), node, load));
    }

    /// <summary>
    /// The value of <paramref name="flight"/> after the tag check, shared by every caller waiting on that flight: the
    /// first one starts the continuation, the others find it in <see cref="_sharedReads"/>. An entry leaves the table
    /// before its task completes, so the table holds only reads in flight.
    /// </summary>
    private Task<T> SharedRead<TState, T>(Task<HybridEntry<T>> flight, CacheNode<HybridEntry<T>> node, FactoryCall<TState, T> load)
    {
        if (_sharedReads.TryGetValue(flight, out Task? shared))
        {
            return (Task<T>)shared;
        }

        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        shared = _sharedReads.GetOrAdd(flight, completion.Task);
        if (ReferenceEquals(shared, completion.Task))
        {
            _ = CompleteSharedReadAsync(flight, completion, node, load);
        }

        return (Task<T>)shared;
    }

    private async Task CompleteSharedReadAsync<TState, T>(Task<HybridEntry<T>> flight, TaskCompletionSource<T> completion, CacheNode<HybridEntry<T>> node, FactoryCall<TState, T> load)
    {
        try
        {
            HybridEntry<T> entry = await flight.ConfigureAwait(false);
            T value = await CheckTagsAsync(entry, _tags.LatestAsync(entry.Tags, CancellationToken.None), node, load, CancellationToken.None).ConfigureAwait(false);
            _sharedReads.TryRemove(flight, out _);
            completion.SetResult(value);
        }
        catch (Exception e)
        {
            _sharedReads.TryRemove(flight, out _);
            if (e is OperationCanceledException canceled)
            {
                completion.SetCanceled(canceled.CancellationToken);
            }
            else
            {
                completion.SetException(e);
            }
        }
    }

    /// <summary>How many shared reads are in flight (for tests).</summary>
    internal int SharedReadCount => _sharedReads.Count;

    /// <summary>
    /// The entry's value when none of its tags was invalidated since it was created, without waiting when the tags are
    /// known; otherwise a reload through <paramref name="node"/> (created here when the entry came from a read by key).
    /// </summary>
    private ValueTask<T> Checked<TState, T>(HybridEntry<T> entry, CacheNode<HybridEntry<T>>? node, NodeDefinition<HybridEntry<T>> definition, string key, FactoryCall<TState, T> load, CancellationToken cancellationToken)
    {
        ValueTask<long> latest = _tags.LatestAsync(entry.Tags, cancellationToken);
        if (!latest.IsCompletedSuccessfully)
        {
            return CheckTagsAsync(entry, latest, node ?? definition.Create(key, NeverLoaded<T>.Loader), load, cancellationToken);
        }

        return entry.CreatedTicks > latest.Result
            ? new ValueTask<T>(entry.Value)
            : ReloadAsync(entry, node ?? definition.Create(key, NeverLoaded<T>.Loader), load, cancellationToken);
    }

    private async ValueTask<T> ReadAsync<TState, T>(ValueTask<HybridEntry<T>> read, CacheNode<HybridEntry<T>> node, FactoryCall<TState, T> load, CancellationToken cancellationToken)
    {
        HybridEntry<T> entry = await read.ConfigureAwait(false);
        return await CheckTagsAsync(entry, _tags.LatestAsync(entry.Tags, cancellationToken), node, load, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the entry's value unless one of its tags was invalidated at or after it was created; then reloads it.</summary>
    private async ValueTask<T> CheckTagsAsync<TState, T>(HybridEntry<T> entry, ValueTask<long> latest, CacheNode<HybridEntry<T>> node, FactoryCall<TState, T> load, CancellationToken cancellationToken) =>
        entry.CreatedTicks > await latest.ConfigureAwait(false) ? entry.Value : await ReloadAsync(entry, node, load, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Reloads a key whose <paramref name="stale"/> entry predates one of its tags' invalidation. Every caller that found
    /// the same entry waits for one invalidation of the key (<see cref="InvalidationOf"/>), then reads it again through the
    /// client's singleflight, so however many callers find it, the factory runs once (each refreshing on its own ran it up
    /// to once per caller: every refresh's invalidation detached the load the one before had started).
    /// </summary>
    private async ValueTask<T> ReloadAsync<TState, T>(HybridEntry<T> stale, CacheNode<HybridEntry<T>> node, FactoryCall<TState, T> load, CancellationToken cancellationToken)
    {
        await InvalidationOf(stale, node).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (await _client.GetAsync(node, load, FactoryCall<TState, T>.Load, cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>
    /// The invalidation of <paramref name="node"/>'s key, started by the first caller that found <paramref name="stale"/>
    /// and shared, by that entry, with every other (a weak table: the mapping lives as long as the stale entry does). A
    /// failed invalidation leaves the table, so the next caller tries again.
    /// </summary>
    private Task InvalidationOf<T>(HybridEntry<T> stale, CacheNode<HybridEntry<T>> node)
    {
        while (true)
        {
            if (_invalidations.TryGetValue(stale, out Task? running))
            {
                return running;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_invalidations.TryAdd(stale, done.Task))
            {
                _ = InvalidateAsync(stale, node, done);
                return done.Task;
            }
        }
    }

    private async Task InvalidateAsync<T>(HybridEntry<T> stale, CacheNode<HybridEntry<T>> node, TaskCompletionSource done)
    {
        try
        {
            await _client.InvalidateAsync(node, CancellationToken.None).ConfigureAwait(false);
            done.SetResult();
        }
        catch (Exception e)
        {
            _invalidations.Remove(stale);
            done.SetException(e);
        }
    }

    /// <inheritdoc />
    public override async ValueTask SetAsync<T>(string key, T value, HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        NodeDefinition<HybridEntry<T>>? definition = DefinitionFor<T>(options);
        if (definition is not null)
        {
            await _client.SetAsync(definition.Create(key, NeverLoaded<T>.Loader), Entry(value, TagList(tags)), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (_definitions.IsEmpty)
        {
            if (_shared is not null)
            {
                await _shared.DeleteAsync(string.Concat(_client.Prefix, ":", key, ":", _options.Version), cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        foreach (Definition definition in _definitions.Values)
        {
            await definition.Invalidate(key, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        return _tags.InvalidateAsync(tag, cancellationToken);
    }

    private HybridEntry<T> Entry<T>(T value, string[]? tags) => new(value, _client.TimeProvider.GetUtcNow().UtcTicks, tags);

    private static string[]? TagList(IEnumerable<string>? tags)
    {
        if (tags is null)
        {
            return null;
        }

        string[] list = [.. tags.Distinct(StringComparer.Ordinal)];
        if (Array.Exists(list, string.IsNullOrEmpty))
        {
            throw new ArgumentException("Tags must not be null or empty.", nameof(tags));
        }

        return list.Length == 0 ? null : list;
    }

    private NodeDefinition<HybridEntry<T>>? DefinitionFor<T>(HybridCacheEntryOptions? options)
    {
        if (options is not null)
        {
            return FindDefinition<T>(options);
        }

        // Calls without entry options (the commonest) skip the lookup by options: one array read per value type.
        HybridCacheEntryOptions defaults = _options.DefaultEntryOptions;
        int slot = TypeSlot<T>.Index;
        DefaultDefinition?[] known = Volatile.Read(ref _defaultDefinitions);
        if (slot < known.Length && known[slot] is { } cached && ReferenceEquals(cached.Defaults, defaults))
        {
            return (NodeDefinition<HybridEntry<T>>?)cached.Node;
        }

        NodeDefinition<HybridEntry<T>>? found = FindDefinition<T>(null);
        lock (_building)
        {
            var grown = new DefaultDefinition?[Math.Max(_defaultDefinitions.Length, slot + 1)];
            Array.Copy(_defaultDefinitions, grown, _defaultDefinitions.Length);
            grown[slot] = new DefaultDefinition(defaults, found);
            Volatile.Write(ref _defaultDefinitions, grown);
        }

        return found;
    }

    private NodeDefinition<HybridEntry<T>>? FindDefinition<T>(HybridCacheEntryOptions? options)
    {
        HybridCacheEntryOptions defaults = _options.DefaultEntryOptions;
        HybridCacheEntryFlags flags = options?.Flags ?? defaults.Flags ?? HybridCacheEntryFlags.None;
        if ((flags & HybridCacheEntryFlags.DisableUnderlyingData) != 0)
        {
            throw new NotSupportedException("CachemeHybridCache does not support HybridCacheEntryFlags.DisableUnderlyingData: a Cacheme read always loads on a miss.");
        }

        bool useLocal = _options.LocalStorage is not null && (flags & HybridCacheEntryFlags.DisableLocalCache) == 0;
        bool useShared = _options.SharedStorage is not null && (flags & HybridCacheEntryFlags.DisableDistributedCache) == 0;
        if (!useLocal && !useShared)
        {
            return null;
        }

        TimeSpan shared = options?.Expiration ?? defaults.Expiration ?? TimeSpan.FromMinutes(5);
        TimeSpan local = options?.LocalCacheExpiration ?? defaults.LocalCacheExpiration ?? shared;
        var key = new DefinitionKey(typeof(T), useLocal ? local : null, useShared ? shared : null);
        if (_definitions.TryGetValue(key, out Definition? found))
        {
            return (NodeDefinition<HybridEntry<T>>)found.Node;
        }

        lock (_building)
        {
            if (!_definitions.TryGetValue(key, out found))
            {
                found = Build<T>(key, IsDefault(key));
                _definitions[key] = found;
            }

            return (NodeDefinition<HybridEntry<T>>)found.Node;
        }
    }

    private bool IsDefault(DefinitionKey key)
    {
        HybridCacheEntryOptions defaults = _options.DefaultEntryOptions;
        TimeSpan shared = defaults.Expiration ?? TimeSpan.FromMinutes(5);
        TimeSpan local = defaults.LocalCacheExpiration ?? shared;
        return key.LocalTtl == (_options.LocalStorage is null ? null : local) && key.SharedTtl == (_options.SharedStorage is null ? null : shared);
    }

    private Definition Build<T>(DefinitionKey key, bool isDefault)
    {
        var caches = new List<Cache>(2);
        if (key.LocalTtl is { } localTtl)
        {
            caches.Add(new Cache(_options.LocalStorage!, localTtl));
        }

        if (key.SharedTtl is { } sharedTtl)
        {
            caches.Add(new Cache(_options.SharedStorage!, sharedTtl));
        }

        // The first definition under the default options gets the plain name; any other (entry options, or default options
        // replaced after use) is named by its TTLs, so names stay unique within the client.
        string name = $"{_options.NodeName}:{TypeName(typeof(T))}";
        if (!isDefault || !_plainNamed.Add(typeof(T)))
        {
            name += $"[local={key.LocalTtl?.ToString() ?? "off"},shared={key.SharedTtl?.ToString() ?? "off"}]";
        }

        NodeDefinition<HybridEntry<T>> node = _client.BuildNode<HybridEntry<T>>(name, new NodeMeta
        {
            Version = _options.Version,
            Caches = caches,
            Serializer = _options.Serializer,
            Name = name,
            EagerRefresh = _options.EagerRefresh,
        });
        return new Definition(node, (k, ct) => _client.InvalidateAsync(node.Create(k, static _ => throw new InvalidOperationException("Never loaded.")), ct));
    }

    private static string TypeName(Type type) => !type.IsGenericType
        ? type.Name
        : $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(",", type.GetGenericArguments().Select(TypeName))}>";

    private ICacheStorage? RequireStorage(string? name)
    {
        if (name is null)
        {
            return null;
        }

        return _client.GetStorage(name) ?? throw new InvalidOperationException(
            $"CachemeHybridCache uses storage '{name}', which client '{_client.Name}' has not registered. Register it (Storages:{name}:Url) or set " +
            $"{nameof(CachemeHybridCacheOptions.LocalStorage)}/{nameof(CachemeHybridCacheOptions.SharedStorage)} to a registered storage or null.");
    }

    /// <summary>What a miss needs to run the caller's factory: passed as state, so nothing is allocated for it on a hit.</summary>
    private readonly record struct FactoryCall<TState, T>(CachemeHybridCache Cache, TState State, Func<TState, CancellationToken, ValueTask<T>> Factory, string[]? Tags)
    {
        public static readonly Func<FactoryCall<TState, T>, CancellationToken, ValueTask<HybridEntry<T>>> Load = static async (call, token) =>
            call.Cache.Entry(await call.Factory(call.State, token).ConfigureAwait(false), call.Tags);
    }

    /// <summary>The loader of nodes read with a state loader, which is used instead (never called).</summary>
    private static class NeverLoaded<T>
    {
        public static readonly Func<CancellationToken, ValueTask<HybridEntry<T>>> Loader = static _ => throw new InvalidOperationException("Never loaded: reads pass the factory as state.");
    }

    private readonly record struct DefinitionKey(Type Type, TimeSpan? LocalTtl, TimeSpan? SharedTtl);

    /// <summary>The definition used without entry options, and the default options it was chosen under (null: no tier, the factory is called directly).</summary>
    private sealed record DefaultDefinition(HybridCacheEntryOptions Defaults, object? Node);

    /// <summary>A small index per value type, for <see cref="_defaultDefinitions"/>.</summary>
    private static class TypeSlot<T>
    {
        public static readonly int Index = Interlocked.Increment(ref s_typeSlots) - 1;
    }

    private sealed record Definition(object Node, Func<string, CancellationToken, ValueTask> Invalidate);
}
