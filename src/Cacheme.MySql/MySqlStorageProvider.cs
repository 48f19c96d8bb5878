using CachemeNet.MySql;
using CachemeNet.MySql.Internal;
using CachemeNet.Sql.Internal;

[assembly: CachemeNet.StorageProvider(typeof(MySqlStorageProvider))]

namespace CachemeNet.MySql;

/// <summary>
/// Creates MySQL and MariaDB storages for <c>mysql://user:password@host:port/database</c> on MySql.Data: one table (option
/// <see cref="Storage.Table"/>, default <c>cacheme_data</c>), created when missing unless <see cref="Storage.CreateTable"/> is off.
/// MySql.Data's "async" methods block, so every call runs on a thread-pool thread, at most <see cref="Storage.PoolSize"/>
/// (default <see cref="DefaultPoolSize"/>) at a time: callers' threads never block.
/// </summary>
public sealed class MySqlStorageProvider : IStorageProvider
{
    /// <summary>The connection pool size, and so the number of concurrent database calls, when <see cref="Storage.PoolSize"/> is not set.</summary>
    public const int DefaultPoolSize = 16;

    /// <inheritdoc />
    public IReadOnlyList<string> Schemes { get; } = ["mysql"];

    /// <inheritdoc />
    public ValueTask<ICacheStorage> CreateAsync(Storage storage, StorageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return SqlRemoteStorage.ConnectAsync(storage, context, new MySqlDialect(storage, DefaultPoolSize), cancellationToken);
    }
}
