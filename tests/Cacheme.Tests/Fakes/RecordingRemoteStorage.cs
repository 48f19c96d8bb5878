using System.Collections.Concurrent;
using CachemeNet;

namespace CachemeNet.Tests.Fakes;

/// <summary>An in-memory remote tier that counts its calls, honours TTLs on a given clock and can be told to fail.</summary>
public sealed class RecordingRemoteStorage(TimeProvider time) : IRemoteStorage, IRemoteLockStorage
{
    private readonly ConcurrentDictionary<string, (byte[] Value, DateTimeOffset? Expires)> _data = new(StringComparer.Ordinal);
    private int _gets, _getManys, _sets, _setManys, _deletes;

    public int Gets => _gets;

    public int GetManys => _getManys;

    public int Sets => _sets;

    public int SetManys => _setManys;

    public int Deletes => _deletes;

    /// <summary>When set, every call throws this.</summary>
    public Exception? Failure { get; set; }

    public IReadOnlyCollection<string> Keys => [.. _data.Keys];

    public byte[]? Raw(string key) => _data.TryGetValue(key, out var entry) ? entry.Value : null;

    public void Plant(string key, byte[] value) => _data[key] = (value, null);

    /// <summary>What the storage declares of its cancellation tokens; the fake honours them either way.</summary>
    public bool HonoursCancellation { get; set; }

    /// <summary>When set, reads wait for this task first (a slow server).</summary>
    public Task? Hang { get; set; }

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _gets);
        ThrowIfFailing();
        if (Hang is { } hang)
        {
            await hang.WaitAsync(cancellationToken);
        }

        byte[]? value = Read(key);
        if (ReplyHang is { } reply)
        {
            await reply.WaitAsync(cancellationToken);
        }

        return value;
    }

    /// <summary>When set, reads take the value, then wait for this task before returning it (a reply on the wire).</summary>
    public Task? ReplyHang { get; set; }

    public ValueTask<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _getManys);
        ThrowIfFailing();
        return ValueTask.FromResult<IReadOnlyList<byte[]?>>([.. keys.Select(Read)]);
    }

    /// <summary>Writes (single or batched) that have landed: after <see cref="WriteHang"/>.</summary>
    public int WritesLanded => Volatile.Read(ref _landed);

    private int _landed;

    /// <summary>When set, writes are counted, then wait for this task before they land (a write on the wire).</summary>
    public Task? WriteHang { get; set; }

    public async ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _sets);
        ThrowIfFailing();
        if (WriteHang is { } hang)
        {
            await hang.WaitAsync(cancellationToken);
        }

        _data[key] = (value.ToArray(), time.GetUtcNow() + ttl);
        Interlocked.Increment(ref _landed);
    }

    public async ValueTask SetManyAsync(IReadOnlyList<KeyValuePair<string, ReadOnlyMemory<byte>>> items, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _setManys);
        ThrowIfFailing();
        if (WriteHang is { } hang)
        {
            await hang.WaitAsync(cancellationToken);
        }

        foreach (var item in items)
        {
            _data[item.Key] = (item.Value.ToArray(), time.GetUtcNow() + ttl);
        }

        Interlocked.Increment(ref _landed);
    }

    /// <summary>When set, deletes are counted, then wait for this task before they land.</summary>
    public Task? DeleteHang { get; set; }

    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _deletes);
        ThrowIfFailing();
        if (DeleteHang is { } hang)
        {
            await hang.WaitAsync(cancellationToken);
        }

        return _data.TryRemove(key, out _);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private readonly Lock _locks = new();
    private int _lockAttempts;

    public int LockAttempts => _lockAttempts;

    /// <summary>Called with the lock key when a lock is asked for, before it is taken (another process acting meanwhile).</summary>
    public Action<string>? BeforeLock { get; set; }

    public ValueTask<string?> TryLockAsync(string key, TimeSpan lease, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lockAttempts);
        ThrowIfFailing();
        BeforeLock?.Invoke(key);
        lock (_locks)
        {
            if (Read(key) is not null)
            {
                return ValueTask.FromResult<string?>(null);
            }

            string token = Guid.NewGuid().ToString("N");
            _data[key] = (System.Text.Encoding.UTF8.GetBytes(token), time.GetUtcNow() + lease);
            return ValueTask.FromResult<string?>(token);
        }
    }

    public ValueTask UnlockAsync(string key, string token, CancellationToken cancellationToken)
    {
        lock (_locks)
        {
            if (Read(key) is { } held && System.Text.Encoding.UTF8.GetString(held) == token)
            {
                _data.TryRemove(key, out _);
            }
        }

        return ValueTask.CompletedTask;
    }

    private byte[]? Read(string key) =>
        _data.TryGetValue(key, out var entry) && (entry.Expires is null || entry.Expires > time.GetUtcNow()) ? entry.Value : null;

    private void ThrowIfFailing()
    {
        if (Failure is { } failure)
        {
            throw failure;
        }
    }
}

/// <summary>Registers pre-built storages under the <c>test://name</c> scheme so tests can reach them afterwards.</summary>
public sealed class TestStorageProvider : IStorageProvider
{
    private static readonly ConcurrentDictionary<string, ICacheStorage> Instances = new();

    static TestStorageProvider() => StorageProviders.Register(new TestStorageProvider());

    public IReadOnlyList<string> Schemes { get; } = ["test"];

    /// <summary>Makes <paramref name="storage"/> available as <c>test://{id}</c> and returns that URL.</summary>
    public static Storage For(ICacheStorage storage)
    {
        _ = Instances; // ensures the static constructor has registered the scheme
        string id = Guid.NewGuid().ToString("N");
        Instances[id] = storage;
        return new Storage($"test://{id}");
    }

    public ValueTask<ICacheStorage> CreateAsync(Storage storage, StorageContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Instances[storage.Url["test://".Length..]]);
}
