using BenchmarkDotNet.Attributes;

namespace CachemeNet.Benchmarks.LocalTier;

/// <summary>
/// A local hit through <c>CachemeClient.GetAsync</c> with a <c>local://tlfu</c> tier: time and bytes allocated.
/// Run: <c>dotnet run -c Release --project benchmarks/Cacheme.Benchmarks -- bench --filter '*GetAsyncLocalHit*' --job short</c>
/// </summary>
[MemoryDiagnoser]
public class GetAsyncLocalHitBenchmarks
{
    private static readonly NodeMeta Meta = new() { Caches = [new Cache("local", null)] };
    private static readonly NodeMeta FailSafeMeta = new() { Caches = [new Cache("local", TimeSpan.FromMinutes(5))], FailSafe = TimeSpan.FromHours(1) };
    private CachemeClient _client = null!;
    private UserNode _node = null!;
    private UserNode _failSafeNode = null!;

    [GlobalSetup]
    public void Setup()
    {
        _client = new CachemeClient();
        _client.RegisterStorageAsync("local", new Storage("local://tlfu", 10_000)).GetAwaiter().GetResult();
        _node = new UserNode(42, Meta);
        _client.GetAsync(_node).AsTask().GetAwaiter().GetResult();
        _failSafeNode = new UserNode(42, FailSafeMeta);
        _client.GetAsync(_failSafeNode).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _client.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public string LocalHit()
    {
        ValueTask<string> pending = _client.GetAsync(_node);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>A hit on a node with a 5-minute local TTL and fail-safe: the local tier holds a stamped value whose freshness is checked.</summary>
    [Benchmark]
    public string LocalHitWithTtlAndFailSafe()
    {
        ValueTask<string> pending = _client.GetAsync(_failSafeNode);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }
}
