using System.Runtime.CompilerServices;
using CachemeNet;

namespace CachemeNet.Tests;

/// <summary>
/// Soak: many concurrent reads of a few keys through a small local tier and the singleflight, led and joined with and
/// without tokens, some cancelled as they wait, with invalidations in between.
/// </summary>
public sealed class SingleFlightSoakTests
{
    /// <summary>A node whose load yields, so other readers arrive while it is in flight.</summary>
    private sealed record YieldingNode(int Id, NodeMeta Config) : CacheNode<string>
    {
        public override NodeMeta Meta => Config;

        public override string Key() => $"yielding:{Id}";

        public override async ValueTask<string> LoadAsync(CancellationToken cancellationToken)
        {
            await Task.Yield();
            return $"v:{Id}";
        }
    }

    /// <summary>A node whose value is the source's version when its load starts; the load yields before returning it.</summary>
    private sealed record VersionedNode(StrongBox<int> Source, NodeMeta Config) : CacheNode<string>
    {
        public override NodeMeta Meta => Config;

        public override string Key() => "versioned";

        public override async ValueTask<string> LoadAsync(CancellationToken cancellationToken)
        {
            int version = Volatile.Read(ref Source.Value);
            await Task.Yield();
            return $"v{version}";
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task After_reads_racing_invalidations_and_sets_settle_the_tiers_hold_nothing_older_than_the_last_one(bool twoLocalTiers)
    {
        // One thread changes the source, then invalidates the key or sets the new value; another reads. Once both stop,
        // reads must come to see the last version: a load that read an older one started before the last invalidation or
        // set, which detached it, so it must not have left its value in the local or the remote tier (with no TTL, such
        // a copy would stay for good). With a second local tier, a read that finds the value there copies it to the first
        // one without a flight, and that copy must not outlive an invalidation either.
        await using var chain = await TestChain.CreateAsync();
        var source = new StrongBox<int>(0);
        Cache[] tiers = [new Cache("local", null), .. twoLocalTiers ? [new Cache("local2", null)] : Array.Empty<Cache>(), new Cache("remote", null)];
        if (twoLocalTiers)
        {
            await chain.Client.RegisterStorageAsync("local2", new Storage("local://lru", size: 100));
        }

        var node = new VersionedNode(source, TestChain.Meta(tiers));
        for (int round = 0; round < 1000; round++)
        {
            using var stop = new CancellationTokenSource();
            Task reader = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await chain.Client.GetAsync(node with { });
                }
            });
            Task writer = Task.Run(async () =>
            {
                for (int i = 0; i < 20; i++)
                {
                    int version = Interlocked.Increment(ref source.Value);
                    if (i % 2 == 0)
                    {
                        await chain.Client.InvalidateAsync(node);
                    }
                    else
                    {
                        await chain.Client.SetAsync(node, $"v{version}"); // write-through of the new version
                    }

                    await Task.Yield();
                }
            });
            await writer.WaitAsync(TimeSpan.FromSeconds(30));
            await stop.CancelAsync();
            await reader.WaitAsync(TimeSpan.FromSeconds(30));
            // A detached write-back still finishing can show its value for a moment (it takes it out again once landed);
            // what must not happen is a copy that stays.
            string latest = $"v{Volatile.Read(ref source.Value)}";
            await Poll.UntilAsync(async () => await chain.Client.GetAsync(node) == latest, $"a read seeing {latest}");
        }
    }

    [Fact]
    public async Task Every_read_gets_its_keys_value_or_its_own_cancellation_is_counted_once_and_no_flight_is_left()
    {
        await using var client = new CachemeClient();
        await client.RegisterStorageAsync("local", new Storage("local://tlfu", size: 8));
        var meta = new NodeMeta { Caches = [new Cache("local", null)] };
        const int Workers = 4;
        const int CallsPerWorker = 20_000;
        int cancelled = 0;

        async Task WorkAsync(int seed)
        {
            var random = new Random(seed);
            for (int i = 0; i < CallsPerWorker; i++)
            {
                var node = new YieldingNode(random.Next(16), meta);
                int mode = random.Next(3); // 0: no token; 1: a token never cancelled; 2: a token cancelled while the read waits
                using CancellationTokenSource? request = mode == 0 ? null : new CancellationTokenSource();
                ValueTask<string> read = client.GetAsync(node, request?.Token ?? default);
                if (mode == 2)
                {
                    await request!.CancelAsync();
                }

                if (random.Next(64) == 0)
                {
                    await client.InvalidateAsync(node with { });
                }

                try
                {
                    Assert.Equal($"v:{node.Id}", await read);
                }
                catch (OperationCanceledException) when (mode == 2)
                {
                    Interlocked.Increment(ref cancelled);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(seed => Task.Run(() => WorkAsync(seed))));

        NodeStats stats = client.Stats<YieldingNode>();
        Assert.Equal(Workers * CallsPerWorker, stats.RequestCount); // each read counted once: hit, miss, or a miss when cancelled
        Assert.InRange(cancelled, 1, Workers * CallsPerWorker / 3 * 2);
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (client.Runtime(new YieldingNode(0, meta)).InFlightCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Yield(); // flights leave the table after their write-back, just after their readers resume
        }

        Assert.Equal(0, client.Runtime(new YieldingNode(0, meta)).InFlightCount);
    }
}
