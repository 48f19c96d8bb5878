using BenchmarkDotNet.Attributes;

namespace CachemeNet.Benchmarks.LocalTier;

/// <summary>
/// Local-tier latency: TryGet hit, TryGet miss, Set (update), a 90/10 read/write mix over Zipf(0.9) keys, and
/// cache-aside over a longer Zipf(0.9) stream (read; on a miss, set: inserts that evict), on 1 and 2 threads, for
/// tlfu, lru, ConcurrentDictionary and MemoryCache (the last two unbounded: they never evict). Each invocation runs
/// <see cref="OperationsPerThread"/> operations per thread; times are per operation.
/// Run: <c>dotnet run -c Release --project benchmarks/Cacheme.Benchmarks -- bench --filter '*LocalTierBenchmarks*' --job short</c>
/// </summary>
[MemoryDiagnoser]
public class LocalTierBenchmarks
{
    public const int OperationsPerThread = 1 << 14;
    private const int Capacity = 10_000;
    private const int KeySpace = 100_000;
    private const int CacheAsideRounds = 32;

    private CacheUnderTest _cache = null!;
    private int[] _hitKeys = null!;
    private int[] _missKeys = null!;
    private int[] _zipfKeys = null!;
    private int[] _cacheAsideKeys = null!;
    private int _cacheAsideRound;
    private object[] _boxedKeys = null!;
    private readonly object _value = new();

    [Params("tlfu", "lru", "ConcurrentDictionary", "MemoryCache")]
    public string Cache { get; set; } = "tlfu";

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        _boxedKeys = [.. Enumerable.Range(0, KeySpace * 2).Select(k => (object)k)];
        _cache = CacheUnderTest.Create(Cache, Capacity, _boxedKeys);
        var random = new Random(1);
        _zipfKeys = ZipfKeys(random, KeySpace, 0.9, OperationsPerThread * 2);
        for (int k = 0; k < Capacity / 2; k++)
        {
            _cache.Set(k, _value);
        }

        _hitKeys = [.. Enumerable.Range(0, OperationsPerThread * 2).Select(_ => random.Next(Capacity / 2))];
        _missKeys = [.. Enumerable.Range(0, OperationsPerThread * 2).Select(_ => KeySpace + random.Next(KeySpace))];
        _cacheAsideKeys = ZipfKeys(random, KeySpace, 0.9, OperationsPerThread * 2 * CacheAsideRounds);
    }

    [Benchmark(OperationsPerInvoke = OperationsPerThread)]
    public int TryGetHit() => Run(ReadAll, _hitKeys);

    [Benchmark(OperationsPerInvoke = OperationsPerThread)]
    public int TryGetMiss() => Run(ReadAll, _missKeys);

    [Benchmark(OperationsPerInvoke = OperationsPerThread)]
    public int Set() => Run(static (cache, keys, value, from) =>
    {
        for (int i = from; i < from + OperationsPerThread; i++)
        {
            cache.Set(keys[i], value);
        }

        return 0;
    }, _hitKeys);

    [Benchmark(OperationsPerInvoke = OperationsPerThread)]
    public int ReadWriteMix90_10() => Run(static (cache, keys, value, from) =>
    {
        int found = 0;
        for (int i = from; i < from + OperationsPerThread; i++)
        {
            int key = keys[i];
            if (i % 10 == 0)
            {
                cache.Set(key, value);
            }
            else if (cache.TryGet(key, out _))
            {
                found++;
            }
        }

        return found;
    }, _zipfKeys);

    /// <summary>
    /// Read, and on a miss set: each invocation takes the next slice of a 1M-request stream, so unlike the mix it keeps
    /// missing (the bounded caches hold 10,000 of the 100,000 keys) and its sets are inserts that evict.
    /// </summary>
    [Benchmark(OperationsPerInvoke = OperationsPerThread)]
    public int CacheAside()
    {
        int offset = _cacheAsideRound++ % CacheAsideRounds * OperationsPerThread * 2;
        return Run((cache, keys, value, from) =>
        {
            int found = 0;
            for (int i = offset + from; i < offset + from + OperationsPerThread; i++)
            {
                int key = keys[i];
                if (cache.TryGet(key, out _))
                {
                    found++;
                }
                else
                {
                    cache.Set(key, value);
                }
            }

            return found;
        }, _cacheAsideKeys);
    }

    private static int ReadAll(CacheUnderTest cache, int[] keys, object value, int from)
    {
        int found = 0;
        for (int i = from; i < from + OperationsPerThread; i++)
        {
            found += cache.TryGet(keys[i], out _) ? 1 : 0;
        }

        return found;
    }

    private int Run(Func<CacheUnderTest, int[], object, int, int> body, int[] keys)
    {
        if (Threads == 1)
        {
            return body(_cache, keys, _value, 0);
        }

        Task<int> other = Task.Factory.StartNew(() => body(_cache, keys, _value, OperationsPerThread), TaskCreationOptions.LongRunning);
        int mine = body(_cache, keys, _value, 0);
        return mine + other.GetAwaiter().GetResult();
    }

    /// <summary>Zipf-distributed keys in [0, n) with exponent <paramref name="s"/> (inverse-CDF sampling).</summary>
    internal static int[] ZipfKeys(Random random, int n, double s, int count)
    {
        var cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += 1.0 / Math.Pow(i + 1, s);
            cdf[i] = sum;
        }

        var keys = new int[count];
        for (int i = 0; i < count; i++)
        {
            int index = Array.BinarySearch(cdf, random.NextDouble() * sum);
            keys[i] = index < 0 ? ~index : index;
        }

        return keys;
    }
}
