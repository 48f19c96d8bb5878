using System.Runtime.CompilerServices;
using CachemeNet.Internal;

namespace CachemeNet.Tests;

public sealed class EagerRefreshTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>Node 1's distributed load lease in the remote tier.</summary>
    private const string LockKey = "cacheme:item:1:v1:lock";

    /// <summary>Local TTL 10 s, remote 60 s: a local value is due for refresh after 5 s, a remote one after 30 s.</summary>
    private static NodeMeta Meta(double? eager = 0.5, TimeSpan? failSafe = null, TimeSpan? lease = null) => new()
    {
        Caches = [new Cache("local", TimeSpan.FromSeconds(10)), new Cache("remote", TimeSpan.FromSeconds(60))],
        EagerRefresh = eager,
        FailSafe = failSafe,
        DistributedLoadLease = lease,
    };

    [Fact]
    public async Task A_hit_past_the_refresh_point_is_served_at_once_and_reloads_once_in_the_background()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, Meta());
        Assert.Equal("value:1", await chain.Client.GetAsync(node));
        chain.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal("value:1", await chain.Client.GetAsync(node)); // before the refresh point: a plain hit
        Assert.Equal(1, chain.Source.Total);

        TaskCompletionSource gate = chain.GateSource();
        chain.Source.Suffix = "-v2";
        chain.Time.Advance(TimeSpan.FromSeconds(2));
        ValueTask<string> due = chain.Client.GetAsync(node);

        Assert.True(due.IsCompletedSuccessfully, "a hit past the refresh point must not wait for the reload");
        Assert.Equal("value:1", await due);
        await Poll.UntilAsync(() => chain.Source.Total == 2, "the background reload starting");
        Assert.Equal("value:1", await chain.Client.GetAsync(node)); // still the old value while the reload runs

        gate.SetResult();
        await Poll.UntilAsync(() => chain.Client.Runtime(node).InFlightCount == 0, "the reload ending");
        Assert.Equal("value:1-v2", await chain.Client.GetAsync(node));
        NodeStats stats = chain.Client.Stats<ItemNode>();
        Assert.Equal((2, 1, 4L), (chain.Source.Total, stats.EagerRefreshCount, stats.HitCount));
        Assert.Equal("value:1-v2", RemoteValue(chain));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // no local tier: every read reaches the remote tier or the reload's flight
    public async Task Hits_past_the_refresh_point_on_two_threads_start_one_reload_and_none_waits_for_it(bool remoteOnly)
    {
        await using var chain = await TestChain.CreateAsync();
        NodeMeta meta = remoteOnly ? new NodeMeta { Caches = [new Cache("remote", TimeSpan.FromSeconds(10))], EagerRefresh = 0.5 } : Meta();
        var node = new ItemNode("1", chain.Source, meta);
        await chain.Client.GetAsync(node);
        TaskCompletionSource gate = chain.GateSource(); // closed until every read is done: a read that waited would never end
        chain.Time.Advance(TimeSpan.FromSeconds(6));

        var start = new Barrier(2);
        Task[] readers = [.. Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            start.SignalAndWait();
            for (int i = 0; i < 20_000; i++)
            {
                Assert.Equal("value:1", await chain.Client.GetAsync(node));
            }
        }))];
        await Task.WhenAll(readers).WaitAsync(Deadline);
        gate.SetResult();
        await Poll.UntilAsync(() => chain.Client.Runtime(node).InFlightCount == 0, "the reload ending");

        Assert.Equal(2, chain.Source.Total);
        Assert.Equal(1, chain.Client.Stats<ItemNode>().EagerRefreshCount);
    }

    [Fact]
    public async Task A_remote_hit_past_the_refresh_point_starts_a_reload()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, Meta());
        await chain.Client.GetAsync(node);
        chain.Source.Suffix = "-v2";
        chain.Time.Advance(TimeSpan.FromSeconds(31)); // the local copy expired; the remote one (60 s) is past its refresh point

        Assert.Equal("value:1", await chain.Client.GetAsync(node));
        await Poll.UntilAsync(() => chain.Source.Total == 2, "the background reload");
        await Poll.UntilAsync(() => chain.Client.Runtime(node).InFlightCount == 0, "the reload ending");

        Assert.Equal("value:1-v2", await chain.Client.GetAsync(node));
        Assert.Equal("value:1-v2", RemoteValue(chain));
        Assert.Equal(1, chain.Client.Stats<ItemNode>().EagerRefreshCount);
    }

    [Fact]
    public async Task Without_a_local_tier_reads_while_a_reload_runs_get_the_current_value_at_once_until_it_expires()
    {
        // Every read of a remote-only chain reaches the key's flight: it must not wait for the reload while the value it
        // replaces is fresh.
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, new NodeMeta { Caches = [new Cache("remote", TimeSpan.FromSeconds(60))], EagerRefresh = 0.5 });
        await chain.Client.GetAsync(node);
        TaskCompletionSource gate = chain.GateSource();
        chain.Source.Suffix = "-v2";
        chain.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal("value:1", await chain.Client.GetAsync(node)); // starts the reload
        await Poll.UntilAsync(() => chain.Source.Total == 2, "the background reload starting");

        using var cancel = new CancellationTokenSource();
        ValueTask<string> plain = chain.Client.GetAsync(node);
        ValueTask<string> withToken = chain.Client.GetAsync(node, cancel.Token);
        Task<IReadOnlyList<string>> batched = chain.Client.GetAllAsync([node]).AsTask();
        Assert.True(plain.IsCompletedSuccessfully && withToken.IsCompletedSuccessfully, "a read must not wait for the reload");
        Assert.Equal(("value:1", "value:1"), (await plain, await withToken));
        Assert.Equal(["value:1"], await batched.WaitAsync(Deadline));

        chain.Time.Advance(TimeSpan.FromSeconds(30)); // written 61 s ago: no longer fresh, so a read waits for the reload
        Task<string> late = chain.Client.GetAsync(node).AsTask();
        Assert.False(late.IsCompleted);
        gate.SetResult();
        Assert.Equal("value:1-v2", await late.WaitAsync(Deadline));
        NodeStats stats = chain.Client.Stats<ItemNode>();
        Assert.Equal((2, 1L, 6L, 5L), (chain.Source.Total, stats.EagerRefreshCount, stats.RequestCount, stats.HitCount));
    }

    [Fact]
    public async Task A_read_that_misses_while_a_reload_runs_joins_it()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, Meta());
        await chain.Client.GetAsync(node);
        TaskCompletionSource gate = chain.GateSource();
        chain.Source.Suffix = "-v2";
        chain.Time.Advance(TimeSpan.FromSeconds(6));
        await chain.Client.GetAsync(node); // starts the reload
        await Poll.UntilAsync(() => chain.Source.Total == 2, "the background reload starting");

        chain.Time.Advance(TimeSpan.FromSeconds(55)); // local and remote copies expired: a miss
        Task<string> miss = chain.Client.GetAsync(node).AsTask();
        Assert.False(miss.IsCompleted);
        gate.SetResult();

        Assert.Equal("value:1-v2", await miss.WaitAsync(Deadline));
        Assert.Equal(2, chain.Source.Total);
    }

    [Fact]
    public async Task A_failed_reload_keeps_the_value_until_it_expires_and_is_not_retried_by_every_hit()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, new NodeMeta { Caches = [new Cache("local", TimeSpan.FromSeconds(10))], EagerRefresh = 0.5 });
        await chain.Client.GetAsync(node);
        chain.Source.Failure = new InvalidOperationException("source down");
        chain.Time.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal("value:1", await chain.Client.GetAsync(node));
        await Poll.UntilAsync(() => chain.Client.Stats<ItemNode>().LoadFailureCount == 1 && chain.Client.Runtime(node).InFlightCount == 0, "the reload failing");
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal("value:1", await chain.Client.GetAsync(node));
        }

        Assert.Equal(1, chain.Client.Stats<ItemNode>().EagerRefreshCount); // counted when started, before any load runs
        Assert.Equal(2, chain.Source.Total);
        chain.Source.Failure = null;
        chain.Source.Suffix = "-v2";
        chain.Time.Advance(TimeSpan.FromSeconds(5)); // expired: an ordinary miss loads it
        Assert.Equal("value:1-v2", await chain.Client.GetAsync(node));
        Assert.Equal(3, chain.Source.Total);
    }

    [Fact]
    public async Task With_fail_safe_a_read_that_joins_a_failing_reload_gets_the_value_the_reload_replaced()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, Meta(failSafe: TimeSpan.FromHours(1)));
        await chain.Client.GetAsync(node);
        TaskCompletionSource gate = chain.GateSource();
        chain.Source.Failure = new InvalidOperationException("source down");
        chain.Time.Advance(TimeSpan.FromSeconds(6));
        await chain.Client.GetAsync(node);
        await Poll.UntilAsync(() => chain.Source.Total == 2, "the background reload starting");

        chain.Time.Advance(TimeSpan.FromSeconds(55));
        Task<string> miss = chain.Client.GetAsync(node).AsTask();
        gate.SetResult();

        Assert.Equal("value:1", await miss.WaitAsync(Deadline));
        Assert.Equal(1, chain.Client.Stats<ItemNode>().StaleServedCount);
    }

    [Fact]
    public async Task Batched_hits_past_the_refresh_point_start_one_reload_per_key()
    {
        await using var chain = await TestChain.CreateAsync();
        ItemNode[] nodes = [new("1", chain.Source, Meta()), new("2", chain.Source, Meta())];
        await chain.Client.GetAllAsync(nodes);
        chain.Time.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(["value:1", "value:2"], await chain.Client.GetAllAsync(nodes));
        await Poll.UntilAsync(() => chain.Source.Total == 4, "both reloads");
        Assert.Equal((1, 1), (chain.Source.Calls("1") - 1, chain.Source.Calls("2") - 1));
        Assert.Equal(2, chain.Client.Stats<ItemNode>().EagerRefreshCount);
    }

    [Fact]
    public async Task Batched_remote_hits_past_the_refresh_point_start_one_reload_per_key()
    {
        await using var chain = await TestChain.CreateAsync();
        ItemNode[] nodes = [new("1", chain.Source, Meta()), new("2", chain.Source, Meta()), new("3", chain.Source, Meta())];
        await chain.Client.GetAllAsync(nodes[..2]);
        chain.Time.Advance(TimeSpan.FromSeconds(29));
        await chain.Client.GetAllAsync(nodes[2..]); // written 29 s after the others: not yet due when they are
        chain.Source.Suffix = "-v2";
        chain.Time.Advance(TimeSpan.FromSeconds(2)); // 1 and 2: local copies expired, remote ones past their refresh point (30 s); 3: not due

        Assert.Equal(["value:1", "value:2", "value:3"], await chain.Client.GetAllAsync(nodes));
        await Poll.UntilAsync(() => chain.Source.Total == 5 && chain.Client.Runtime(nodes[0]).InFlightCount == 0, "both reloads");
        Assert.Equal((2, 2, 1), (chain.Source.Calls("1"), chain.Source.Calls("2"), chain.Source.Calls("3")));
        Assert.Equal(2, chain.Client.Stats<ItemNode>().EagerRefreshCount);
        Assert.Equal(["value:1-v2", "value:2-v2", "value:3"], await chain.Client.GetAllAsync(nodes));
        Assert.Equal("value:1-v2", RemoteValue(chain));
    }

    [Theory]
    [InlineData(6)] // local copies past their refresh point
    [InlineData(31)] // local copies expired, remote ones past their refresh point
    public async Task Batched_hits_past_the_refresh_point_of_a_batch_loading_node_reload_in_one_batch_call(int seconds)
    {
        await using var chain = await TestChain.CreateAsync();
        BatchSourceNode[] nodes = [new("1", chain.Source, Meta()), new("2", chain.Source, Meta()), new("3", chain.Source, Meta())];
        await chain.Client.GetAllAsync(nodes);
        Assert.Equal((1, 3), (chain.Source.BatchCalls, chain.Source.Total));
        chain.Source.Suffix = "-v2";
        chain.Time.Advance(TimeSpan.FromSeconds(seconds));

        Assert.Equal(["value:1", "value:2", "value:3"], await chain.Client.GetAllAsync(nodes));
        await Poll.UntilAsync(() => chain.Source.Total == 6 && chain.Client.Runtime(nodes[0]).InFlightCount == 0, "the reload");
        Assert.Equal(2, chain.Source.BatchCalls);
        Assert.Equal(3, chain.Client.Stats<BatchSourceNode>().EagerRefreshCount);
        Assert.Equal(["value:1-v2", "value:2-v2", "value:3-v2"], await chain.Client.GetAllAsync(nodes));
        Assert.Equal("value:1-v2", RemoteValue(chain));
    }

    [Fact]
    public async Task A_batched_refresh_leaves_out_the_keys_whose_lease_another_process_holds_and_releases_the_others()
    {
        await using var chain = await TestChain.CreateAsync();
        BatchSourceNode[] nodes = [new("1", chain.Source, Meta(lease: TimeSpan.FromMinutes(1))), new("2", chain.Source, Meta(lease: TimeSpan.FromMinutes(1)))];
        await chain.Client.GetAllAsync(nodes);
        Assert.NotNull(await chain.Remote.TryLockAsync(LockKey, TimeSpan.FromMinutes(1), CancellationToken.None)); // another process loads node 1
        chain.Time.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(["value:1", "value:2"], await chain.Client.GetAllAsync(nodes));
        await Poll.UntilAsync(() => chain.Client.Runtime(nodes[0]).InFlightCount == 0 && chain.Source.Total == 3, "the reload");
        Assert.Equal((1, 2, 2), (chain.Source.Calls("1"), chain.Source.Calls("2"), chain.Source.BatchCalls));
        Assert.Equal(1, chain.Client.Stats<BatchSourceNode>().EagerRefreshCount);
        await Poll.UntilAsync(async () => await chain.Remote.TryLockAsync("cacheme:item:2:v1:lock", TimeSpan.FromMinutes(1), CancellationToken.None) is not null, "node 2's lease released");
    }

    [Fact]
    public async Task With_a_distributed_load_lease_a_refresh_holds_the_lease_while_it_reloads_and_releases_it()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, Meta(lease: TimeSpan.FromMinutes(1)));
        await chain.Client.GetAsync(node);
        TaskCompletionSource gate = chain.GateSource();
        chain.Time.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal("value:1", await chain.Client.GetAsync(node));
        await Poll.UntilAsync(() => chain.Source.Total == 2, "the background reload starting");
        Assert.Null(await chain.Remote.TryLockAsync(LockKey, TimeSpan.FromMinutes(1), CancellationToken.None)); // another process would wait

        gate.SetResult();
        await Poll.UntilAsync(async () => await chain.Remote.TryLockAsync(LockKey, TimeSpan.FromMinutes(1), CancellationToken.None) is not null, "the lease released");
        Assert.Equal(1, chain.Client.Stats<ItemNode>().EagerRefreshCount);
    }

    [Fact]
    public async Task With_a_distributed_load_lease_held_by_another_process_a_hit_does_not_reload()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, Meta(lease: TimeSpan.FromMinutes(1)));
        await chain.Client.GetAsync(node);
        Assert.NotNull(await chain.Remote.TryLockAsync(LockKey, TimeSpan.FromMinutes(1), CancellationToken.None)); // another process loads the key
        chain.Time.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal("value:1", await chain.Client.GetAsync(node)); // past the refresh point: tries the lease, which is taken
        await Poll.UntilAsync(() => chain.Client.Runtime(node).InFlightCount == 0, "the refresh attempt ending");
        Assert.Equal("value:1", await chain.Client.GetAsync(node));
        Assert.Equal(1, chain.Source.Total);
        Assert.Equal((0, 3L), (chain.Client.Stats<ItemNode>().EagerRefreshCount, chain.Client.Stats<ItemNode>().RequestCount));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // GetAllAsync of a batch-loading node type
    public async Task A_refresh_that_takes_the_lease_after_another_process_refreshed_the_key_takes_its_value(bool batched)
    {
        await using var chain = await TestChain.CreateAsync();
        NodeMeta meta = Meta(lease: TimeSpan.FromMinutes(1));
        ItemNode node = new("1", chain.Source, meta);
        BatchSourceNode[] batch = [new("1", chain.Source, meta), new("2", chain.Source, meta)];
        _ = batched ? await chain.Client.GetAllAsync(batch) : [await chain.Client.GetAsync(node)];
        chain.Time.Advance(TimeSpan.FromSeconds(6));
        // Another process reloads key 1 and releases its lease between this process's read and its lease.
        chain.Remote.BeforeLock = lockKey => chain.Remote.Plant(lockKey[..^":lock".Length], RemoteEnvelope.Encode(Serializers.Json, $"other:{lockKey}", chain.Time.GetUtcNow()));

        _ = batched ? await chain.Client.GetAllAsync(batch) : [await chain.Client.GetAsync(node)];
        await Poll.UntilAsync(() => chain.Client.Runtime(node).InFlightCount == 0 && chain.Client.Runtime(batch[0]).InFlightCount == 0, "the refresh ending");

        Assert.Equal(batched ? 2 : 1, chain.Source.Total); // no reload
        Assert.Equal($"other:{LockKey}", batched ? (await chain.Client.GetAllAsync(batch))[0] : await chain.Client.GetAsync(node));
        Assert.Equal(0, batched ? chain.Client.Stats<BatchSourceNode>().EagerRefreshCount : chain.Client.Stats<ItemNode>().EagerRefreshCount);
        chain.Remote.BeforeLock = null;
        Assert.NotNull(await chain.Remote.TryLockAsync(LockKey, TimeSpan.FromMinutes(1), CancellationToken.None)); // released
    }

    [Fact]
    public async Task A_read_with_its_own_loader_is_refreshed_with_that_loader_not_the_nodes()
    {
        // As [Memoize] reads: the method is the loader, the node's own LoadAsync is not what the key caches.
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, Meta());
        var loads = new StrongBox<int>();
        static ValueTask<string> Load(StrongBox<int> loads, CancellationToken _) => ValueTask.FromResult($"method:{Interlocked.Increment(ref loads.Value)}");
        Assert.Equal("method:1", await chain.Client.GetAsync(node, loads, Load));
        chain.Time.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal("method:1", await chain.Client.GetAsync(node, loads, Load));
        await Poll.UntilAsync(() => Volatile.Read(ref loads.Value) == 2 && chain.Client.Runtime(node).InFlightCount == 0, "the reload through the read's loader");
        Assert.Equal("method:2", await chain.Client.GetAsync(node, loads, Load));
        Assert.Equal(0, chain.Source.Total);
    }

    [Fact]
    public async Task A_local_hit_before_the_refresh_point_allocates_nothing()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, Meta());
        await chain.Client.GetAsync(node);
        chain.Time.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal(0, AllocationMeter.FewestBytes(() => _ = chain.Client.GetAsync(node), calls: 1_000));
        Assert.Equal(0, chain.Client.Stats<ItemNode>().EagerRefreshCount);
    }

    [Fact]
    public async Task Without_eager_refresh_a_hit_near_expiry_does_not_reload()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, Meta(eager: null));
        await chain.Client.GetAsync(node);
        chain.Time.Advance(TimeSpan.FromSeconds(9.9));

        Assert.Equal("value:1", await chain.Client.GetAsync(node));
        Assert.Equal(1, chain.Source.Total);
        Assert.Equal(0, chain.Client.Stats<ItemNode>().EagerRefreshCount);
    }

    private static string RemoteValue(TestChain chain)
    {
        Assert.True(RemoteEnvelope.TryDecode(Serializers.Json, chain.Remote.Raw("cacheme:item:1:v1")!, out string value, out _, out string? error), error);
        return value;
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public async Task An_eager_refresh_share_outside_0_and_1_is_rejected(double share)
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, Meta(eager: share));

        ArgumentOutOfRangeException thrown = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await chain.Client.GetAsync(node));
        Assert.Contains("EagerRefresh", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(0, chain.Source.Total);
    }
}
