using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;

namespace CachemeNet.Sql.Internal;

/// <summary>
/// A remote storage in one SQL table: rows (key, value, expire, updated_at). Expired rows are never returned (reads filter
/// on the TimeProvider's now) and an <see cref="ExpirySweeper"/> deletes them in the background in small batches.
/// </summary>
internal sealed class SqlRemoteStorage : IRemoteStorage
{
    private readonly SqlDialect _dialect;
    private readonly TimeProvider _clock;

    private SqlRemoteStorage(SqlDialect dialect, TimeProvider clock, SqlStorageOptions options, ILogger logger)
    {
        _dialect = dialect;
        _clock = clock;
        Sweeper = new ExpirySweeper(DeleteExpiredBatchAsync, options.SweepBatchSize, options.SweepInterval, clock, logger);
    }

    public ExpirySweeper Sweeper { get; }

    public string Table => _dialect.Table;

    public SqlDialect Dialect => _dialect;

    /// <summary>
    /// Validates the options, connects, creates the table when asked (or checks it exists) and starts the sweeper.
    /// Connection failures become <see cref="StorageConnectionException"/> naming the URL (password hidden) and the cause.
    /// </summary>
    public static async ValueTask<ICacheStorage> ConnectAsync(Storage storage, StorageContext context, SqlDialect dialect, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(dialect);
        SqlStorageOptions options = SqlStorageOptions.From(storage);
        try
        {
            string setUp = storage.CreateTable ? dialect.CreateTable : dialect.Probe;
            await dialect.RunAsync(
                (connection, token) => connection.ExecuteAsync(new CommandDefinition(setUp, cancellationToken: token)),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await dialect.DisposeAsync().ConfigureAwait(false);
            throw new StorageConnectionException(storage, e);
        }

        catch (OperationCanceledException)
        {
            await dialect.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        ILogger logger = context.LoggerFactory.CreateLogger("Cacheme.Storage." + context.Name);
        return new SqlRemoteStorage(dialect, context.TimeProvider, options, logger);
    }

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parameters = new { Key = key, Now = Now() };
        return await _dialect.RunAsync(
            (connection, token) => connection.ExecuteScalarAsync<byte[]?>(new CommandDefinition(_dialect.SelectOne, parameters, cancellationToken: token)),
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var results = new byte[]?[keys.Count];
        if (keys.Count == 0)
        {
            return results;
        }

        var found = new Dictionary<string, byte[]>(keys.Count, StringComparer.Ordinal);
        string[] distinct = [.. keys.Distinct(StringComparer.Ordinal)];
        object now = Now();
        await _dialect.RunAsync(
            async (connection, token) =>
            {
                foreach (string[] chunk in distinct.Chunk(_dialect.MaxBatch))
                {
                    var command = new CommandDefinition(_dialect.SelectMany, new { Keys = chunk, Now = now }, cancellationToken: token);
                    foreach ((string key, byte[] value) in await connection.QueryAsync<(string Key, byte[] Value)>(command).ConfigureAwait(false))
                    {
                        found[key] = value;
                    }
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);

        for (int i = 0; i < results.Length; i++)
        {
            results[i] = found.GetValueOrDefault(keys[i]);
        }

        return results;
    }

    public ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SetManyAsync([new KeyValuePair<string, ReadOnlyMemory<byte>>(key, value)], ttl, cancellationToken);
    }

    public async ValueTask SetManyAsync(IReadOnlyList<KeyValuePair<string, ReadOnlyMemory<byte>>> items, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (ttl is { } positive && positive <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "A TTL must be positive, or null for no expiry.");
        }

        if (items.Count == 0)
        {
            return;
        }

        // One row per key (the last write wins, as with sequential SETs), in key order so that concurrent batches
        // lock rows in the same order and cannot deadlock each other.
        var rows = new SortedDictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, ReadOnlyMemory<byte>> item in items)
        {
            rows[item.Key ?? throw new ArgumentException("A key is null.", nameof(items))] = item.Value;
        }

        DateTimeOffset now = _clock.GetUtcNow();
        object? expire = ttl is { } t ? _dialect.Time(now + t) : null;
        object nowValue = _dialect.Time(now);
        var chunks = new List<(string Sql, DynamicParameters Parameters)>();
        foreach (List<KeyValuePair<string, ReadOnlyMemory<byte>>> chunk in WriteChunks(rows, _dialect.MaxBatch, _dialect.MaxBatchBytes))
        {
            var parameters = new DynamicParameters();
            parameters.Add("Expire", expire);
            parameters.Add("Now", nowValue);
            for (int i = 0; i < chunk.Count; i++)
            {
                parameters.Add("K" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), chunk[i].Key);
                parameters.Add("V" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), chunk[i].Value.ToArray());
            }

            chunks.Add((_dialect.Upsert(chunk.Count), parameters));
        }

        await _dialect.RunAsync(
            async (connection, token) =>
            {
                foreach ((string sql, DynamicParameters parameters) in chunks)
                {
                    await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: token)).ConfigureAwait(false);
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Splits rows, in order, into statements of at most <paramref name="maxRows"/> rows and (unless one row is larger) <paramref name="maxBytes"/> bytes.</summary>
    internal static IEnumerable<List<KeyValuePair<string, ReadOnlyMemory<byte>>>> WriteChunks(
        IEnumerable<KeyValuePair<string, ReadOnlyMemory<byte>>> rows, int maxRows, int maxBytes)
    {
        var chunk = new List<KeyValuePair<string, ReadOnlyMemory<byte>>>();
        long bytes = 0;
        foreach (KeyValuePair<string, ReadOnlyMemory<byte>> row in rows)
        {
            long size = (row.Key.Length * 4L) + row.Value.Length; // a key's UTF-8 length is at most 4 bytes a char
            if (chunk.Count > 0 && (chunk.Count == maxRows || bytes + size > maxBytes))
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }

            chunk.Add(row);
            bytes += size;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        int deleted = await _dialect.RunAsync(
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(_dialect.Delete, new { Key = key }, cancellationToken: token)),
            cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

    public async ValueTask DisposeAsync()
    {
        await Sweeper.DisposeAsync().ConfigureAwait(false);
        await _dialect.DisposeAsync().ConfigureAwait(false);
    }

    private Task<int> DeleteExpiredBatchAsync(int batchSize, CancellationToken cancellationToken)
    {
        var parameters = new { Now = Now(), Batch = batchSize };
        return _dialect.RunAsync(
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(_dialect.DeleteExpired, parameters, cancellationToken: token)),
            cancellationToken);
    }

    private object Now() => _dialect.Time(_clock.GetUtcNow());
}
