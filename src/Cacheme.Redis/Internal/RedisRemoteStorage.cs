using System.Runtime.InteropServices;
using StackExchange.Redis;

namespace CachemeNet.Redis.Internal;

/// <summary>
/// A remote storage on Redis or Redis Cluster through one StackExchange.Redis multiplexer. Values are written with
/// <c>SET key value PX ttl</c> (millisecond TTL), batches are read with MGET and written as pipelined SETs. On a cluster a
/// batch read is split by hash slot, one MGET per slot sent at once, so no cross-slot MGET is ever sent.
/// StackExchange.Redis takes no cancellation token per command: a cancelled token ends the caller's wait, not the command.
/// </summary>
internal sealed class RedisRemoteStorage : IRemoteStorage, IRemoteLockStorage
{
    private static readonly RedisValue Px = "PX";
    private static readonly RedisValue Nx = "NX";

    // Deletes the lock only when it still holds the caller's token, atomically.
    private const string ReleaseScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;

    private const int ClusterUnknown = 0, ClusterNo = 1, ClusterYes = 2;
    private int _cluster;

    private RedisRemoteStorage(ConnectionMultiplexer connection, bool cluster)
    {
        _connection = connection;
        _database = connection.GetDatabase();
        _cluster = cluster ? ClusterYes : ClusterUnknown;
    }

    /// <summary>
    /// Whether batches are split by hash slot: set by <see cref="Storage.Cluster"/>, or learnt from the first connected
    /// server (with <c>abortConnect=false</c> the connection may come up only after registration, so this is asked for
    /// each batch until a server has answered).
    /// </summary>
    public bool IsCluster => Volatile.Read(ref _cluster) switch
    {
        ClusterYes => true,
        ClusterNo => false,
        _ => DetectCluster(),
    };

    private bool DetectCluster()
    {
        foreach (System.Net.EndPoint endpoint in _connection.GetEndPoints())
        {
            IServer server = _connection.GetServer(endpoint);
            if (server.IsConnected)
            {
                bool cluster = server.ServerType == ServerType.Cluster;
                Volatile.Write(ref _cluster, cluster ? ClusterYes : ClusterNo);
                return cluster;
            }
        }

        return false; // nothing connected yet: the batch fails as any command would, and the next one asks again
    }

    public ConnectionMultiplexer Connection => _connection;

    /// <summary>Every call's wait ends when its token is cancelled (the command itself is not called back).</summary>
    public bool HonoursCancellation => true;

    /// <summary>
    /// Connects and checks the server answers. With <c>abortConnect=false</c> in the URL the connection is allowed to come up
    /// later, as StackExchange.Redis does; otherwise a failure is a <see cref="StorageConnectionException"/>.
    /// </summary>
    public static async ValueTask<ICacheStorage> ConnectAsync(Storage storage, CancellationToken cancellationToken)
    {
        ConfigurationOptions options = RedisUrl.Parse(storage);
        ConnectionMultiplexer? connection = null;
        try
        {
            connection = await RedisConnection.OpenAsync(options, cancellationToken).ConfigureAwait(false);
            if (options.AbortOnConnectFail)
            {
                await connection.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            var created = new RedisRemoteStorage(connection, storage.Cluster);
            _ = created.IsCluster; // learnt now when connected
            return created;
        }
        catch (Exception e)
        {
            if (connection is not null)
            {
                await CloseAsync(connection).ConfigureAwait(false);
            }

            if (e is OperationCanceledException)
            {
                throw;
            }

            throw new StorageConnectionException(storage, e);
        }
    }

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        RedisValue value = await Wait(_database.StringGetAsync(key), cancellationToken).ConfigureAwait(false);
        return value.IsNull ? null : (byte[]?)value;
    }

    public async ValueTask<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        var results = new byte[]?[keys.Count];
        if (keys.Count == 0)
        {
            return results;
        }

        if (!IsCluster)
        {
            RedisValue[] values = await Wait(_database.StringGetAsync(ToRedisKeys(keys)), cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < values.Length; i++)
            {
                results[i] = values[i].IsNull ? null : (byte[]?)values[i];
            }

            return results;
        }

        // One MGET per hash slot, all sent before any is awaited.
        var bySlot = new Dictionary<int, List<int>>();
        for (int i = 0; i < keys.Count; i++)
        {
            int slot = RedisHashSlot.Of(keys[i] ?? throw new ArgumentException($"keys[{i}] is null.", nameof(keys)));
            if (!bySlot.TryGetValue(slot, out List<int>? indices))
            {
                bySlot[slot] = indices = [];
            }

            indices.Add(i);
        }

