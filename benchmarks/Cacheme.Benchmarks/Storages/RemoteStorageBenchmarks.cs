using System.Data.Common;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CachemeNet.Redis.Internal;
using CachemeNet.Sql.Internal;
using Dapper;
using StackExchange.Redis;

namespace CachemeNet.Benchmarks.Storages;

/// <summary>
/// Cacheme reading a remote tier (one-tier chain, every read a remote hit) against the backend's own client doing the same
/// work: fetch the bytes, then deserialize the JSON payload. Sequential calls and 100 concurrent calls on distinct keys
/// (so singleflight cannot merge them), for GetAsync and for GetAllAsync of 20 keys. Servers come from scripts/services.sh:
///   eval "$(bash scripts/services.sh start)"
///   dotnet run -c Release --project benchmarks/Cacheme.Benchmarks -- bench --filter '*RemoteStorageBenchmarks*' --job short
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class RemoteStorageBenchmarks
{
    private const int Concurrency = 100;
    private const int BatchSize = 20;
    private const int EnvelopeHeader = 10;
    private const string Prefix = "bench";

    private CachemeClient _client = null!;
    private IRemoteStorage _remote = null!;
    private NodeDefinition<string> _nodes = null!;
    private string[] _keys = null!;
    private Func<string, Task<byte[]?>> _rawGet = null!;
    private Func<string[], Task<IReadOnlyList<byte[]?>>> _rawGetMany = null!;

    [Params("redis", "postgresql", "mysql", "sqlite")]
    public string Backend { get; set; } = "redis";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        // A generous per-call timeout: the raw client has none, and 100 concurrent first calls open 100 connections, which
        // on a busy 2-core machine can take longer than the default 500 ms and would fall through to the (throwing) loader.
        _client = new CachemeClient(new CachemeOptions { Prefix = Prefix, TierResilience = new TierResilienceOptions { OperationTimeout = TimeSpan.FromSeconds(30) } });
        await _client.RegisterStorageAsync("remote", Describe(Backend));
        _remote = (IRemoteStorage)_client.GetStorage("remote")!;
        _nodes = _client.BuildNode<string>("Bench", new NodeMeta { Caches = [new Cache("remote", null)] });
        int count = Concurrency * BatchSize;
        _keys = [.. Enumerable.Range(0, count).Select(i => $"{Prefix}:item:{i}:v1")];

        // Fill the remote tier through Cacheme itself, then wait for its write-back.
        await _client.GetAllAsync(Enumerable.Range(0, count).Select(i => Node(i, load: true)));
        for (int attempt = 0; (await _remote.GetManyAsync(_keys, default)).Any(v => v is null); attempt++)
        {
            if (attempt > 500)
            {
                throw new InvalidOperationException("the remote tier was not filled");
            }

            await Task.Delay(10);
        }

        (_rawGet, _rawGetMany) = RawClient(_remote);
    }

    [GlobalCleanup]
    public ValueTask CleanupAsync() => _client.DisposeAsync();

    // Sequential reads rotate over all keys: reading one key over and over would let a call join the previous call's
    // flight while its bookkeeping finishes, which measures memory, not a remote hit.
    [BenchmarkCategory("Get sequential"), Benchmark(Baseline = true)]
    public async Task<string> Raw_Get() => Decode((await _rawGet(_keys[NextKey()]))!);

    [BenchmarkCategory("Get sequential"), Benchmark]
    public ValueTask<string> Cacheme_Get() => _client.GetAsync(Node(NextKey()));

    private int _next;

    private int NextKey() => _next = (_next + 1) % _keys.Length;

    [BenchmarkCategory("Get x100 concurrent"), Benchmark(Baseline = true)]
    public Task<string[]> Raw_Get_100() =>
        Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async i => Decode((await _rawGet(_keys[i]))!)));

    [BenchmarkCategory("Get x100 concurrent"), Benchmark]
    public Task<string[]> Cacheme_Get_100() =>
        Task.WhenAll(Enumerable.Range(0, Concurrency).Select(i => _client.GetAsync(Node(i)).AsTask()));

    [BenchmarkCategory("GetAll 20 sequential"), Benchmark(Baseline = true)]
    public async Task<string[]> Raw_GetAll20() => [.. (await _rawGetMany(_keys[..BatchSize])).Select(b => Decode(b!))];

    [BenchmarkCategory("GetAll 20 sequential"), Benchmark]
    public ValueTask<IReadOnlyList<string>> Cacheme_GetAll20() => _client.GetAllAsync(Enumerable.Range(0, BatchSize).Select(i => Node(i)));

    [BenchmarkCategory("GetAll 20 x100 concurrent"), Benchmark(Baseline = true)]
    public Task<string[][]> Raw_GetAll20_100() =>
        Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async c =>
            (await _rawGetMany(_keys[(c * BatchSize)..((c + 1) * BatchSize)])).Select(b => Decode(b!)).ToArray()));

    [BenchmarkCategory("GetAll 20 x100 concurrent"), Benchmark]
    public Task<IReadOnlyList<string>[]> Cacheme_GetAll20_100() =>
        Task.WhenAll(Enumerable.Range(0, Concurrency).Select(c =>
            _client.GetAllAsync(Enumerable.Range(c * BatchSize, BatchSize).Select(i => Node(i))).AsTask()));

    private CacheNode<string> Node(int i, bool load = false) =>
        _nodes.Create($"item:{i}", _ => load ? ValueTask.FromResult($"{{\"id\":{i},\"name\":\"user {i}\",\"tags\":[\"a\",\"b\",\"c\"]}}") : throw new InvalidOperationException("unexpected load"));

    private static string Decode(byte[] envelope) => JsonSerializer.Deserialize<string>(envelope.AsSpan(EnvelopeHeader))!;

    private static CachemeNet.Storage Describe(string backend) => backend switch
    {
        "redis" => new(Env("CACHEME_TEST_REDIS")),
        "postgresql" => new(Env("CACHEME_TEST_POSTGRES")) { Table = "bench_data" },
        "mysql" => new(Env("CACHEME_TEST_MYSQL")) { Table = "bench_data" },
        "sqlite" => new($"sqlite:///{Path.Combine(Path.GetTempPath(), "cacheme-bench.db")}") { Table = "bench_data" },
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, null),
    };

    /// <summary>The backend's own client: StackExchange.Redis GET/MGET, or Dapper on the driver with the same SQL.</summary>
    private static (Func<string, Task<byte[]?>>, Func<string[], Task<IReadOnlyList<byte[]?>>>) RawClient(IRemoteStorage remote)
    {
        if (remote is RedisRemoteStorage redis)
        {
            IDatabase database = redis.Connection.GetDatabase();
            return (async key => (byte[]?)await database.StringGetAsync(key),
                async keys => [.. (await database.StringGetAsync([.. keys.Select(k => (RedisKey)k)])).Select(v => (byte[]?)v)]);
        }

        SqlDialect dialect = ((SqlRemoteStorage)remote).Dialect;
        return (async key =>
            {
                await using DbConnection connection = dialect.CreateConnection();
                await connection.OpenAsync();
                return await connection.ExecuteScalarAsync<byte[]?>(dialect.SelectOne, new { Key = key, Now = DateTime.UtcNow });
            },
            async keys =>
            {
                await using DbConnection connection = dialect.CreateConnection();
                await connection.OpenAsync();
                var found = (await connection.QueryAsync<(string Key, byte[] Value)>(dialect.SelectMany, new { Keys = keys, Now = DateTime.UtcNow }))
                    .ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
                return [.. keys.Select(k => found.GetValueOrDefault(k))];
            });
    }

    private static string Env(string name) =>
        Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set: run `eval \"$(bash scripts/services.sh start)\"` first.");
}
