using BenchmarkDotNet.Attributes;
using CachemeNet.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;

namespace CachemeNet.Benchmarks.Storages;

/// <summary>
/// What the tier's timeout and circuit breaker cost per remote call, without a server's noise: a storage that answers
/// after one yield (as a real client's call completes on another thread), called 100 at a time, bare, through a Polly
/// pipeline with a circuit breaker and a timeout configured as the tier's (what Cacheme used before), and through
/// Cacheme's tier wrapper (<see cref="ResilientRemoteStorage"/>).
///   dotnet run -c Release --project benchmarks/Cacheme.Benchmarks -- bench --filter '*TierResilienceBenchmarks*' --job short
/// </summary>
[MemoryDiagnoser]
public class TierResilienceBenchmarks
{
    private const int Concurrency = 100;
    private readonly Task<byte[]?>[] _calls = new Task<byte[]?>[Concurrency];
    private IRemoteStorage _bare = null!;
    private IRemoteStorage _tier = null!;
    private ResiliencePipeline _polly = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new TierResilienceOptions();
        _bare = new YieldingStorage();
        _tier = new ResilientRemoteStorage("bench", _bare, options, TimeProvider.System, NullLogger.Instance);
        _polly = new ResiliencePipelineBuilder()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
            })
            .AddTimeout(options.OperationTimeout)
            .Build();
    }

    [Benchmark(Baseline = true)]
    public Task Bare_x100() => RunAsync(static (self, i) => self._bare.GetAsync("k", default).AsTask());

    [Benchmark]
    public Task PollyPipeline_x100() =>
        RunAsync(static (self, i) => self._polly.ExecuteAsync(static (storage, ct) => storage.GetAsync("k", ct), self._bare, default).AsTask());

    [Benchmark]
    public Task CachemeTier_x100() => RunAsync(static (self, i) => self._tier.GetAsync("k", default).AsTask());

    private Task RunAsync(Func<TierResilienceBenchmarks, int, Task<byte[]?>> call)
    {
        for (int i = 0; i < Concurrency; i++)
        {
            _calls[i] = call(this, i);
        }

        return Task.WhenAll(_calls);
    }

    /// <summary>Answers every read after one yield, and honours its token (as the Redis storage does).</summary>
    private sealed class YieldingStorage : IRemoteStorage
    {
        private static readonly byte[] Value = new byte[32];

        public bool HonoursCancellation => true;

        public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
        {
            await Task.Yield();
            return Value;
        }

        public ValueTask<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? ttl, CancellationToken cancellationToken) => default;

        public ValueTask SetManyAsync(IReadOnlyList<KeyValuePair<string, ReadOnlyMemory<byte>>> items, TimeSpan? ttl, CancellationToken cancellationToken) => default;

        public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken) => default;

        public ValueTask DisposeAsync() => default;
    }
}
