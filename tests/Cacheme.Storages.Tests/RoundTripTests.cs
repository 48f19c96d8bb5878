using CachemeNet.Redis.Internal;
using CachemeNet.Sql.Internal;
using Dapper;
using StackExchange.Redis;

namespace CachemeNet.Storages.Tests;

[CollectionDefinition(nameof(RoundTripTests), DisableParallelization = true)]
public sealed class RoundTripsRunAlone
{
}

/// <summary>
/// GetAllAsync of N keys costs one round trip per remote tier (one per hash slot on a cluster), counted by the servers
/// themselves: Redis INFO commandstats, PostgreSQL pg_stat_statements, MariaDB performance_schema. Runs alone so no other
/// test's commands are counted.
/// </summary>
[Collection(nameof(RoundTripTests))]
public sealed class RoundTripTests : IAsyncLifetime
{
    private const int N = 20;
    private readonly string _prefix = "rt" + Guid.NewGuid().ToString("N")[..10];
    private readonly string _table = "rt_" + Guid.NewGuid().ToString("N")[..16];
    private readonly List<CachemeClient> _clients = [];
    private readonly NodeMeta _meta = new() { Caches = [new Cache("local", null), new Cache("remote", TimeSpan.FromMinutes(10))] };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (CachemeClient client in _clients)
        {
            await client.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(false, "item:{0}")]
    [InlineData(true, "item:{0}")]
    [InlineData(true, "{{order7}}:line:{0}")]
    public async Task Redis_GetAllAsync_sends_one_MGET_per_hash_slot_and_nothing_else(bool cluster, string keyFormat)
    {
        Storage storage = new(cluster ? TestServers.RedisCluster : TestServers.Redis) { Cluster = cluster };
        CachemeClient reader = await PrefilledReaderAsync(storage, keyFormat);
        var redis = (RedisRemoteStorage)reader.GetStorage("remote")!;
        int slots = Enumerable.Range(0, N).Select(i => RedisHashSlot.Of($"{_prefix}:{string.Format(System.Globalization.CultureInfo.InvariantCulture, keyFormat, i)}:v1")).Distinct().Count();

        // INFO needs an admin connection to the same servers; no tie-breaker key, so it sends no GET of its own.
        ConfigurationOptions options = ConfigurationOptions.Parse(redis.Connection.Configuration);
        options.AllowAdmin = true;
        options.TieBreaker = string.Empty;
        using ConnectionMultiplexer admin = await ConnectionMultiplexer.ConnectAsync(options);

        Dictionary<string, long> before = await CommandCallsAsync(admin);
        IReadOnlyList<string> values = await reader.GetAllAsync(Nodes(reader, keyFormat));
        Dictionary<string, long> after = await CommandCallsAsync(admin);

        Assert.Equal(Enumerable.Range(0, N).Select(i => $"value {i}"), values);
        Assert.Equal(cluster ? slots : 1, after.GetValueOrDefault("mget") - before.GetValueOrDefault("mget"));
        Assert.Equal(0, after.GetValueOrDefault("get") - before.GetValueOrDefault("get"));
        Assert.Equal(0, after.GetValueOrDefault("set") - before.GetValueOrDefault("set"));
        if (keyFormat.StartsWith('{'))
        {
            Assert.Equal(1, slots);
        }
        else if (cluster)
        {
            Assert.True(slots > 1, "the keys should spread over several slots");
        }
    }

    [Fact]
    public async Task PostgreSql_GetAllAsync_runs_one_statement_on_the_cache_table()
    {
        CachemeClient reader = await PrefilledReaderAsync(new Storage(TestServers.Postgres) { Table = _table }, "item:{0}");
        var sql = (SqlRemoteStorage)reader.GetStorage("remote")!;
        string count = "SELECT COALESCE(SUM(calls), 0)::bigint FROM pg_stat_statements WHERE query LIKE '%' || @Table || '%' AND query NOT LIKE '%pg_stat_statements%'";

        long before = await SettledCountAsync(sql, count);
        IReadOnlyList<string> values = await reader.GetAllAsync(Nodes(reader, "item:{0}"));
        long after = await SettledCountAsync(sql, count);

        Assert.Equal(Enumerable.Range(0, N).Select(i => $"value {i}"), values);
        Assert.Equal(1, after - before);
    }

