using System.Globalization;
using StackExchange.Redis;

namespace CachemeNet.Benchmarks.Replay;

/// <summary>Reads the server's own command counts (INFO commandstats) and flushes it between runs.</summary>
internal sealed class RedisCommandCounter : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _connection;
    private readonly IServer _server;

    private RedisCommandCounter(ConnectionMultiplexer connection, string endpoint)
    {
        _connection = connection;
        _server = connection.GetServer(endpoint);
    }

    public static async Task<RedisCommandCounter> ConnectAsync(string endpoint)
    {
        ConnectionMultiplexer connection = await ConnectionMultiplexer.ConnectAsync($"{endpoint},allowAdmin=true");
        return new RedisCommandCounter(connection, endpoint);
    }

    public Task FlushAsync() => _server.FlushAllDatabasesAsync();

    public async Task<Counts> ReadAsync()
    {
        IGrouping<string, KeyValuePair<string, string>>[] info = await _server.InfoAsync("commandstats");
        long Calls(string command)
        {
            foreach (var group in info)
            {
                foreach (var pair in group)
                {
                    if (pair.Key == "cmdstat_" + command)
                    {
                        string calls = pair.Value.Split(',')[0]["calls=".Length..];
                        return long.Parse(calls, CultureInfo.InvariantCulture);
                    }
                }
            }

            return 0;
        }

        return new Counts(Calls("get"), Calls("mget"));
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.CloseAsync(allowCommandsToComplete: false);
        _connection.Dispose();
    }

    public readonly record struct Counts(long Get, long MGet);
}
