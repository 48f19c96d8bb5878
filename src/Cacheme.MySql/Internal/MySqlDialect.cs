using System.Data.Common;
using CachemeNet.Sql.Internal;
using MySql.Data.MySqlClient;

namespace CachemeNet.MySql.Internal;

/// <summary>
/// MySQL and MariaDB on MySql.Data 8.0.16: <c>ON DUPLICATE KEY UPDATE</c> upserts, <c>IN @Keys</c> batch reads. Two driver
/// problems are handled here: its async methods run synchronously (so calls go through a <see cref="BlockingCallGate"/>),
/// and on MariaDB it cannot read results in utf8mb3 (so every statement starts by setting
/// <c>character_set_results=utf8mb4</c>, in the same round trip, and the connection uses <c>CharSet=utf8mb4</c>).
/// </summary>
internal sealed class MySqlDialect : SqlDialect
{
    private const string CharacterSetWorkaround = "SET character_set_results=utf8mb4; ";
    private const int DeadlockError = 1213;
    private const int MaxDeadlockRetries = 5;

    private readonly string _connectionString;

    public MySqlDialect(Storage storage, int defaultPoolSize)
        : base(storage.Table ?? SqlTableName.Default)
    {
        SqlUrl url = SqlUrl.Parse(storage, 3306);
        int poolSize = storage.PoolSize ?? defaultPoolSize;
        var builder = new MySqlConnectionStringBuilder
        {
            Server = url.Host,
            Port = (uint)url.Port,
            UserID = url.User ?? string.Empty,
            Password = url.Password ?? string.Empty,
            Database = url.Database,
            CharacterSet = "utf8mb4",
            Pooling = true,
            MaximumPoolSize = (uint)poolSize,
            ConnectionReset = false,
        };
        foreach (KeyValuePair<string, string> option in url.Query)
        {
            builder[option.Key] = option.Value;
        }

        _connectionString = builder.ConnectionString;
        Gate = new BlockingCallGate(poolSize);
    }

    public BlockingCallGate Gate { get; }

    public override string SelectMany => field ??= Statement($"SELECT `key`, value FROM {Table} WHERE `key` IN @Keys AND (expire IS NULL OR expire > @Now)");

    public override string DeleteExpired => field ??= Statement($"DELETE FROM {Table} WHERE expire <= @Now LIMIT @Batch");

    protected override string KeyColumn => "`key`";

    protected override string UpsertConflictClause =>
        "ON DUPLICATE KEY UPDATE value = VALUES(value), expire = VALUES(expire), updated_at = VALUES(updated_at)";

    public override DbConnection CreateConnection() => new MySqlConnection(_connectionString);

    protected override ValueTask ReleaseAsync()
    {
        Gate.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Runs the call on a thread-pool thread through the gate. InnoDB can report a deadlock between concurrent upserts
    /// of one key (the statement is then rolled back whole), so those are retried.
    /// </summary>
    public override Task<T> RunAsync<T>(Func<DbConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        Gate.RunAsync(
            async token =>
            {
                for (int attempt = 1; ; attempt++)
                {
                    try
                    {
                        return await base.RunAsync(work, token).ConfigureAwait(false);
                    }
                    catch (MySqlException e) when (e.Number == DeadlockError && attempt < MaxDeadlockRetries)
                    {
                    }
                }
            },
            cancellationToken);

    protected override string Statement(string sql) => CharacterSetWorkaround + sql;
}
