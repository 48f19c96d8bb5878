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

    public override string DeleteExpired => field ??= $"DELETE FROM {Table} WHERE id IN (SELECT id FROM {Table} WHERE expire <= @Now LIMIT @Batch)";

    protected override string KeyColumn => "\"key\"";

    protected override string UpsertConflictClause =>
        "ON CONFLICT (\"key\") DO UPDATE SET value = EXCLUDED.value, expire = EXCLUDED.expire, updated_at = EXCLUDED.updated_at";

    public override DbConnection CreateConnection() => _dataSource.CreateConnection();

    protected override ValueTask ReleaseAsync() => _dataSource.DisposeAsync();
}
