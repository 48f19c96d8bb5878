using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;

namespace CachemeNet.Benchmarks;

/// <summary>
/// What the "Cacheme" Meter costs on the read path: a local hit and a miss that calls the loader (which records the
/// load-time histogram), with no listener versus a MeterListener subscribed to every Cacheme instrument (as dotnet-counters
/// or OpenTelemetry would be). Run: <c>bench --filter '*MetricsBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class MetricsBenchmarks
{
    private static readonly NodeMeta Config = new() { Caches = [new Cache("local", null)] };
    private CachemeClient _client = null!;
    private MeterListener? _listener;
    private long _observed;

    [Params(false, true)]
    public bool Listening { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _client = new CachemeClient(new CachemeOptions { Name = "bench" });
        await _client.RegisterStorageAsync("local", new Storage("local://lru", size: 1_000));
        await _client.GetAsync(new HitNode(1));
        if (Listening)
        {
            _listener = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Name == "Cacheme")
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                },
            };
            _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _observed));
            _listener.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref _observed));
            _listener.Start();
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _listener?.Dispose();
        await _client.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public ValueTask<int> LocalHit() => _client.GetAsync(new HitNode(1));

    [Benchmark]
    public async Task<int> InvalidateThenLoad()
    {
        var node = new HitNode(2);
        await _client.InvalidateAsync(node);
        return await _client.GetAsync(node);
    }

    private sealed record HitNode(int Id) : CacheNode<int>
    {
        public override NodeMeta Meta => Config;

        public override string Key() => $"hit:{Id}";

        public override ValueTask<int> LoadAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Id);
    }
}
