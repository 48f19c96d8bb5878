using System.Data.Common;
using CachemeNet.Sql.Internal;
using Microsoft.Data.Sqlite;

namespace CachemeNet.Sqlite.Internal;

/// <summary>SQLite: a file database in WAL mode, <c>ON CONFLICT</c> upserts, <c>IN @Keys</c> batch reads.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    private readonly string _connectionString;

    public SqliteDialect(Storage storage)
        : base(storage.Table ?? SqlTableName.Default)
    {
        Path = ParsePath(storage);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    public override string SelectMany => field ??= $"SELECT \"key\", value FROM {Table} WHERE \"key\" IN @Keys AND (expire IS NULL OR expire > @Now)";

    public override string DeleteExpired => field ??= $"DELETE FROM {Table} WHERE id IN (SELECT id FROM {Table} WHERE expire <= @Now LIMIT @Batch)";

    // SQLite allows 32,766 parameters per statement; batch reads expand one parameter per key.
    public override int MaxBatch => 1000;

    protected override string KeyColumn => "\"key\"";

    protected override string UpsertConflictClause =>
        "ON CONFLICT (\"key\") DO UPDATE SET value = excluded.value, expire = excluded.expire, updated_at = excluded.updated_at";

    // WAL lets readers run while one connection writes; the journal mode is stored in the database file.
    public override string CreateTable => "PRAGMA journal_mode=WAL;\n" + base.CreateTable;

    public override DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    // Closes the pooled connections so the database file is released.
    protected override ValueTask ReleaseAsync()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    /// <summary><c>sqlite:///a/b.db</c> is the relative path <c>a/b.db</c>; <c>sqlite:////a/b.db</c> is <c>/a/b.db</c>.</summary>
    internal static string ParsePath(Storage storage)
    {
        const string prefix = "sqlite:///";
        string url = storage.Url;
        if (!url.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || url.Length == prefix.Length)
        {
            throw new ArgumentException(
                $"Storage URL '{storage.RedactedUrl}' is not a SQLite file URL: use sqlite:///relative/file.db or sqlite:////absolute/file.db.", nameof(storage));
        }

        return Uri.UnescapeDataString(url[prefix.Length..]);
    }
}
