using CachemeNet.Sql.Internal;
using CachemeNet.Sqlite;
using CachemeNet.Sqlite.Internal;

[assembly: CachemeNet.StorageProvider(typeof(SqliteStorageProvider))]

namespace CachemeNet.Sqlite;

/// <summary>
/// Creates SQLite storages for <c>sqlite:///relative/file.db</c> and <c>sqlite:////absolute/file.db</c> (as cacheme and
/// SQLAlchemy spell them) on Microsoft.Data.Sqlite, in WAL mode: one table (option <see cref="Storage.Table"/>, default
/// <c>cacheme_data</c>), created when missing unless <see cref="Storage.CreateTable"/> is off.
/// </summary>
public sealed class SqliteStorageProvider : IStorageProvider
{
    /// <inheritdoc />
    public IReadOnlyList<string> Schemes { get; } = ["sqlite"];

    /// <inheritdoc />
    public ValueTask<ICacheStorage> CreateAsync(Storage storage, StorageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return SqlRemoteStorage.ConnectAsync(storage, context, new SqliteDialect(storage), cancellationToken);
    }
}
