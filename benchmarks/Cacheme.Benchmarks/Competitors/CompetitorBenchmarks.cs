using BenchmarkDotNet.Attributes;
using CachemeNet.Extensions;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using ZiggyCreatures.Caching.Fusion;

namespace CachemeNet.Benchmarks.Competitors;

/// <summary>
/// Cacheme against the .NET caches it means to replace, in memory only (no distributed tier), on the calls a service
/// makes: a hit of get-or-load, and a cold key asked for by <see cref="Callers"/> callers at once, whose loader must run
/// once (the loader yields, so every caller arrives while the load is in flight), without a token and with one that
/// could be cancelled (as ASP.NET passes each request's). Contenders: Cacheme's
/// <see cref="CachemeClient.GetAsync{T}(CacheNode{T}, CancellationToken)"/> over <c>local://tlfu</c>; Cacheme behind
/// Microsoft's HybridCache API (<see cref="CachemeHybridCache"/>); FusionCache 2.9.0's <c>GetOrSetAsync</c>; and Microsoft's
/// HybridCache (Microsoft.Extensions.Caching.Hybrid 10.11.0) <c>GetOrCreateAsync</c>. Keys of the string-keyed caches are built
/// once beforehand for hits (their best case) and once per cold key. Values are strings, so HybridCache returns its stored
/// instance instead of a copy. The cold runs print how many loads each cold key caused: 1.00 is a working singleflight.
/// Run: <c>dotnet run -c Release --project benchmarks/Cacheme.Benchmarks -- bench --filter '*CompetitorBenchmarks*' --job short</c>
/// </summary>
[MemoryDiagnoser]
public class CompetitorBenchmarks
{
    /// <summary>Concurrent callers per cold key.</summary>
    public const int Callers = 16;

    private const string HitKey = "user:42";
    private static readonly NodeMeta Meta = new() { Caches = [new Cache("local", null)] };
    private static readonly NodeMeta TtlMeta = new() { Caches = [new Cache("local", TimeSpan.FromMinutes(5))] };
    private static int s_loads;

    private readonly Task<string>[] _waiting = new Task<string>[Callers];
    private readonly CancellationTokenSource _request = new(); // never cancelled: a token that could be, as ASP.NET passes each request's
    private ServiceProvider _services = null!;
    private CachemeClient _client = null!;
    private HybridCache _cachemeHybrid = null!;
    private FusionCache _fusion = null!;
    private HybridCache _microsoftHybrid = null!;
    private UserNode _hitNode = null!;
    private UserNode _ttlHitNode = null!;
    private int _nextId;
    private int _coldKeys;
    private string _contender = "";