        var reads = new List<(List<int> Indices, Task<RedisValue[]> Values)>(bySlot.Count);
        foreach (List<int> indices in bySlot.Values)
        {
            var slotKeys = new RedisKey[indices.Count];
            for (int j = 0; j < slotKeys.Length; j++)
            {
                slotKeys[j] = keys[indices[j]];
            }

            reads.Add((indices, _database.StringGetAsync(slotKeys)));
        }

        await Wait(Task.WhenAll(reads.Select(r => r.Values)), cancellationToken).ConfigureAwait(false);
        foreach ((List<int> indices, Task<RedisValue[]> read) in reads)
        {
            RedisValue[] values = read.Result;
            for (int j = 0; j < values.Length; j++)
            {
                results[indices[j]] = values[j].IsNull ? null : (byte[]?)values[j];
            }
        }

        return results;
    }

    public async ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        await Wait(Set(_database, key, value, Milliseconds(ttl)), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask SetManyAsync(IReadOnlyList<KeyValuePair<string, ReadOnlyMemory<byte>>> items, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        cancellationToken.ThrowIfCancellationRequested();
        if (items.Count == 0)
        {
            return;
        }

        long? milliseconds = Milliseconds(ttl);
        IBatch batch = _database.CreateBatch();
        var writes = new Task[items.Count];
        for (int i = 0; i < writes.Length; i++)
        {
            writes[i] = Set(batch, items[i].Key ?? throw new ArgumentException($"items[{i}] has a null key.", nameof(items)), items[i].Value, milliseconds);
        }

        batch.Execute();
        await Wait(Task.WhenAll(writes), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        return await Wait(_database.KeyDeleteAsync(key), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes a lease with <c>SET key token NX PX lease</c>.</summary>
    public async ValueTask<string?> TryLockAsync(string key, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        string token = Guid.NewGuid().ToString("N");
        Task<RedisResult> set = _database.ExecuteAsync("SET", (RedisKey)key, (RedisValue)token, Nx, Px, Milliseconds(lease)!.Value);
        try
        {
            RedisResult result = await Wait(set, cancellationToken).ConfigureAwait(false);
            return result.IsNull ? null : token;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The SET is not called back and may still take the lease: release it once it lands, or every other process
            // would wait out the whole lease for a holder that has gone.
            _ = ReleaseIfTakenAsync(set, key, token);
            throw;
        }
    }

    private async Task ReleaseIfTakenAsync(Task<RedisResult> set, string key, string token)
    {
        try
        {
            if (!(await set.ConfigureAwait(false)).IsNull)
            {
                await UnlockAsync(key, token, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            // The lease then expires on its own.
        }
    }

    /// <summary>Releases a lease that the token still holds (a Lua compare-and-delete).</summary>
    public async ValueTask UnlockAsync(string key, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await Wait(_database.ScriptEvaluateAsync(ReleaseScript, [key], [token]), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => new(CloseAsync(_connection));

    private static async Task CloseAsync(ConnectionMultiplexer connection)
    {
        // Dispose alone waits about a second for in-flight work on this client version; closing first does not.
        await connection.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
        connection.Dispose();
    }

    private static Task Set(IDatabaseAsync database, string key, ReadOnlyMemory<byte> value, long? milliseconds)
    {
        byte[] bytes = MemoryMarshal.TryGetArray(value, out ArraySegment<byte> segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : value.ToArray();
        return milliseconds is { } px
            ? database.ExecuteAsync("SET", (RedisKey)key, (RedisValue)bytes, Px, px)
            : database.StringSetAsync(key, bytes);
    }

    private static long? Milliseconds(TimeSpan? ttl)
    {
        if (ttl is not { } value)
        {
            return null;
        }

        // Redis rejects PX 0; a positive TTL below one millisecond rounds up.
        return value > TimeSpan.Zero
            ? Math.Max(1, (long)Math.Ceiling(value.TotalMilliseconds))
            : throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "A TTL must be positive, or null for no expiry.");
    }

    private static RedisKey[] ToRedisKeys(IReadOnlyList<string> keys)
    {
        var result = new RedisKey[keys.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = keys[i] ?? throw new ArgumentException($"keys[{i}] is null.", nameof(keys));
        }

        return result;
    }

    private static Task<T> Wait<T>(Task<T> task, CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled ? task.WaitAsync(cancellationToken) : task;

    private static Task Wait(Task task, CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled ? task.WaitAsync(cancellationToken) : task;
}
