namespace CachemeNet.Internal.Local;

/// <summary>An <see cref="ILocalStorage"/> over a <see cref="BoundedLocalCache{TKey, TValue}"/> keyed by the node record itself.</summary>
internal sealed class LocalCacheStorage(BoundedLocalCache<object, object?> cache) : ILocalStorage
{
    /// <summary>Creates a storage evicting by <paramref name="policy"/> ("lru" or "tlfu").</summary>
    public static LocalCacheStorage Create(string policy, int capacity, TimeProvider time) => new(policy switch
    {
        "lru" => new BoundedLocalCache<object, object?>(new LruPolicy<object, object?>(capacity), time, MaintenanceMode.ThreadPool),
        "tlfu" => new BoundedLocalCache<object, object?>(new WindowTinyLfuPolicy<object, object?>(capacity, (ulong)Random.Shared.NextInt64()), time, MaintenanceMode.ThreadPool),
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown local policy; use lru or tlfu."),
    });

    public int Count => cache.Count;

    public bool TryGet(object key, out object? value) => cache.TryGet(key, out value);

    /// <summary>Reads the entry whose key <paramref name="probe"/> matches, without the key (see <see cref="BoundedLocalCache{TKey, TValue}.TryGet{TProbe}"/>).</summary>
    public bool TryGet<TProbe>(TProbe probe, int hash, out object? value)
        where TProbe : struct, IKeyProbe<object> => cache.TryGet(probe, hash, out value);

    public void Set(object key, object? value, TimeSpan? ttl) => cache.Set(key, value, ttl);

    public bool Remove(object key) => cache.Remove(key);

    public void Clear() => cache.Clear();

    public ValueTask DisposeAsync()
    {
        cache.Clear();
        return ValueTask.CompletedTask;
    }
}
