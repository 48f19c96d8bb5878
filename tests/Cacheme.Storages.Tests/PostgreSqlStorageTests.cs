using Dapper;
namespace CachemeNet.Storages.Tests;

public sealed class PostgreSqlStorageTests : SqlStorageContract
{
    protected override string Url => TestServers.Postgres;

    [Fact]
    public async Task A_sweep_that_meets_an_upsert_of_an_expired_key_keeps_the_rewritten_row()
    {
        // The key expired and is not swept yet; a writer rewrites it (same row, new expiry) and holds the row while the
        // sweep runs. The sweep must not delete the rewritten row once the writer commits.
        await Remote.SetAsync(Key("k"), new byte[] { 1 }, TimeSpan.FromSeconds(30), default);
        // Past the TTL but short of the storage's own sweeper (every 60 s on this clock): had the advance fired it, that
        // sweep could delete the row before the writer below rewrites it (a flake seen in CI).
        Clock.Advance(TimeSpan.FromSeconds(31));

        await using var writer = (Npgsql.NpgsqlConnection)Sql.Dialect.CreateConnection();
        await writer.OpenAsync();
        await using var transaction = await writer.BeginTransactionAsync();
        Assert.Equal(1, await writer.ExecuteAsync(
            $"UPDATE {Table} SET value = @Value, expire = @Expire WHERE \"key\" = @Key",
            new { Value = new byte[] { 2 }, Expire = Clock.GetUtcNow().AddHours(1).UtcDateTime, Key = Key("k") },
            transaction));

        var sweepParameters = new { Now = Sql.Dialect.Time(Clock.GetUtcNow()), Batch = 100 };
        Task<int> sweep = Sql.Dialect.RunAsync(
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(Sql.Dialect.DeleteExpired, sweepParameters, cancellationToken: token)),
            default);
        // Let the sweep reach the row: either it has finished (skipping the held row) or it waits on the writer's lock.
        await TestServers.EventuallyAsync(
            async () => sweep.IsCompleted || await ScalarAsync<long>("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'") > 0,
            "the sweep meeting the held row");
        await transaction.CommitAsync();
        await sweep.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new byte[] { 2 }, await Remote.GetAsync(Key("k"), default));
    }

    [Fact]
    public async Task A_wrong_password_fails_registration_with_the_url_and_cause_and_without_the_password()
    {
        var url = new Uri(Url);
        string wrong = $"postgresql://cacheme:not-the-password@{url.Host}:{url.Port}{url.AbsolutePath}";
        await using var client = new CachemeClient();

        StorageConnectionException error = await Assert.ThrowsAsync<StorageConnectionException>(() => client.RegisterStorageAsync("pg", new Storage(wrong)));

        Assert.Contains($"postgresql://cacheme:***@{url.Host}:{url.Port}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", error.Message, StringComparison.Ordinal);
        Assert.Contains("password authentication failed", error.Message, StringComparison.Ordinal);
    }
}
