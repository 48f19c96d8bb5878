using CachemeNet.PostgreSql;
using CachemeNet.PostgreSql.Internal;
using CachemeNet.Sql.Internal;

[assembly: CachemeNet.StorageProvider(typeof(PostgreSqlStorageProvider))]

namespace CachemeNet.PostgreSql;

/// <summary>
/// Creates PostgreSQL storages for <c>postgresql://user:password@host:port/database</c> (also <c>postgres://</c>) on Npgsql:
/// one table (option <see cref="Storage.Table"/>, default <c>cacheme_data</c>), created when missing unless
/// <see cref="Storage.CreateTable"/> is off. Found automatically when this package is referenced.
/// </summary>
public sealed class PostgreSqlStorageProvider : IStorageProvider
{
    /// <inheritdoc />
    public IReadOnlyList<string> Schemes { get; } = ["postgresql", "postgres"];

    /// <inheritdoc />
    public ValueTask<ICacheStorage> CreateAsync(Storage storage, StorageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return SqlRemoteStorage.ConnectAsync(storage, context, new PostgreSqlDialect(storage), cancellationToken);
    }
}
