using System.Text.Json;
using CachemeNet.Dashboard.Internal;
using CachemeNet.Redis.Internal;
using StackExchange.Redis;

namespace CachemeNet.Dashboard;

/// <summary>
/// An <see cref="IFleetStore"/> in Redis: each instance's snapshot is JSON under <c>{{prefix}}:instance:{id}</c> with a
/// TTL, and the ids are members of the set <c>{{prefix}}:instances</c>; readers drop ids whose snapshot has expired. The
/// prefix is a hash tag, so on Redis Cluster every key is in one slot (the publish transaction and the read's MGET
/// span them). A snapshot that cannot be read (written by an incompatible version) is skipped, not fatal.
/// </summary>
public sealed class RedisFleetStore : IFleetStore, IAsyncDisposable
{
    private readonly ConnectionMultiplexer _redis;
    private readonly IDatabase _db;
    private readonly string _prefix;

    private RedisFleetStore(ConnectionMultiplexer redis, string prefix)
    {
        _redis = redis;
        _db = redis.GetDatabase();
        _prefix = prefix;
    }

    /// <summary>The key prefix.</summary>
    public string KeyPrefix => _prefix;

    /// <summary>Connects to Redis.</summary>
    /// <param name="url">A <c>redis://</c> URL as for a Redis storage (<c>rediss://</c> for TLS; StackExchange.Redis options after a comma).</param>
    /// <param name="keyPrefix">The key prefix. Defaults to <c>cacheme:fleet</c>.</param>
    /// <exception cref="ArgumentException">The URL is not a redis URL.</exception>
    /// <exception cref="StorageConnectionException">Redis does not answer.</exception>
    public static async Task<RedisFleetStore> ConnectAsync(string url, string keyPrefix = "cacheme:fleet")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyPrefix);
        ConnectionMultiplexer redis = await RedisConnection.ConnectAsync(url, CancellationToken.None).ConfigureAwait(false);
        return new RedisFleetStore(redis, keyPrefix);
    }

    /// <inheritdoc />
    public async Task PublishAsync(InstanceSnapshot snapshot, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        cancellationToken.ThrowIfCancellationRequested();
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(snapshot, DashboardJson.Options);
        ITransaction transaction = _db.CreateTransaction();
        Task set = transaction.StringSetAsync(InstanceKey(snapshot.Instance), json, timeToLive);
        Task add = transaction.SetAddAsync(SetKey, snapshot.Instance);
        await transaction.ExecuteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(set, add).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<InstanceSnapshot>> ReadAllAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RedisValue[] ids = await _db.SetMembersAsync(SetKey).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (ids.Length == 0)
        {
            return [];
        }

        RedisValue[] values = await _db.StringGetAsync([.. ids.Select(id => (RedisKey)InstanceKey(id!))]).WaitAsync(cancellationToken).ConfigureAwait(false);
        var snapshots = new List<InstanceSnapshot>(ids.Length);
        var expired = new List<RedisValue>();
        for (int i = 0; i < ids.Length; i++)
        {
            if (values[i].IsNull)
            {
                expired.Add(ids[i]);
                continue;
            }

            InstanceSnapshot? snapshot;
            try
            {
                snapshot = JsonSerializer.Deserialize<InstanceSnapshot>((byte[])values[i]!, DashboardJson.Options);
            }
            catch (JsonException)
            {
                continue; // another version's snapshot (a rolling upgrade): it expires on its own
            }

            if (snapshot is not null)
            {
                snapshots.Add(snapshot);
            }
        }

        if (expired.Count > 0)
        {
            await _db.SetRemoveAsync(SetKey, [.. expired]).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return [.. snapshots.OrderBy(s => s.Instance, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async Task RemoveAsync(string instance, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(instance);
        cancellationToken.ThrowIfCancellationRequested();
        await _db.KeyDeleteAsync(InstanceKey(instance)).WaitAsync(cancellationToken).ConfigureAwait(false);
        await _db.SetRemoveAsync(SetKey, instance).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _redis.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
        _redis.Dispose();
    }

    private string SetKey => string.Concat("{", _prefix, "}:instances");

    private string InstanceKey(string instance) => string.Concat("{", _prefix, "}:instance:", instance);
}
