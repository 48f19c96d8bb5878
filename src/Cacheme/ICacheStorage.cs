namespace CachemeNet;

/// <summary>A connected storage, local or remote. Implementations are thread-safe.</summary>
public interface ICacheStorage : IAsyncDisposable
{
}

/// <summary>
/// A storage in this process that holds values as objects, keyed by the node record itself, so a hit
/// builds no key string and allocates nothing. Every member is synchronous and thread-safe.
/// </summary>
public interface ILocalStorage : ICacheStorage
{
    /// <summary>Looks up <paramref name="key"/>; an expired entry is never returned.</summary>
    /// <param name="key">The key (a node record).</param>
    /// <param name="value">The value when found.</param>
    bool TryGet(object key, out object? value);

    /// <summary>Adds or replaces an entry.</summary>
    /// <param name="key">The key (a node record).</param>
    /// <param name="value">The value.</param>
    /// <param name="ttl">Time to live, or <see langword="null"/> for none.</param>
    void Set(object key, object? value, TimeSpan? ttl);

    /// <summary>Removes an entry; returns whether it was present.</summary>
    /// <param name="key">The key.</param>
    bool Remove(object key);

    /// <summary>Removes every entry.</summary>
    void Clear();

    /// <summary>The number of entries held (expired ones not yet evicted may be included).</summary>
    int Count { get; }
}

/// <summary>
/// A storage outside this process that holds bytes under full string keys (Redis, SQL databases).
/// Implementations are thread-safe and honour cancellation.
/// </summary>
public interface IRemoteStorage : ICacheStorage
{
    /// <summary>Reads one value; <see langword="null"/> when absent or expired.</summary>
    /// <param name="key">The full key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Reads many values in one round trip where the backend allows; one result per key, in order.</summary>
    /// <param name="keys">The full keys.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    ValueTask<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>Writes one value.</summary>
    /// <param name="key">The full key.</param>
    /// <param name="value">The bytes.</param>
    /// <param name="ttl">Time to live, or <see langword="null"/> for none. Millisecond precision.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? ttl, CancellationToken cancellationToken);

    /// <summary>Writes many values with one TTL, in one round trip where the backend allows.</summary>
    /// <param name="items">Keys and bytes.</param>
    /// <param name="ttl">Time to live, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    ValueTask SetManyAsync(IReadOnlyList<KeyValuePair<string, ReadOnlyMemory<byte>>> items, TimeSpan? ttl, CancellationToken cancellationToken);

    /// <summary>Deletes one value; returns whether it was present.</summary>
    /// <param name="key">The full key.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Whether every call ends promptly (with an <see cref="OperationCanceledException"/>) once its token is cancelled,
    /// even while it waits on the server. The tier's per-call timeout (<see cref="TierResilienceOptions.OperationTimeout"/>)
    /// then relies on the token alone; otherwise (the default, for storages that may ignore it) Cacheme also waits on
    /// each call with the token itself, which costs a task and a continuation per call.
    /// </summary>
    bool HonoursCancellation => false;
}
