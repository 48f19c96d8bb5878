using System.Diagnostics;
using System.Globalization;
using CachemeNet;
using CachemeDemo;

// A realistic read-heavy workload on the embedded chain (no server needed): Zipf-distributed user and product reads,
// single and batched, from many concurrent workers. Prints progress, then a statistics table per node.
int requests = ArgValue("--requests", 200_000);
int workers = ArgValue("--workers", 64);
string shared = Environment.GetEnvironmentVariable("CACHEME_DEMO_SHARED") ?? "local://lru";

await Cacheme.RegisterStorageAsync("local", new Storage("local://tlfu", size: 2_000));
await Cacheme.RegisterStorageAsync("shared", new Storage(shared, size: 50_000));
Console.WriteLine($"Cacheme demo: {requests:N0} requests, {workers} workers, chain [local://tlfu (2,000) -> {shared}]");

var zipf = new ZipfKeys(20_000, 1.0, seed: 42);
long done = 0;
var clock = Stopwatch.StartNew();
using var progress = new CancellationTokenSource();
Task reporter = Task.Run(async () =>
{
    while (!progress.IsCancellationRequested)
    {
        try
        {
            await Task.Delay(500, progress.Token);
        }
        catch (OperationCanceledException)
        {
        }

        long n = Interlocked.Read(ref done);
        Console.Write($"\r  {n,9:N0} / {requests:N0} requests  {n / Math.Max(clock.Elapsed.TotalSeconds, 0.001),10:N0} req/s  {FakeDatabase.Queries,7:N0} source queries");
    }
});

int perWorker = requests / workers;
await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
{
    var random = new Random(w);
    for (int i = 0; i < perWorker; i++)
    {
        if (i % 10 == 9)
        {
            await Cacheme.GetAllAsync(Enumerable.Range(0, 10).Select(_ => new ProductNode(zipf.Next(random))));
        }
        else
        {
            await Cacheme.GetAsync(new UserInfoNode(zipf.Next(random)));
        }

        Interlocked.Increment(ref done);
    }
})));
await progress.CancelAsync();
await reporter;
Console.WriteLine();
Console.WriteLine($"Finished in {clock.Elapsed.TotalSeconds:F2} s; {FakeDatabase.Queries:N0} source queries.");
Console.WriteLine();
Console.WriteLine($"{"node",-14} {"requests",10} {"hit rate",9} {"loads",8} {"avg load",9} {"tier hits",-30}");
foreach (NodeStats stats in Cacheme.Default.AllStats())
{
    string tiers = string.Join(", ", stats.TierHits.Select(t => $"{t.Key}={t.Value:N0}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{stats.Node,-14} {stats.RequestCount,10:N0} {stats.HitRate,9:P1} {stats.LoadCount,8:N0} {stats.AverageLoadTime.TotalMilliseconds,7:F1}ms {tiers,-30}"));
}

int ArgValue(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>Zipf-distributed keys 1..n by inverse transform over a precomputed CDF.</summary>
internal sealed class ZipfKeys
{
    private readonly double[] _cdf;

    public ZipfKeys(int n, double s, int seed)
    {
        _ = seed;
        _cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += 1 / Math.Pow(i + 1, s);
            _cdf[i] = sum;
        }

        for (int i = 0; i < n; i++)
        {
            _cdf[i] /= sum;
        }
    }

    public int Next(Random random)
    {
        int index = Array.BinarySearch(_cdf, random.NextDouble());
        return (index < 0 ? ~index : index) + 1;
    }
}
