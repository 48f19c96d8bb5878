namespace CachemeNet.Storages.Tests;

public sealed class MySqlStorageTests : SqlStorageContract
{
    protected override string Url => TestServers.MySql;

    [Fact]
    public async Task A_closed_port_fails_registration_with_the_url_and_cause()
    {
        await using var client = new CachemeClient();
        StorageConnectionException error = await Assert.ThrowsAsync<StorageConnectionException>(
            () => client.RegisterStorageAsync("my", new Storage("mysql://cacheme:secret@127.0.0.1:1/cacheme_test")));

        Assert.StartsWith("Cannot connect storage 'mysql://cacheme:***@127.0.0.1:1/cacheme_test': ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_never_block_the_callers_thread_and_at_most_pool_size_run_at_once()
    {
        await using var client = new CachemeClient();
        await client.RegisterStorageAsync("my", new Storage(Url) { Table = Table, PoolSize = 4 });
        var storage = (Sql.Internal.SqlRemoteStorage)client.GetStorage("my")!;

        // Twelve calls that each hold a connection for 0.3 s on the server. Each must hand back an unfinished task (no
        // blocking on the caller's thread), and no more than four connections may be in use at any moment.
        var sleeps = new List<Task<int>>();
        int running = 0, mostRunning = 0;
        for (int i = 0; i < 12; i++)
        {
            sleeps.Add(storage.Dialect.RunAsync(async (connection, token) =>
            {
                InterlockedMax(ref mostRunning, Interlocked.Increment(ref running));
                try
                {
                    using var command = connection.CreateCommand();
                    command.CommandText = "SELECT SLEEP(0.3)";
                    await command.ExecuteScalarAsync(token);
                    return 0;
                }
                finally
                {
                    Interlocked.Decrement(ref running);
                }
            }, default));
            Assert.False(sleeps[^1].IsCompleted, $"call {i} ran on the caller's thread");
        }

        await Task.WhenAll(sleeps);
        Assert.Equal(4, mostRunning);
    }

    [Fact]
    public async Task A_cancelled_token_stops_a_running_statement_and_the_pool_stays_usable()
    {
        await using var client = new CachemeClient();
        await client.RegisterStorageAsync("my", new Storage(Url) { Table = Table, PoolSize = 1 });
        var storage = (Sql.Internal.SqlRemoteStorage)client.GetStorage("my")!;
        string marker = $"cacheme_cancel_{Guid.NewGuid():N}";
        using var cancel = new CancellationTokenSource();
        Task<object?> sleep = storage.Dialect.RunAsync(async (connection, token) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT SLEEP(60) AS {marker}";
            return await command.ExecuteScalarAsync(token);
        }, cancel.Token);

        await using (var watcher = new MySqlConnector.MySqlConnection(MySqlConnectionString()))
        {
            await watcher.OpenAsync();
            await TestServers.EventuallyAsync(async () => await CountRunningAsync(watcher, marker) == 1, "the statement running on the server");
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sleep.WaitAsync(TimeSpan.FromSeconds(30)));
            await TestServers.EventuallyAsync(async () => await CountRunningAsync(watcher, marker) == 0, "the statement gone from the server");
        }

        // The only pooled connection was the cancelled one's: it must serve the next call.
        await storage.SetAsync("after-cancel", new byte[] { 7 }, null, default);
        Assert.Equal(new byte[] { 7 }, await storage.GetAsync("after-cancel", default));
    }

    private static async Task<long> CountRunningAsync(MySqlConnector.MySqlConnection watcher, string marker)
    {
        using var command = watcher.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(60) AS {marker}%' AND INFO NOT LIKE '%PROCESSLIST%'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private string MySqlConnectionString()
    {
        var url = new Uri(Url);
        string[] user = url.UserInfo.Split(':', 2);
        return new MySqlConnector.MySqlConnectionStringBuilder
        {
            Server = url.Host,
            Port = (uint)url.Port,
            UserID = Uri.UnescapeDataString(user[0]),
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : string.Empty,
            Database = url.AbsolutePath.Trim('/'),
        }.ConnectionString;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
