using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CachemeNet.Benchmarks.Replay;

/// <summary>
/// cacheme's trace replay (benchmarks/trace.py), reproduced: Zipf(s=1.001, v=10, imax=200,000) keys, node key
/// <c>uid:{n}</c>, a loader that counts its calls and awaits 100 ms, requests queued up front and drained by N concurrent
/// workers, Redis flushed between runs, remote reads counted by the server (INFO commandstats).
/// </summary>
internal static class ReplayCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        ReplayOptions options;
        try
        {
            options = ReplayOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(ReplayOptions.Usage);
            return 2;
        }

        await using RedisCommandCounter? counter = options.Redis is null ? null : await RedisCommandCounter.ConnectAsync(options.Redis);
        var rows = new List<ReplayRow>();
        Console.WriteLine(ReplayRow.Header);
        foreach (string chain in options.Chains)
        {
            foreach (int workers in options.Workers)
            {
                if (options.Batch && workers > 10_000)
                {
                    continue; // as in cacheme: the batch test is skipped above 10,000 workers
                }

                if (counter is not null)
                {
                    await counter.FlushAsync();
                }

                ReplayRow row = await RunOnceAsync(options, chain, workers, counter);
                rows.Add(row);
                Console.WriteLine(row.ToText());
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
        await File.WriteAllTextAsync(options.Output + ".csv", ReplayRow.CsvHeader + "\n" + string.Join("\n", rows.Select(r => r.ToCsv())) + "\n");
        await File.WriteAllTextAsync(options.Output + ".md", ReplayRow.MarkdownHeader + "\n" + string.Join("\n", rows.Select(r => r.ToMarkdown())) + "\n");
        Console.WriteLine($"written {options.Output}.csv and {options.Output}.md");
        return rows.All(r => r.Loads == r.UniqueKeys) ? 0 : 1;
    }

    private static async Task<ReplayRow> RunOnceAsync(ReplayOptions options, string chain, int workers, RedisCommandCounter? counter)
    {
        string sqlitePath = Path.Combine(Path.GetTempPath(), $"cacheme-replay-{Guid.NewGuid():N}.db");
        // 10,000-100,000 workers on 2 cores keep every call queued far longer than the default 500 ms tier timeout, which
        // would (correctly) be read as an outage; the replay measures throughput, so it allows each server call 10 s.
        await using var client = new CachemeClient(new CachemeOptions
        {
            Prefix = "cacheme-replay",
            TierResilience = new TierResilienceOptions { OperationTimeout = TimeSpan.FromSeconds(10) },
        });
        var caches = new List<Cache>();
        foreach (string tier in chain.Split('+'))
        {
            Storage storage = tier switch
            {
                "local" => new Storage("local://tlfu", size: 3000),
                "redis" => new Storage($"redis://{options.Redis ?? throw new ArgumentException("--chain redis needs --redis HOST:PORT")}") { Coalesce = options.Coalesce, PoolSize = 100 },
                "sqlite" => new Storage($"sqlite:///{sqlitePath}") { Coalesce = options.Coalesce },
                _ => throw new ArgumentException($"unknown tier '{tier}' in --chain {chain}"),
            };
            await client.RegisterStorageAsync(tier, storage);
            caches.Add(new Cache(tier, null));
        }

        var source = new CountingSource();
        var meta = new NodeMeta { Version = "v1", Caches = caches, Serializer = options.Serializer };
        NodeDefinition<int> uid = client.BuildNode<int>("uid", meta);

        // Requests are generated and queued up front, then drained by the workers.
        var unique = new HashSet<int>();
        var queue = new ConcurrentQueue<int[]>();
        var zipf = new ZipfSampler(options.Batch ? 1.0001 : 1.001, 10, 200_000, options.Seed);
        int calls = options.Batch ? 10_000 : options.Requests;
        for (int i = 0; i < calls; i++)
        {
            int[] keys = options.Batch ? DistinctKeys(zipf, 20) : [zipf.Next()];
            unique.UnionWith(keys);
            queue.Enqueue(keys);
        }

        RedisCommandCounter.Counts before = counter is null ? default : await counter.ReadAsync();
        long errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out int[]? keys))
            {
                try
                {
                    if (keys.Length == 1)
                    {
                        int value = await client.GetAsync(uid.Create($"uid:{keys[0]}", ct => source.LoadAsync(keys[0], ct)));
                        Check(value, keys[0]);
                    }
                    else
                    {
                        IReadOnlyList<int> values = await client.GetAllAsync(keys.Select(k => uid.Create($"uid:{k}", ct => source.LoadAsync(k, ct))));
                        for (int i = 0; i < keys.Length; i++)
                        {
                            Check(values[i], keys[i]);
                        }
                    }
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref errors);
                    Console.Error.WriteLine(e.Message);
                }
            }
        })));
        clock.Stop();
        NodeStats stats = client.Stats(uid);
        foreach (TierStatus tier in client.Tiers())
        {
            if (tier.Failures > 0 || tier.Rejected > 0)
            {
                Console.Error.WriteLine($"  tier {tier.Name}: {tier.Failures} failed, {tier.Rejected} rejected, {tier.DroppedWrites} writes dropped, circuit {tier.Circuit}");
            }
        }

        RedisCommandCounter.Counts after = counter is null ? default : await counter.ReadAsync();
        File.Delete(sqlitePath);
        File.Delete(sqlitePath + "-wal");
        File.Delete(sqlitePath + "-shm");

        return new ReplayRow(
            chain + (options.Batch ? " (batch)" : string.Empty) + (options.Coalesce ? string.Empty : " no-coalesce"),
            workers,
            clock.Elapsed,
            counter is null ? null : after.Get - before.Get,
            counter is null ? null : after.MGet - before.MGet,
            source.Loads,
            unique.Count,
            errors,
            stats.TierErrorCount);
    }

    private static void Check(int value, int key)
    {
        if (value != key)
        {
            throw new InvalidOperationException($"uid:{key} returned {value}");
        }
    }

    private static int[] DistinctKeys(ZipfSampler zipf, int count)
    {
        var keys = new HashSet<int>();
        while (keys.Count < count)
        {
            keys.Add(zipf.Next());
        }

        return [.. keys];
    }

    /// <summary>cacheme's loader: counts its calls, sleeps 100 ms, returns the number.</summary>
    private sealed class CountingSource
    {
        private long _loads;

        public long Loads => Interlocked.Read(ref _loads);

        public async ValueTask<int> LoadAsync(int n, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _loads);
            await Task.Delay(100, cancellationToken);
            return n;
        }
    }
}

