using System.Data.Common;
using CachemeNet.Sql.Internal;
using MySqlConnector;

namespace CachemeNet.MySql.Internal;

/// <summary>
/// MySQL and MariaDB on MySqlConnector (truly asynchronous; a cancelled token stops a running statement with
/// <c>KILL QUERY</c>): <c>ON DUPLICATE KEY UPDATE</c> upserts, <c>IN @Keys</c> batch reads, one pooled data source per
/// storage.
/// </summary>
internal sealed class MySqlDialect : SqlDialect
{
    private const int MaxDeadlockRetries = 5;

    private readonly MySqlDataSource _dataSource;

    public MySqlDialect(Storage storage, int defaultPoolSize)
        : base(storage.Table ?? SqlTableName.Default)
    {
        SqlUrl url = SqlUrl.Parse(storage, 3306);
        var builder = new MySqlConnectionStringBuilder
        {
            Server = url.Host,
            Port = (uint)url.Port,
            UserID = url.User ?? string.Empty,
            Password = url.Password ?? string.Empty,
            Database = url.Database,
            Pooling = true,
            MaximumPoolSize = (uint)(storage.PoolSize ?? defaultPoolSize),
        };
        foreach (KeyValuePair<string, string> option in url.Query)
        {
            builder[option.Key] = option.Value;
        }

        _dataSource = new MySqlDataSource(builder.ConnectionString);
    }

    public override string SelectMany => field ??= $"SELECT `key`, value FROM {Table} WHERE `key` IN @Keys AND (expire IS NULL OR expire > @Now)";

    public override string DeleteExpired => field ??= $"DELETE FROM {Table} WHERE expire <= @Now LIMIT @Batch";

    protected override string KeyColumn => "`key`";

    // VALUES() is deprecated on MySQL 8.0.20+ (a warning) but is the one form MariaDB also accepts.
    protected override string UpsertConflictClause =>
        "ON DUPLICATE KEY UPDATE value = VALUES(value), expire = VALUES(expire), updated_at = VALUES(updated_at)";

    public override DbConnection CreateConnection() => _dataSource.CreateConnection();

    protected override ValueTask ReleaseAsync() => _dataSource.DisposeAsync();

    /// <summary>
    /// Runs the call; InnoDB can report a deadlock between concurrent upserts of one key (the statement is then rolled
    /// back whole), so those are retried.
    /// </summary>
    public override async Task<T> RunAsync<T>(Func<DbConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await base.RunAsync(work, cancellationToken).ConfigureAwait(false);
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.LockDeadlock && attempt < MaxDeadlockRetries)
            {
            }
        }
    }
}
