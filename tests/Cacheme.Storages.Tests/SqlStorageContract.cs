using CachemeNet.Sql.Internal;
using Dapper;

namespace CachemeNet.Storages.Tests;

/// <summary>The remote-storage contract plus what the SQL storages add: their own table, updated_at, the expiry sweeper.</summary>
public abstract class SqlStorageContract : RemoteStorageContract
{
    protected string Table { get; } = "ct_" + Guid.NewGuid().ToString("N")[..16];

    protected abstract string Url { get; }

    protected virtual IReadOnlyDictionary<string, string> Options => new Dictionary<string, string> { ["sweep_interval"] = "60", ["sweep_batch_size"] = "3" };

    protected override Storage DescribeStorage() => new(Url) { Table = Table, Options = Options };

    internal SqlRemoteStorage Sql => (SqlRemoteStorage)Remote;

    protected Task<T?> ScalarAsync<T>(string sql, object? parameters = null) =>
        Sql.Dialect.RunAsync((connection, token) => connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: token)), default);

    public override async Task DisposeAsync()
    {
        await ScalarAsync<int>($"DROP TABLE {Table}");
        await base.DisposeAsync();
    }

    [Fact]
    public async Task A_batch_larger_than_one_statement_may_carry_is_written_whole()
    {
        // 24 values of 1 MiB: more than MariaDB's default max_allowed_packet (16 MiB) in one statement.
        KeyValuePair<string, ReadOnlyMemory<byte>>[] items = [.. Enumerable.Range(0, 24).Select(i =>
            new KeyValuePair<string, ReadOnlyMemory<byte>>(Key($"big{i}"), Enumerable.Repeat((byte)i, 1 << 20).ToArray()))];

        await Remote.SetManyAsync(items, null, default);
        IReadOnlyList<byte[]?> found = await Remote.GetManyAsync([.. items.Select(i => i.Key)], default);

        Assert.Equal(items.Select(i => i.Value.ToArray()), found);
    }

    [Fact]
    public async Task Instances_starting_at_once_all_create_or_find_the_table()
    {
        // A rolling deploy starts several processes at once against a table that does not exist yet: each runs the
        // schema's CREATE ... IF NOT EXISTS, and none may fail for having lost the race to another.
        string table = Table + "_c";
        var clients = Enumerable.Range(0, 8).Select(_ => new CachemeClient()).ToList();
        try
        {
            await Task.WhenAll(clients.Select((client, i) => client.RegisterStorageAsync("sql", new Storage(Url) { Table = table })));
            var storage = (IRemoteStorage)clients[3].GetStorage("sql")!;
            await storage.SetAsync(Key("race"), new byte[] { 9 }, null, default);
            Assert.Equal(new byte[] { 9 }, await ((IRemoteStorage)clients[5].GetStorage("sql")!).GetAsync(Key("race"), default));
        }
        finally
        {
            foreach (CachemeClient client in clients)
            {
                await client.DisposeAsync();
            }

            await ScalarAsync<int>($"DROP TABLE IF EXISTS {table}");
        }
    }

    [Fact]
    public async Task Expired_rows_are_deleted_in_the_background_and_live_rows_are_kept()
    {
        for (int i = 0; i < 10; i++)
        {
            await Remote.SetAsync(Key($"e{i}"), new byte[] { 1, 2, 3 }, TimeSpan.FromSeconds(30), default);
        }

        await Remote.SetAsync(Key("forever"), new byte[] { 1 }, null, default);
        await Remote.SetAsync(Key("later"), new byte[] { 1 }, TimeSpan.FromHours(1), default);
        Assert.Equal(12, await ScalarAsync<long>($"SELECT COUNT(*) FROM {Table}"));

        Clock.Advance(TimeSpan.FromSeconds(61));

        await TestServers.EventuallyAsync(async () => await ScalarAsync<long>($"SELECT COUNT(*) FROM {Table}") == 2, "the sweeper deleted the 10 expired rows");
        Assert.NotNull(await Remote.GetAsync(Key("forever"), default));
        Assert.NotNull(await Remote.GetAsync(Key("later"), default));
        Assert.Equal(3, Sql.Sweeper.BatchSize);
    }

    [Fact]
    public async Task Updated_at_is_set_from_the_clock_on_every_write()
    {
        await Remote.SetAsync(Key("u"), new byte[] { 1 }, null, default);
        DateTime first = Clock.GetUtcNow().UtcDateTime;
        Clock.Advance(TimeSpan.FromMinutes(3));
        await Remote.SetManyAsync([new(Key("u"), new byte[] { 2 })], null, default);
        DateTime second = Clock.GetUtcNow().UtcDateTime;

        DateTime stored = await ScalarAsync<DateTime>($"SELECT updated_at FROM {Table}");
        Assert.NotEqual(first, second);
        Assert.True(Math.Abs((DateTime.SpecifyKind(stored.ToUniversalTime(), DateTimeKind.Utc) - second).TotalMilliseconds) < 1,
            $"updated_at {stored:O} should be {second:O}");
    }

    [Theory]
    [InlineData("x; DROP TABLE cacheme_data")]
    [InlineData("t-1")]
    [InlineData("1abc")]
    [InlineData("")]
    [InlineData("name with space")]
    public async Task A_table_option_that_is_not_a_plain_identifier_is_rejected_before_connecting(string table)
    {
        await using var client = new CachemeClient();
        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => client.RegisterStorageAsync("bad", new Storage(Url) { Table = table }));
        Assert.Contains("Table name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_CreateTable_a_missing_table_fails_registration_naming_the_url_without_its_password()
    {
        await using var client = new CachemeClient();
        StorageConnectionException error = await Assert.ThrowsAsync<StorageConnectionException>(
            () => client.RegisterStorageAsync("missing", new Storage(Url) { Table = Table + "_absent", CreateTable = false }));
        Assert.Contains(new Storage(Url).RedactedUrl, error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.InnerException);
    }
}