    [Fact]
    public async Task MySql_GetAllAsync_sends_one_statement()
    {
        CachemeClient reader = await PrefilledReaderAsync(new Storage(TestServers.MySql) { Table = _table }, "item:{0}");
        var sql = (SqlRemoteStorage)reader.GetStorage("remote")!;
        // The server's statement statistics, by normalised text: the SELECTs that read this test's table (per-key reads
        // would count N). This test runs alone.
        string count = "SELECT CAST(COALESCE(SUM(COUNT_STAR), 0) AS SIGNED) FROM performance_schema.events_statements_summary_by_digest " +
                       "WHERE DIGEST_TEXT LIKE CONCAT('SELECT %', @Table, '%')";

        long before = await SettledCountAsync(sql, count);
        IReadOnlyList<string> values = await reader.GetAllAsync(Nodes(reader, "item:{0}"));
        long after = await SettledCountAsync(sql, count);

        Assert.Equal(Enumerable.Range(0, N).Select(i => $"value {i}"), values);
        Assert.Equal(1, after - before);
    }

    /// <summary>
    /// The server may add a statement to its statistics just after the client has its answer, so read the count until two
    /// readings 50 ms apart agree (polling with a deadline).
    /// </summary>
    private async Task<long> SettledCountAsync(SqlRemoteStorage sql, string query)
    {
        long previous = await ScalarAsync<long>(sql, query);
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            await Task.Delay(50);
            long current = await ScalarAsync<long>(sql, query);
            if (current == previous)
            {
                return current;
            }

            Assert.True(DateTime.UtcNow < deadline, "the statement count did not settle");
            previous = current;
        }
    }

    private Task<T?> ScalarAsync<T>(SqlRemoteStorage sql, string query) =>
        sql.Dialect.RunAsync((c, t) => c.ExecuteScalarAsync<T>(new CommandDefinition(query, new { Table = _table }, cancellationToken: t)), default);

    private static async Task<Dictionary<string, long>> CommandCallsAsync(ConnectionMultiplexer connection)
    {
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (System.Net.EndPoint endpoint in connection.GetEndPoints())
        {
            IServer server = connection.GetServer(endpoint);
            if (server.IsReplica)
            {
                continue;
            }

            foreach (IGrouping<string, KeyValuePair<string, string>> section in await server.InfoAsync("commandstats"))
            {
                foreach (KeyValuePair<string, string> stat in section)
                {
                    // cmdstat_mget: calls=3,usec=...
                    string name = stat.Key.Replace("cmdstat_", string.Empty, StringComparison.Ordinal);
                    string value = stat.Value.Split(',')[0].Replace("calls=", string.Empty, StringComparison.Ordinal);
                    calls[name] = calls.GetValueOrDefault(name) + long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }

        return calls;
    }

    private IEnumerable<CacheNode<string>> Nodes(CachemeClient client, string keyFormat)
    {
        NodeDefinition<string> definition = client.BuildNode<string>("RoundTrip", _meta);
        return Enumerable.Range(0, N).Select(i => definition.Create(
            string.Format(System.Globalization.CultureInfo.InvariantCulture, keyFormat, i),
            _ => throw new InvalidOperationException("the reader must not load")));
    }

    /// <summary>Fills the remote tier with N values through a writer client, then returns a reader client with an empty local tier.</summary>
    private async Task<CachemeClient> PrefilledReaderAsync(Storage storage, string keyFormat)
    {
        CachemeClient writer = await ClientAsync(storage);
        NodeDefinition<string> definition = writer.BuildNode<string>("RoundTrip", _meta);
        await writer.GetAllAsync(Enumerable.Range(0, N).Select(i => definition.Create(
            string.Format(System.Globalization.CultureInfo.InvariantCulture, keyFormat, i),
            _ => ValueTask.FromResult($"value {i}"))));
        var remote = (IRemoteStorage)writer.GetStorage("remote")!;
        string[] keys = [.. Enumerable.Range(0, N).Select(i => $"{_prefix}:{string.Format(System.Globalization.CultureInfo.InvariantCulture, keyFormat, i)}:v1")];
        await TestServers.EventuallyAsync(async () => (await remote.GetManyAsync(keys, default)).All(v => v is not null), "the remote tier holds every value");
        return await ClientAsync(storage);
    }

    private async Task<CachemeClient> ClientAsync(Storage storage)
    {
        var client = new CachemeClient(new CachemeOptions { Prefix = _prefix, TierResilience = TestServers.PatientResilience() });
        _clients.Add(client);
        await client.RegisterStorageAsync("local", new Storage("local://lru", 1000));
        await client.RegisterStorageAsync("remote", storage);
        return client;
    }
}
