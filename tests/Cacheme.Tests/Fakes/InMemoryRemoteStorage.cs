using System.Collections.Concurrent;

namespace CachemeNet.Fakes.Tests;

/// <summary>
/// A remote tier held in a dictionary, for engine tests of pure logic (decode failures, write-back). It ignores TTLs.
/// Real backends are tested against real servers in their own projects.
/// </summary>
public sealed class InMemoryRemoteStorage : IRemoteStorage
{
    private readonly ConcurrentDictionary<string, byte[]> _values = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, byte[]> Values => _values;

    public int SetCount;

    public void Plant(string key, byte[] bytes) => _values[key] = bytes;

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_values.TryGetValue(key, out byte[]? value) ? value : null);

    public ValueTask<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<byte[]?>>([.. keys.Select(k => _values.TryGetValue(k, out byte[]? value) ? value : null)]);

    public ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        _values[key] = value.ToArray();
        Interlocked.Increment(ref SetCount);
        return ValueTask.CompletedTask;
    }

    public async ValueTask SetManyAsync(IReadOnlyList<KeyValuePair<string, ReadOnlyMemory<byte>>> items, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        foreach (KeyValuePair<string, ReadOnlyMemory<byte>> item in items)
        {
            await SetAsync(item.Key, item.Value, ttl, cancellationToken);
        }
    }

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken) => ValueTask.FromResult(_values.TryRemove(key, out _));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Serves <c>memory://NAME</c>: the same <see cref="InMemoryRemoteStorage"/> for the same name, so a test can reach into it.</summary>
public sealed class InMemoryStorageProvider : IStorageProvider
{
    private static readonly ConcurrentDictionary<string, InMemoryRemoteStorage> Storages = new(StringComparer.Ordinal);

    public static InMemoryStorageProvider Instance { get; } = new();

    public IReadOnlyList<string> Schemes { get; } = ["memory"];

    /// <summary>The storage behind <c>memory://<paramref name="name"/></c>.</summary>
    public static InMemoryRemoteStorage Get(string name) => Storages.GetOrAdd(name, _ => new InMemoryRemoteStorage());

    public ValueTask<ICacheStorage> CreateAsync(Storage storage, StorageContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ICacheStorage>(Get(storage.Url[(storage.Scheme.Length + 3)..]));
}
