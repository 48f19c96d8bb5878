using CachemeNet.Redis;
using CachemeNet.Redis.Internal;

[assembly: CachemeNet.StorageProvider(typeof(RedisStorageProvider))]

namespace CachemeNet.Redis;

/// <summary>
/// Creates Redis storages for <c>redis://[:password@]host:port[/db][,option=value…]</c> (<c>rediss://</c> for TLS) on
/// StackExchange.Redis; options after the comma are StackExchange.Redis configuration options (for example
/// <c>connectTimeout=500</c>, <c>abortConnect=false</c>). Set <see cref="Storage.Cluster"/> for Redis Cluster (a cluster is
/// also detected on connect). Found automatically when this package is referenced.
/// </summary>
public sealed class RedisStorageProvider : IStorageProvider
{
    /// <inheritdoc />
    public IReadOnlyList<string> Schemes { get; } = ["redis", "rediss"];

    /// <inheritdoc />
    public ValueTask<ICacheStorage> CreateAsync(Storage storage, StorageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return RedisRemoteStorage.ConnectAsync(storage, cancellationToken);
    }
}
