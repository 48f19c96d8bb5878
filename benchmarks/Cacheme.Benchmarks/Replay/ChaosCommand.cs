using System.Diagnostics;
using System.Globalization;

namespace CachemeNet.Benchmarks.Replay;

/// <summary>
/// Runs a Zipf workload through [local, redis] with fail-safe on while killing and restarting its own redis-server, and
/// reports what callers saw: requests served, errors surfaced (must be 0), stale values served, loads, tier errors.
/// </summary>
internal static class ChaosCommand
{
    public const string Usage = "chaos [--port 6398] [--workers 200] [--kills 3] [--down-ms 1500] (the load runs until the last restart plus 2 s)";

    public static async Task<int> RunAsync(string[] args)
    {
        int port = 6398, workers = 200, kills = 3, downMs = 1500;
        for (int i = 0; i < args.Length; i++)
        {
            int Value() => int.Parse(args[++i], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--port": port = Value(); break;
                case "--workers": workers = Value(); break;
                case "--kills": kills = Value(); break;
                case "--down-ms": downMs = Value(); break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        string dir = Directory.CreateTempSubdirectory("cacheme-chaos").FullName;
        await using var redis = new RedisProcess(port, dir);
        await redis.StartAsync();

        await using var client = new CachemeClient(new CachemeOptions
        {
            Prefix = "chaos",
            TierResilience = new TierResilienceOptions { OperationTimeout = TimeSpan.FromMilliseconds(200), BreakDuration = TimeSpan.FromMilliseconds(500) },
        });
        await client.RegisterStorageAsync("local", new Storage("local://tlfu", size: 2_000));
        await client.RegisterStorageAsync("redis", new Storage($"redis://127.0.0.1:{port},connectTimeout=500,abortConnect=false,syncTimeout=500"));
        var meta = new NodeMeta
        {
            Caches = [new Cache("local", TimeSpan.FromMilliseconds(500)), new Cache("redis", TimeSpan.FromSeconds(3))],
            FailSafe = TimeSpan.FromMinutes(5),
            FailoverTimeout = TimeSpan.FromMilliseconds(50),
        };
        NodeDefinition<int> node = client.BuildNode<int>("chaos", meta);
        long loads = 0, served = 0, errors = 0;
        var zipf = new ZipfSampler(1.001, 10, 20_000, seed: 7);
        var zipfLock = new Lock();
        int NextKey()
        {
            lock (zipfLock)
            {
                return zipf.Next();
            }
        }

        // The source is slow too: one load in ten takes 200 ms, past the 50 ms failover timeout, so a stale value is
        // served when one exists.
        async ValueTask<int> Load(int n, CancellationToken ct)
        {
            long call = Interlocked.Increment(ref loads);
            await Task.Delay(call % 10 == 0 ? 200 : 5, ct);
            return n;
        }

        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        Task chaos = Task.Run(async () =>
        {
            for (int k = 0; k < kills; k++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(1000));

                Console.WriteLine($"  [{clock.Elapsed.TotalSeconds,5:F1}s] killing redis-server (served so far {Interlocked.Read(ref served):N0})");
                redis.Kill();
                await Task.Delay(downMs);
                await redis.StartAsync();
                Console.WriteLine($"  [{clock.Elapsed.TotalSeconds,5:F1}s] redis-server restarted");
            }

            await Task.Delay(2000);
            await stop.CancelAsync();
        });

        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                int n = NextKey();
                try
                {
                    int value = await client.GetAsync(node.Create($"uid:{n}", ct => Load(n, ct)));
                    if (value != n)
                    {
                        throw new InvalidOperationException($"uid:{n} returned {value}");
                    }

                    Interlocked.Increment(ref served);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref errors);
                    Console.Error.WriteLine($"error surfaced to a caller: {e.GetType().Name}: {e.Message}");
                }

                // Spread the workload over the outages.
                await Task.Delay(1);
            }
        })));
        await chaos;

        NodeStats stats = client.Stats(node);
        TierStatus tier = client.Tiers().Single(t => t.Name == "redis");
        Console.WriteLine();
        Console.WriteLine($"time                 {clock.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"requests served      {served:N0}");
        Console.WriteLine($"errors to callers    {errors:N0}");
        Console.WriteLine($"stale served         {stats.StaleServedCount:N0}");
        Console.WriteLine($"loads                {loads:N0}");
        Console.WriteLine($"tier errors (node)   {stats.TierErrorCount:N0}");
        Console.WriteLine($"redis tier           {tier.Operations:N0} ops, {tier.Failures:N0} failed, {tier.Rejected:N0} skipped (circuit open), {tier.DroppedWrites:N0} writes dropped, circuit now {tier.Circuit}");
        return errors == 0 ? 0 : 1;
    }

    /// <summary>A redis-server the command owns: started on loopback, killed hard, started again.</summary>
    private sealed class RedisProcess(int port, string dir) : IAsyncDisposable
    {
        private Process? _process;

        public async Task StartAsync()
        {
            _process = Process.Start(new ProcessStartInfo("redis-server", ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            }) ?? throw new InvalidOperationException("cannot start redis-server");
            _ = _process.StandardOutput.ReadToEndAsync();
            DateTime until = DateTime.UtcNow.AddSeconds(10);
            while (true)
            {
                try
                {
                    using var probe = new System.Net.Sockets.TcpClient();
                    await probe.ConnectAsync("127.0.0.1", port);
                    return;
                }
                catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < until)
                {
                    await Task.Delay(20);
                }
            }
        }

        public void Kill()
        {
            _process?.Kill();
            _process?.WaitForExit();
        }

        public ValueTask DisposeAsync()
        {
            if (_process is { HasExited: false })
            {
                Kill();
            }

            _process?.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
