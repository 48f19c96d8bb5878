using System.Collections.Concurrent;
using System.Data.Common;
using System.Reflection;
using System.Text;

namespace CachemeNet.Sql.Internal;

/// <summary>
/// What differs between the SQL backends: how to connect, how to quote, how to upsert and how to delete a small batch of
/// expired rows. Every statement takes the current time as the parameter <c>@Now</c>, read from the storage's TimeProvider.
/// </summary>
internal abstract class SqlDialect : IAsyncDisposable
{
    private readonly ConcurrentDictionary<int, string> _upserts = new();

    protected SqlDialect(string table)
    {
        Table = SqlTableName.Validate(table);
    }

    /// <summary>The validated table name.</summary>
    public string Table { get; }

    /// <summary>The <c>key</c> column, quoted for this dialect.</summary>
    protected abstract string KeyColumn { get; }

    /// <summary>Most keys one statement may carry (parameter limits); larger batches are split.</summary>
    public virtual int MaxBatch => 1000;

    /// <summary>
    /// Most bytes of keys and values one write statement may carry (MySQL and MariaDB refuse a statement over
    /// <c>max_allowed_packet</c>, 16 MiB by default on MariaDB); a larger batch is split. A single larger value still goes
    /// alone.
    /// </summary>
    public virtual int MaxBatchBytes => 4 * 1024 * 1024;

    public string SelectOne => field ??= Statement($"SELECT value FROM {Table} WHERE {KeyColumn} = @Key AND (expire IS NULL OR expire > @Now)");

    public abstract string SelectMany { get; }

    public string Delete => field ??= Statement($"DELETE FROM {Table} WHERE {KeyColumn} = @Key");

    /// <summary>Deletes at most <c>@Batch</c> rows whose expire time has passed.</summary>
    public abstract string DeleteExpired { get; }

    /// <summary>Selects 1 from the table, proving the connection and the table.</summary>
    public string Probe => field ??= Statement($"SELECT 1 FROM {Table} WHERE 1 = 0");

    /// <summary>The schema file embedded in the backend assembly, with the table name substituted.</summary>
    public virtual string CreateTable
    {
        get
        {
            Assembly assembly = GetType().Assembly;
            using Stream stream = assembly.GetManifestResourceStream("schema.sql")
                ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no embedded schema.sql.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return Statement(reader.ReadToEnd().Replace(SqlTableName.Default, Table, StringComparison.Ordinal));
        }
    }

    /// <summary>An upsert of <paramref name="rows"/> rows, parameters <c>@K{i}</c>, <c>@V{i}</c>, <c>@Expire</c>, <c>@Now</c>.</summary>
    public string Upsert(int rows) => _upserts.GetOrAdd(rows, static (n, self) => self.BuildUpsert(n), this);

    /// <summary>Opens a connection, runs <paramref name="work"/> on it and closes it.</summary>
    public virtual async Task<T> RunAsync<T>(Func<DbConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        DbConnection connection = CreateConnection();
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Releases the dialect's connection pool.</summary>
    public ValueTask DisposeAsync() => ReleaseAsync();

    /// <summary>What <see cref="DisposeAsync"/> releases; nothing by default.</summary>
    protected virtual ValueTask ReleaseAsync() => ValueTask.CompletedTask;

    /// <summary>A time as this dialect's driver should send it.</summary>
    public virtual object Time(DateTimeOffset time) => time.UtcDateTime;

    public abstract DbConnection CreateConnection();

    /// <summary>Lets a dialect adjust every statement (MySQL prefixes its character-set workaround).</summary>
    protected virtual string Statement(string sql) => sql;

    /// <summary>The clause after <c>VALUES (…)</c> that turns the insert into an upsert.</summary>
    protected abstract string UpsertConflictClause { get; }

    private string BuildUpsert(int rows)
    {
        var sql = new StringBuilder($"INSERT INTO {Table} ({KeyColumn}, value, expire, updated_at) VALUES ");
        for (int i = 0; i < rows; i++)
        {
            sql.Append(i == 0 ? string.Empty : ", ").Append("(@K").Append(i).Append(", @V").Append(i).Append(", @Expire, @Now)");
        }

        return Statement(sql.Append(' ').Append(UpsertConflictClause).ToString());
    }
}
