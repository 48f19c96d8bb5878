using System.Collections.Concurrent;

namespace CachemeNet.Generators.Tests;

/// <summary>An in-memory remote tier that records the full keys it is asked for, so tests can see the keys memoized methods build.</summary>
internal sealed class RecordingRemoteStorage : IRemoteStorage
{
    private readonly ConcurrentDictionary<string, byte[]> _data = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Gets { get; } = new();

    public ConcurrentQueue<string> Sets { get; } = new();

    public ConcurrentQueue<string> Deletes { get; } = new();

    public IReadOnlyCollection<string> Keys => [.. _data.Keys.Order(StringComparer.Ordinal)];

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        Gets.Enqueue(key);
        return new(_data.GetValueOrDefault(key));
    }

    public async ValueTask<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var values = new byte[]?[keys.Count];
        for (int i = 0; i < keys.Count; i++)
        {
            values[i] = await GetAsync(keys[i], cancellationToken);
        }

        return values;
    }

    public ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        Sets.Enqueue(key);
        _data[key] = value.ToArray();
        return ValueTask.CompletedTask;
    }

    public async ValueTask SetManyAsync(IReadOnlyList<KeyValuePair<string, ReadOnlyMemory<byte>>> items, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        foreach (KeyValuePair<string, ReadOnlyMemory<byte>> item in items)
        {
            await SetAsync(item.Key, item.Value, ttl, cancellationToken);
        }
    }

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        Deletes.Enqueue(key);
        return new(_data.TryRemove(key, out _));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Creates a <see cref="RecordingRemoteStorage"/> for <c>recording://</c> URLs.</summary>
internal sealed class RecordingStorageProvider : IStorageProvider
{
    public IReadOnlyList<string> Schemes { get; } = ["recording"];

    public ValueTask<ICacheStorage> CreateAsync(Storage storage, StorageContext context, CancellationToken cancellationToken) =>
        new(new RecordingRemoteStorage());

    /// <summary>A client with a <c>local</c> LRU tier and a <c>remote</c> recording tier.</summary>
    public static async Task<(CachemeClient Client, RecordingRemoteStorage Remote)> CreateClientAsync()
    {
        StorageProviders.Register(new RecordingStorageProvider());
        var client = new CachemeClient();
        await client.RegisterStorageAsync("local", new Storage("local://lru", 10_000));
        await client.RegisterStorageAsync("remote", new Storage("recording://memory"));
        return (client, (RecordingRemoteStorage)client.GetStorage("remote")!);
    }
}