/// <summary>One line of the replay table.</summary>
internal sealed record ReplayRow(string Chain, int Workers, TimeSpan Time, long? Gets, long? MGets, long Loads, int UniqueKeys, long Errors, long TierErrors)
{
    public const string Header = "chain                     workers   time_s        GET       MGET    loads   unique  bound_s  loads==unique errors tier_errors";
    public const string CsvHeader = "chain,workers,time_s,get,mget,loads,unique_keys,lower_bound_s,errors";
    public const string MarkdownHeader = "| chain | workers | time (s) | GET | MGET | GET+MGET | loads | unique keys | time lower bound (s) | time / bound |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

    /// <summary>loads × 0.1 s / workers: no replay can finish faster.</summary>
    public double LowerBoundSeconds => Loads * 0.1 / Workers;

    public string ToText() => string.Create(CultureInfo.InvariantCulture,
        $"{Chain,-24} {Workers,8} {Time.TotalSeconds,8:F2} {Show(Gets),10} {Show(MGets),10} {Loads,8} {UniqueKeys,8} {LowerBoundSeconds,8:F2} {(Loads == UniqueKeys ? "yes" : "NO"),13} {Errors,6} {TierErrors,11}");

    public string ToCsv() => string.Create(CultureInfo.InvariantCulture,
        $"{Chain},{Workers},{Time.TotalSeconds:F3},{Show(Gets)},{Show(MGets)},{Loads},{UniqueKeys},{LowerBoundSeconds:F3},{Errors}");

    public string ToMarkdown() => string.Create(CultureInfo.InvariantCulture,
        $"| {Chain} | {Workers:N0} | {Time.TotalSeconds:F2} | {Show(Gets)} | {Show(MGets)} | {(Gets is null ? "n/a" : (Gets + MGets)!.Value.ToString("N0", CultureInfo.InvariantCulture))} | {Loads:N0} | {UniqueKeys:N0} | {LowerBoundSeconds:F2} | {Time.TotalSeconds / LowerBoundSeconds:F2}x |");

    private static string Show(long? n) => n?.ToString("N0", CultureInfo.InvariantCulture) ?? "n/a";
}

/// <summary>Parsed command line of <c>replay</c>.</summary>
internal sealed record ReplayOptions(string? Redis, int[] Workers, int Requests, string[] Chains, bool Batch, bool Coalesce, int Seed, ICacheSerializer Serializer, string Output)
{
    public const string Usage = "replay [--redis HOST:PORT] [--workers 1000,10000,100000] [--requests 200000] [--chain redis|local+redis|local+sqlite[,…]] [--batch] [--no-coalesce] [--seed N] [--out PATH]";

    public static ReplayOptions Parse(string[] args)
    {
        string? redis = null;
        int[] workers = [1_000, 10_000, 100_000];
        int requests = 200_000;
        string[]? chains = null;
        bool batch = false, coalesce = true;
        int seed = 42;
        string output = Path.Combine("artifacts", "replay");
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--redis": redis = Value(); break;
                case "--workers": workers = [.. Value().Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture))]; break;
                case "--requests": requests = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--chain": chains = Value().Split(','); break;
                case "--batch": batch = true; break;
                case "--no-coalesce": coalesce = false; break;
                case "--seed": seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--out": output = Value(); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        chains ??= redis is null ? ["local+sqlite"] : ["redis", "local+redis"];
        if (batch && Array.IndexOf(args, "--workers") < 0)
        {
            workers = [1_000, 10_000];
        }

        return new ReplayOptions(redis, workers, requests, chains, batch, coalesce, seed, Serializers.MessagePack, output);
    }
}
