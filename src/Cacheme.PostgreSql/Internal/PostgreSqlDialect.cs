using System.Data.Common;
using CachemeNet.Sql.Internal;
using Npgsql;

namespace CachemeNet.PostgreSql.Internal;

/// <summary>PostgreSQL: <c>ON CONFLICT</c> upserts, <c>= ANY(@Keys)</c> batch reads, one pooled data source per storage.</summary>
internal sealed class PostgreSqlDialect : SqlDialect
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgreSqlDialect(Storage storage)
        : base(storage.Table ?? SqlTableName.Default)
    {
        SqlUrl url = SqlUrl.Parse(storage, 5432);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = url.Host,
            Port = url.Port,
            Username = url.User,
            Password = url.Password,
            Database = url.Database,
        };
        if (storage.PoolSize is { } pool)
        {
            builder.MaxPoolSize = pool;
        }

        foreach (KeyValuePair<string, string> option in url.Query)
        {
            builder[option.Key] = option.Value;
        }

        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public override string SelectMany => field ??= $"SELECT \"key\", value FROM {Table} WHERE \"key\" = ANY(@Keys) AND (expire IS NULL OR expire > @Now)";

    /// <summary>
    /// The schema, run in one transaction under an advisory lock on the table's name: PostgreSQL's
    /// <c>CREATE ... IF NOT EXISTS</c> is not safe against itself (two sessions that both find the table missing race, and
    /// the loser fails on a unique index of the catalogue), so instances starting at once take turns.
    /// </summary>
    public override string CreateTable => field ??= $"BEGIN; SELECT pg_advisory_xact_lock({AdvisoryLockClass}, hashtext('{Table}')); {base.CreateTable} COMMIT;";

    /// <summary>
    /// Deletes up to a batch of expired rows. The outer condition repeats the expiry test: a row the subquery picked
    /// whose key an upsert rewrote meanwhile (same id, new expiry) is re-checked once its lock is free, and kept.
    /// Rows another transaction holds are skipped, not waited for.
    /// </summary>
    public override string DeleteExpired => field ??=
        $"DELETE FROM {Table} WHERE id IN (SELECT id FROM {Table} WHERE expire <= @Now LIMIT @Batch FOR UPDATE SKIP LOCKED) AND expire <= @Now";

    /// <summary>The first key of the schema's advisory lock, so it does not collide with an application's own one-key locks.</summary>
    private const int AdvisoryLockClass = 0x0CAC4E;

    protected override string KeyColumn => "\"key\"";

    protected override string UpsertConflictClause =>
        "ON CONFLICT (\"key\") DO UPDATE SET value = EXCLUDED.value, expire = EXCLUDED.expire, updated_at = EXCLUDED.updated_at";

    public override DbConnection CreateConnection() => _dataSource.CreateConnection();

    protected override ValueTask ReleaseAsync() => _dataSource.DisposeAsync();
}
