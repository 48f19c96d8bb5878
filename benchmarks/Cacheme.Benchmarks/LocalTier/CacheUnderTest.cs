using System.Collections.Concurrent;
using CachemeNet.Internal.Local;
using Microsoft.Extensions.Caching.Memory;

namespace CachemeNet.Benchmarks.LocalTier;

/// <summary>One cache the local-tier benchmarks compare, behind a tiny common interface (same dispatch cost for all).</summary>
public abstract class CacheUnderTest
{
    public abstract bool TryGet(int key, out object? value);

    public abstract void Set(int key, object value);

    public static CacheUnderTest Create(string name, int capacity, object[] boxedKeys) => name switch
    {
        "tlfu" => new Bounded(new WindowTinyLfuPolicy<int, object>(capacity, 17)),
        "lru" => new Bounded(new LruPolicy<int, object>(capacity)),
        "ConcurrentDictionary" => new Dictionary(),
        "MemoryCache" => new Memory(boxedKeys),
        _ => throw new ArgumentException(name),
    };

    private sealed class Bounded(EvictionPolicy<int, object> policy) : CacheUnderTest
    {
        private readonly BoundedLocalCache<int, object> _cache = new(policy, TimeProvider.System, MaintenanceMode.ThreadPool);

        public override bool TryGet(int key, out object? value) => _cache.TryGet(key, out value);

        public override void Set(int key, object value) => _cache.Set(key, value, null);
    }

    private sealed class Dictionary : CacheUnderTest
    {
        private readonly ConcurrentDictionary<int, object> _map = new();

        public override bool TryGet(int key, out object? value) => _map.TryGetValue(key, out value);

        public override void Set(int key, object value) => _map[key] = value;
    }

    /// <summary>MemoryCache keys are objects: keys are boxed once up front so the benchmark does not time boxing.</summary>
    private sealed class Memory(object[] boxedKeys) : CacheUnderTest
    {
        private readonly MemoryCache _cache = new(new MemoryCacheOptions());

        public override bool TryGet(int key, out object? value) => _cache.TryGetValue(boxedKeys[key], out value);

        public override void Set(int key, object value) => _cache.Set(boxedKeys[key], value);
    }
}
