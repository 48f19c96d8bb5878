using System.Diagnostics;
using System.Globalization;
using CachemeDemo;
using CachemeNet;
using CachemeNet.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A realistic read-heavy workload on the embedded chain (no server needed): Zipf-distributed user and product reads,
// single and batched, from many concurrent workers. Serves the live dashboard on 127.0.0.1 while it runs, prints progress,
// then a statistics table per node, and keeps serving the dashboard until stopped (Ctrl+C) unless --exit-when-done.
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine("""
        Cacheme demo: a Zipf workload on [local://tlfu -> shared] with a live dashboard.
          --requests N       requests to run (default 200,000)
          --workers N        concurrent workers (default 64)
          --duration S       run for S seconds instead of a request count
          --port N           dashboard port on 127.0.0.1 (default 5080; 0 picks a free one)
          --exit-when-done   exit after the stats table instead of serving the dashboard until Ctrl+C
          --no-dashboard     do not serve the dashboard
          --fleet URL        also publish this instance's stats to Redis (redis://host:port) and show the fleet
        Environment: CACHEME_DEMO_SHARED = the shared tier's storage URL (default: a SQLite file, cacheme-demo.db in the temp folder).
        """);
    return 0;
}

int requests = ArgValue("--requests", 200_000);
int workers = ArgValue("--workers", 64);
TimeSpan? duration = ArgString("--duration") is null ? null : TimeSpan.FromSeconds(ArgValue("--duration", 0));
int port = ArgValue("--port", 5080);
bool exitWhenDone = args.Contains("--exit-when-done");
bool dashboard = !args.Contains("--no-dashboard");
string? fleetUrl = ArgString("--fleet");
string shared = Environment.GetEnvironmentVariable("CACHEME_DEMO_SHARED") ?? $"sqlite:///{Path.Combine(Path.GetTempPath(), "cacheme-demo.db")}";

await Cacheme.RegisterStorageAsync("local", new Storage("local://tlfu", size: 2_000));
await Cacheme.RegisterStorageAsync("shared", new Storage(shared, size: 50_000));
Console.WriteLine($"Cacheme demo: {(duration is { } d ? $"{d.TotalSeconds:N0} s" : $"{requests:N0} requests")}, {workers} workers, chain [local://tlfu (2,000) -> {Storage.Redact(shared)}]");

RedisFleetStore? fleet = fleetUrl is null ? null : await RedisFleetStore.ConnectAsync(fleetUrl);
FleetPublisher? publisher = fleet is null ? null : new FleetPublisher(Cacheme.Default, fleet, TimeSpan.FromSeconds(1));
publisher?.Start();
WebApplication? web = dashboard ? await StartDashboardAsync(port, fleet) : null;

var zipf = new ZipfKeys(20_000, 1.0);
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
        string line = duration is { } d ? $"{clock.Elapsed.TotalSeconds,4:F0} / {d.TotalSeconds:N0} s  {n,9:N0} requests" : $"{n,9:N0} / {requests:N0} requests";
        Console.Write($"\r  {line}  {n / Math.Max(clock.Elapsed.TotalSeconds, 0.001),10:N0} req/s  {FakeDatabase.Queries,7:N0} source queries");
    }
});

int perWorker = requests / workers;
await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
{
    var random = new Random(w);
    for (int i = 0; duration is { } d ? clock.Elapsed < d : i < perWorker; i++)
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

if (publisher is not null)
{
    await publisher.PublishAsync();
}

if (web is not null && !exitWhenDone)
{
    Console.WriteLine();
    Console.WriteLine($"Dashboard: {web.Urls.Single()}/cacheme  (Ctrl+C to stop)");
    await web.WaitForShutdownAsync();
}

if (web is not null)
{
    await web.StopAsync();
    await web.DisposeAsync();
}

if (publisher is not null)
{
    await publisher.DisposeAsync();
}

if (fleet is not null)
{
    await fleet.DisposeAsync();
}

return 0;

static async Task<WebApplication> StartDashboardAsync(int port, IFleetStore? fleet)
{
    WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
    builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    WebApplication app = builder.Build();
    app.MapGet("/", () => Results.Redirect("/cacheme"));
    app.MapCachemeDashboard("/cacheme", o =>
    {
        o.Clients.Add(Cacheme.Default);
        o.Fleet = fleet;
    });
    try
    {
        await app.StartAsync();
    }
    catch (IOException e)
    {
        Console.Error.WriteLine($"Cannot serve the dashboard on 127.0.0.1:{port}: {e.Message} Use --port N (0 picks a free port) or --no-dashboard.");
        throw;
    }

    Console.WriteLine($"Dashboard: {app.Urls.Single()}/cacheme");
    return app;
}

int ArgValue(string name, int fallback)
{
    string? value = ArgString(name);
    return value is null ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
}

string? ArgString(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

/// <summary>Zipf-distributed keys 1..n by inverse transform over a precomputed CDF.</summary>
internal sealed class ZipfKeys
{
    private readonly double[] _cdf;

    public ZipfKeys(int n, double s)
    {
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