    [GlobalSetup]
    public void Setup()
    {
        _client = new CachemeClient();
        _client.RegisterStorageAsync("local", new Storage("local://tlfu", 100_000)).GetAwaiter().GetResult();
        _cachemeHybrid = new CachemeHybridCache(_client, new CachemeHybridCacheOptions { SharedStorage = null });
        _fusion = new FusionCache(new FusionCacheOptions());
        var services = new ServiceCollection();
        services.AddHybridCache();
        _services = services.BuildServiceProvider();
        _microsoftHybrid = _services.GetRequiredService<HybridCache>();

        _hitNode = new UserNode(42, Meta);
        Wait(_client.GetAsync(_hitNode));
        _ttlHitNode = new UserNode(42, TtlMeta);
        Wait(_client.GetAsync(_ttlHitNode));
        Wait(_cachemeHybrid.GetOrCreateAsync(HitKey, static _ => ValueTask.FromResult("user")));
        Wait(_fusion.GetOrSetAsync<string>(HitKey, static (_, _) => Task.FromResult("user")));
        Wait(_microsoftHybrid.GetOrCreateAsync(HitKey, static _ => ValueTask.FromResult("user")));
        s_loads = 0;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_coldKeys > 0)
        {
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"// {_contender}: loads per cold key: {Volatile.Read(ref s_loads) / (double)_coldKeys:F2} ({_coldKeys} keys, {Callers} callers each)"));
        }

        _fusion.Dispose();
        _services.Dispose();
        _request.Dispose();
        _client.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Hit")]
    public string Cacheme_GetAsync_Hit() => Wait(_client.GetAsync(_hitNode));

    /// <summary>As <see cref="Cacheme_GetAsync_Hit"/>, with a 5-minute local TTL (as the other contenders' entries have).</summary>
    [Benchmark]
    [BenchmarkCategory("Hit")]
    public string Cacheme_GetAsync_HitWithTtl() => Wait(_client.GetAsync(_ttlHitNode));

    [Benchmark]
    [BenchmarkCategory("Hit")]
    public string CachemeHybridCache_GetOrCreateAsync_Hit() => Wait(_cachemeHybrid.GetOrCreateAsync(HitKey, static _ => ValueTask.FromResult("user")));

    [Benchmark]
    [BenchmarkCategory("Hit")]
    public string FusionCache_GetOrSetAsync_Hit() => Wait(_fusion.GetOrSetAsync<string>(HitKey, static (_, _) => Task.FromResult("user")));

    [Benchmark]
    [BenchmarkCategory("Hit")]
    public string MicrosoftHybridCache_GetOrCreateAsync_Hit() => Wait(_microsoftHybrid.GetOrCreateAsync(HitKey, static _ => ValueTask.FromResult("user")));

    [Benchmark(OperationsPerInvoke = Callers)]
    [BenchmarkCategory("Cold")]
    public Task Cacheme_GetAsync_ColdStampede() =>
        Stampede(static state => state.Client.GetAsync(state.Node).AsTask(), (Client: _client, Node: new ItemNode(NextId())));

    [Benchmark(OperationsPerInvoke = Callers)]
    [BenchmarkCategory("Cold")]
    public Task CachemeHybridCache_GetOrCreateAsync_ColdStampede() =>
        Stampede(static state => state.Cache.GetOrCreateAsync(state.Key, static _ => LoadAsync()).AsTask(), (Cache: _cachemeHybrid, Key: ColdKey()));

    [Benchmark(OperationsPerInvoke = Callers)]
    [BenchmarkCategory("Cold")]
    public Task FusionCache_GetOrSetAsync_ColdStampede() =>
        Stampede(static state => state.Cache.GetOrSetAsync<string>(state.Key, static (_, _) => LoadAsync().AsTask()).AsTask(), (Cache: _fusion, Key: ColdKey()));

    [Benchmark(OperationsPerInvoke = Callers)]
    [BenchmarkCategory("Cold")]
    public Task MicrosoftHybridCache_GetOrCreateAsync_ColdStampede() =>
        Stampede(static state => state.Cache.GetOrCreateAsync(state.Key, static _ => LoadAsync()).AsTask(), (Cache: _microsoftHybrid, Key: ColdKey()));

    [Benchmark(OperationsPerInvoke = Callers)]
    [BenchmarkCategory("ColdWithToken")]
    public Task Cacheme_GetAsync_ColdStampedeWithToken() =>
        Stampede(static state => state.Client.GetAsync(state.Node, state.Token).AsTask(), (Client: _client, Node: new ItemNode(NextId()), _request.Token));

    [Benchmark(OperationsPerInvoke = Callers)]
    [BenchmarkCategory("ColdWithToken")]
    public Task CachemeHybridCache_GetOrCreateAsync_ColdStampedeWithToken() =>
        Stampede(static state => state.Cache.GetOrCreateAsync(state.Key, static _ => LoadAsync(), cancellationToken: state.Token).AsTask(), (Cache: _cachemeHybrid, Key: ColdKey(), _request.Token));

    [Benchmark(OperationsPerInvoke = Callers)]
    [BenchmarkCategory("ColdWithToken")]
    public Task FusionCache_GetOrSetAsync_ColdStampedeWithToken() =>
        Stampede(static state => state.Cache.GetOrSetAsync<string>(state.Key, static (_, _) => LoadAsync().AsTask(), token: state.Token).AsTask(), (Cache: _fusion, Key: ColdKey(), _request.Token));

    [Benchmark(OperationsPerInvoke = Callers)]
    [BenchmarkCategory("ColdWithToken")]
    public Task MicrosoftHybridCache_GetOrCreateAsync_ColdStampedeWithToken() =>
        Stampede(static state => state.Cache.GetOrCreateAsync(state.Key, static _ => LoadAsync(), cancellationToken: state.Token).AsTask(), (Cache: _microsoftHybrid, Key: ColdKey(), _request.Token));

    /// <summary>The loader every contender runs on a cold key: it yields, so the other callers arrive while it is in flight.</summary>
    private static async ValueTask<string> LoadAsync()
    {
        Interlocked.Increment(ref s_loads);
        await Task.Yield();
        return "item";
    }

    private static T Wait<T>(ValueTask<T> pending) => pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    private int NextId([System.Runtime.CompilerServices.CallerMemberName] string contender = "")
    {
        _contender = contender;
        _coldKeys++;
        return ++_nextId;
    }

    private string ColdKey([System.Runtime.CompilerServices.CallerMemberName] string contender = "") =>
        string.Concat("item:", NextId(contender).ToString(System.Globalization.CultureInfo.InvariantCulture));

    private Task Stampede<TState>(Func<TState, Task<string>> get, TState state)
    {
        for (int i = 0; i < Callers; i++)
        {
            _waiting[i] = get(state);
        }

        return Task.WhenAll(_waiting);
    }

    /// <summary>A node for a cold key: its loader is <see cref="CompetitorBenchmarks.LoadAsync"/>.</summary>
    public sealed record ItemNode(int Id) : CacheNode<string>
    {
        public override NodeMeta Meta => CompetitorBenchmarks.Meta;

        public override string Key() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"item:{Id}");

        public override ValueTask<string> LoadAsync(CancellationToken cancellationToken) => CompetitorBenchmarks.LoadAsync();
    }
}
