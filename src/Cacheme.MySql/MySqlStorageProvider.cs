using CachemeNet.MySql;
using CachemeNet.MySql.Internal;
using CachemeNet.Sql.Internal;

[assembly: CachemeNet.StorageProvider(typeof(MySqlStorageProvider))]

namespace CachemeNet.MySql;

/// <summary>
/// Creates MySQL and MariaDB storages for <c>mysql://user:password@host:port/database</c> on MySqlConnector: one table
/// (option <see cref="Storage.Table"/>, default <c>cacheme_data</c>), created when missing unless
/// <see cref="Storage.CreateTable"/> is off. Calls are asynchronous end to end, at most <see cref="Storage.PoolSize"/>
/// (default <see cref="DefaultPoolSize"/>) connections at a time, and a cancelled token stops a running statement.
/// </summary>
public sealed class MySqlStorageProvider : IStorageProvider
{
    /// <summary>The connection pool size (the number of database calls running at once) when <see cref="Storage.PoolSize"/> is not set.</summary>
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
