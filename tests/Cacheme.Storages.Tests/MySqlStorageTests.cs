using CachemeNet.MySql.Internal;

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
        var gate = ((MySqlDialect)storage.Dialect).Gate;

        // Twelve calls that each hold a connection for 0.3 s on the server. Each must hand back an unfinished task (the
        // driver's blocking work runs on pool threads, not the caller's), and no more than four may be running at any moment.
        var sleeps = new List<Task<int>>();
        int mostRunning = 0;
        for (int i = 0; i < 12; i++)
        {
            sleeps.Add(storage.Dialect.RunAsync(async (connection, token) =>
            {
                int running = gate.Running;
                InterlockedMax(ref mostRunning, running);
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT SLEEP(0.3)";
                await command.ExecuteScalarAsync(token);
                return running;
            }, default));
            Assert.False(sleeps[^1].IsCompleted, $"call {i} ran on the caller's thread");
        }

        await Task.WhenAll(sleeps);
        Assert.Equal(4, mostRunning);
        Assert.Equal(0, gate.Running);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
