using CachemeNet.Tests.Fakes;
using CachemeNet.Internal;
using System.Text;
using CachemeNet;

namespace CachemeNet.Tests;

public sealed class CachemeClientTests
{
    private static readonly NodeMeta LocalRemote = TestChain.Meta(new Cache("local", TimeSpan.FromSeconds(30)), new Cache("remote", TimeSpan.FromMinutes(10)));
    private static readonly NodeMeta RemoteOnly = TestChain.Meta(new Cache("remote", null));

    [Fact]
    public async Task Full_miss_loads_once_and_writes_every_tier_under_prefix_key_version()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, LocalRemote);

        Assert.Equal("value:1", await chain.Client.GetAsync(node));

        Assert.Equal(1, chain.Source.Calls("1"));
        Assert.Equal(["cacheme:item:1:v1"], chain.Remote.Keys);
        Assert.True(chain.Local.TryGet(node, out object? local));
        Assert.Equal("value:1", local);
    }

    [Fact]
    public async Task Hit_in_a_later_tier_writes_back_earlier_tiers_only()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, LocalRemote);
        await chain.Client.GetAsync(node);
        chain.Local.Clear();
        int setsBefore = chain.Remote.Sets;

        Assert.Equal("value:1", await chain.Client.GetAsync(node));

        Assert.Equal(1, chain.Source.Total);
        Assert.True(chain.Local.TryGet(node, out _));
        Assert.Equal(setsBefore, chain.Remote.Sets);
        NodeStats stats = chain.Client.Stats<ItemNode>();
        Assert.Equal(1, stats.TierHits["remote"]);
        Assert.Equal(0, stats.TierHits["local"]);
    }

    [Fact]
    public async Task Tiers_are_read_in_declared_order_even_when_a_local_tier_comes_after_a_remote_one()
    {
        await using var chain = await TestChain.CreateAsync();
        await chain.Client.RegisterStorageAsync("local2", new Storage("local://lru", size: 10));
        var meta = TestChain.Meta(new Cache("remote", null), new Cache("local2", null));
        var node = new ItemNode("1", chain.Source, meta);
        var local2 = (ILocalStorage)chain.Client.GetStorage("local2")!;
        local2.Set(node, "from-local2", null);

        Assert.Equal("from-local2", await chain.Client.GetAsync(node));
        Assert.Equal(1, chain.Remote.Gets);
        Assert.Equal(0, chain.Source.Total);
        Assert.Equal(["cacheme:item:1:v1"], chain.Remote.Keys); // written back to the earlier remote tier
    }

    [Fact]
    public async Task Each_tier_keeps_its_own_ttl_with_millisecond_precision()
    {
        await using var chain = await TestChain.CreateAsync();
        var meta = TestChain.Meta(new Cache("local", TimeSpan.FromMilliseconds(1500)), new Cache("remote", TimeSpan.FromMilliseconds(4250)));
        var node = new ItemNode("1", chain.Source, meta);
        await chain.Client.GetAsync(node);
        int gets = chain.Remote.Gets;

        chain.Time.Advance(TimeSpan.FromMilliseconds(1499));
        await chain.Client.GetAsync(node);
        Assert.Equal(gets, chain.Remote.Gets); // still a local hit

        chain.Time.Advance(TimeSpan.FromMilliseconds(2));
        await chain.Client.GetAsync(node);
        Assert.Equal(gets + 1, chain.Remote.Gets); // local expired, remote served
        Assert.Equal(1, chain.Source.Total);

        chain.Time.Advance(TimeSpan.FromMilliseconds(4250));
        chain.Local.Clear();
        await chain.Client.GetAsync(node);
        Assert.Equal(2, chain.Source.Total); // remote expired too
    }

    [Fact]
    public async Task Null_ttl_never_expires()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, TestChain.Meta(new Cache("local", null)));
        await chain.Client.GetAsync(node);
        chain.Time.Advance(TimeSpan.FromDays(3650));
        await chain.Client.GetAsync(node);
        Assert.Equal(1, chain.Source.Total);
    }

    [Fact]
    public async Task A_thousand_concurrent_gets_for_one_key_load_once()
    {
        await using var chain = await TestChain.CreateAsync();
        TaskCompletionSource gate = chain.GateSource();
        var node = new ItemNode("hot", chain.Source, RemoteOnly);

        Task<string>[] calls = [.. Enumerable.Range(0, 1000).Select(_ => Task.Run(async () => await chain.Client.GetAsync(node with { })))];
        await chain.Source.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        gate.SetResult();
        string[] values = await Task.WhenAll(calls);

        Assert.All(values, v => Assert.Equal("value:hot", v));
        NodeStats diag = chain.Client.Stats<ItemNode>();
        Assert.True(chain.Source.Total == 1, $"loads {chain.Source.Total} gets {chain.Remote.Gets} sets {chain.Remote.Sets} decode {diag.DecodeFailureCount} tier {diag.TierErrorCount} tiers {string.Join(";", chain.Client.Tiers())}");
        NodeStats stats = chain.Client.Stats<ItemNode>();
        Assert.Equal(1000, stats.RequestCount);
        Assert.Equal(1, stats.MissCount);
        Assert.Equal(999, stats.HitCount);

        // Calls that started after the load's flight had finished began their own read and found the value remotely:
        // every remote read but the first was a hit.
        Assert.Equal(chain.Remote.Gets - 1, stats.TierHits["remote"]);
    }

    [Fact]
    public async Task Joiners_without_a_token_share_the_flights_task_and_still_count_as_hits()
    {
        await using var chain = await TestChain.CreateAsync();
        TaskCompletionSource gate = chain.GateSource();
        var node = new ItemNode("k", chain.Source, RemoteOnly);

        Task<string> leader = await chain.StartReadAsync(node);
        Task<string> first = chain.Client.GetAsync(node with { }).AsTask();
        Task<string> second = chain.Client.GetAsync(node with { }).AsTask();
        using var cts = new CancellationTokenSource();
        Task<string> withToken = chain.Client.GetAsync(node with { }, cts.Token).AsTask();

        Assert.Same(first, second); // no state machine per joiner: both wait on the flight's own task
        Assert.NotSame(first, withToken); // a caller with a token keeps its own wait, so it can leave
        gate.SetResult();
        Assert.Equal(["value:k", "value:k", "value:k", "value:k"], await Task.WhenAll(leader, first, second, withToken));
        NodeStats stats = chain.Client.Stats<ItemNode>();
        Assert.Equal(1, stats.MissCount);
        Assert.Equal(3, stats.HitCount);
    }

    [Fact]
    public async Task A_throwing_leader_fails_every_waiter_and_the_next_call_loads_again()
    {
        await using var chain = await TestChain.CreateAsync();
        TaskCompletionSource gate = chain.GateSource();
        chain.Source.Failure = new InvalidOperationException("source down");
        var node = new ItemNode("k", chain.Source, LocalRemote);

        Task<string>[] calls = [.. Enumerable.Range(0, 50).Select(_ => chain.Client.GetAsync(node).AsTask())];
        await chain.Source.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        gate.SetResult();
        foreach (Task<string> call in calls)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => call);
            Assert.Equal("source down", error.Message);
        }

        Assert.Equal(1, chain.Source.Total);
        Assert.Empty(chain.Remote.Keys);
        Assert.Equal(0, chain.Client.Runtime(node).InFlightCount);

        chain.Source.Failure = null;
        Assert.Equal("value:k", await chain.Client.GetAsync(node));
        Assert.Equal(2, chain.Source.Total);
        NodeStats stats = chain.Client.Stats<ItemNode>();
        Assert.Equal(1, stats.LoadFailureCount);
        Assert.Equal(1, stats.LoadSuccessCount);
        Assert.Equal(0.5, stats.LoadFailureRate);
        Assert.Equal(51, stats.MissCount); // every failed waiter counts a miss, then the reload's leader
        Assert.Equal(0, stats.HitCount);
    }

    [Fact]
    public async Task One_callers_cancellation_ends_only_its_own_wait()
    {
        await using var chain = await TestChain.CreateAsync();
        TaskCompletionSource gate = chain.GateSource();
        var node = new ItemNode("k", chain.Source, RemoteOnly);
        using var cts = new CancellationTokenSource();

        Task<string> leader = await chain.StartReadAsync(node, cts.Token);
        Task<string> other = chain.Client.GetAsync(node).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leader);
        Assert.False(other.IsCompleted);
        Assert.True(chain.Source.Tokens.TryPeek(out CancellationToken loadToken));
        Assert.False(loadToken.IsCancellationRequested);
        gate.SetResult();
        Assert.Equal("value:k", await other);
        Assert.Equal(1, chain.Source.Total);
    }

    [Fact]
    public async Task When_every_waiter_cancels_the_load_is_cancelled_and_the_next_call_starts_afresh()
    {
        await using var chain = await TestChain.CreateAsync();
        TaskCompletionSource gate = chain.GateSource();
        var node = new ItemNode("k", chain.Source, RemoteOnly);
        using var cts = new CancellationTokenSource();

        Task<string> only = await chain.StartReadAsync(node, cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => only);
        Assert.True(chain.Source.Tokens.TryPeek(out CancellationToken loadToken));
        Assert.True(loadToken.IsCancellationRequested);

        chain.Source.Gate = null;
        Assert.Equal("value:k", await chain.Client.GetAsync(node));
        Assert.Equal(2, chain.Source.Total);
    }

    [Fact]
    public async Task GetAll_returns_values_in_input_order_with_duplicates()
    {
        await using var chain = await TestChain.CreateAsync();
        ItemNode N(string id) => new(id, chain.Source, LocalRemote);

        IReadOnlyList<string> values = await chain.Client.GetAllAsync([N("b"), N("a"), N("b"), N("c"), N("a")]);

        Assert.Equal(["value:b", "value:a", "value:b", "value:c", "value:a"], values);
        Assert.Equal(3, chain.Source.Total);
        Assert.Equal(5, chain.Client.Stats<ItemNode>().RequestCount);
    }

    [Fact]
    public async Task GetAll_makes_one_batched_call_per_remote_tier_and_one_batched_write()
    {
        await using var chain = await TestChain.CreateAsync();
        ItemNode N(string id) => new(id, chain.Source, LocalRemote);
        await chain.Client.GetAsync(N("0"));
        chain.Local.Clear();
        int getManys = chain.Remote.GetManys, setManys = chain.Remote.SetManys, gets = chain.Remote.Gets;

        IReadOnlyList<string> values = await chain.Client.GetAllAsync(Enumerable.Range(0, 20).Select(i => N(i.ToString())));

        Assert.Equal(20, values.Count);
        Assert.Equal(getManys + 1, chain.Remote.GetManys);
        Assert.Equal(setManys + 1, chain.Remote.SetManys);
        Assert.Equal(gets, chain.Remote.Gets);
        Assert.Equal(20, chain.Source.Total); // "0" was loaded before and is now a remote hit, 19 loaded now
    }

    [Fact]
    public async Task GetAll_overlapping_an_in_flight_get_loads_each_key_once()
    {
        await using var chain = await TestChain.CreateAsync();
        TaskCompletionSource gate = chain.GateSource();
        ItemNode N(string id) => new(id, chain.Source, RemoteOnly);

        Task<string> single = chain.Client.GetAsync(N("a")).AsTask();
        await chain.Source.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Task<IReadOnlyList<string>> batch = chain.Client.GetAllAsync([N("a"), N("b"), N("c")]).AsTask();
        Task<IReadOnlyList<string>> batch2 = chain.Client.GetAllAsync([N("c"), N("b"), N("a")]).AsTask();
        gate.SetResult();

        Assert.Equal("value:a", await single);
        Assert.Equal(["value:a", "value:b", "value:c"], await batch);
        Assert.Equal(["value:c", "value:b", "value:a"], await batch2);
        Assert.Equal(1, chain.Source.Calls("a"));
        Assert.Equal(1, chain.Source.Calls("b"));
        Assert.Equal(1, chain.Source.Calls("c"));
    }

    [Fact]
    public async Task GetAll_uses_the_node_types_static_batch_loader_once()
    {
        var client = new CachemeClient();
        await client.RegisterStorageAsync("local", new Storage("local://lru", size: 100));
        int before = BatchItemNode.BatchCalls, singles = BatchItemNode.SingleCalls;

        IReadOnlyList<string> values = await client.GetAllAsync([new BatchItemNode(1), new BatchItemNode(2), new BatchItemNode(1)]);

        Assert.Equal(["batch:1", "batch:2", "batch:1"], values);
        Assert.Equal(before + 1, BatchItemNode.BatchCalls);
        Assert.Equal(singles, BatchItemNode.SingleCalls);
        Assert.Equal(2, client.Stats<BatchItemNode>().LoadCount);
    }

    [Fact]
    public async Task GetAll_failure_reaches_the_caller_leaves_nothing_behind_and_retries()
    {
        await using var chain = await TestChain.CreateAsync();
        chain.Source.Failure = new InvalidOperationException("boom");
        ItemNode N(string id) => new(id, chain.Source, RemoteOnly);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await chain.Client.GetAllAsync([N("a"), N("b")]));
        Assert.Equal(0, chain.Client.Runtime(N("a")).InFlightCount);
        Assert.Empty(chain.Remote.Keys);

        chain.Source.Failure = null;
        Assert.Equal(["value:a", "value:b"], await chain.Client.GetAllAsync([N("a"), N("b")]));
        Assert.Equal(4, chain.Source.Total);
    }

    [Fact]
    public async Task Stats_after_gets_and_a_get_all_follow_the_hit_and_miss_rules()
    {
        await using var chain = await TestChain.CreateAsync();
        ItemNode N(string id) => new(id, chain.Source, LocalRemote);
        foreach (string id in new[] { "a", "b", "c", "a", "d" })
        {
            await chain.Client.GetAsync(N(id));
        }

        await chain.Client.GetAllAsync([N("a"), N("b"), N("f")]);

        NodeStats stats = chain.Client.Stats<ItemNode>();
        Assert.Equal(8, stats.RequestCount);
        Assert.Equal(3, stats.HitCount);
        Assert.Equal(5, stats.MissCount);
        Assert.Equal(3.0 / 8, stats.HitRate);
        Assert.Equal(5.0 / 8, stats.MissRate);
        Assert.Equal(5, stats.LoadCount);
        Assert.Equal(5, stats.LoadSuccessCount);
        Assert.Equal(0, stats.LoadFailureCount);
        Assert.Equal(3, stats.TierHits["local"]);
        Assert.Equal(0, stats.TierHits["remote"]);
    }

    [Fact]
    public async Task Load_time_is_measured_on_the_clients_clock()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("slow", chain.Source, RemoteOnly);
        TaskCompletionSource gate = chain.GateSource();
        Task<string> call = await chain.StartReadAsync(node);
        chain.Time.Advance(TimeSpan.FromMilliseconds(250));
        gate.SetResult();
        await call;

        NodeStats stats = chain.Client.Stats<ItemNode>();
        Assert.Equal(TimeSpan.FromMilliseconds(250), stats.TotalLoadTime);
        Assert.Equal(TimeSpan.FromMilliseconds(250), stats.AverageLoadTime);
    }

    [Fact]
    public async Task Stats_of_an_unused_node_are_zero_with_zero_rates()
    {
        await using var chain = await TestChain.CreateAsync();
        NodeStats stats = chain.Client.Stats<ItemNode>();
        Assert.Equal(0, stats.RequestCount);
        Assert.Equal(0, stats.HitRate);
        Assert.Equal(0, stats.MissRate);
        Assert.Equal(0, stats.LoadFailureRate);
        Assert.Equal(TimeSpan.Zero, stats.AverageLoadTime);
        Assert.Empty(chain.Client.Nodes());
    }

    [Fact]
    public async Task Doorkeeper_keeps_a_first_seen_key_out_of_the_tiers_and_admits_it_the_second_time()
    {
        await using var chain = await TestChain.CreateAsync();
        var meta = new NodeMeta { Caches = [new Cache("local", null), new Cache("remote", null)], Doorkeeper = new BloomFilter(1000, 0.01) };
        var node = new ItemNode("x", chain.Source, meta);

        await chain.Client.GetAsync(node);
        Assert.Empty(chain.Remote.Keys);
        Assert.False(chain.Local.TryGet(node, out _));

        await chain.Client.GetAsync(node);
        Assert.Single(chain.Remote.Keys);
        Assert.True(chain.Local.TryGet(node, out _));

        await chain.Client.GetAsync(node);
        Assert.Equal(2, chain.Source.Total);
    }

    [Fact]
    public async Task Doorkeeper_applies_to_get_all_too()
    {
        await using var chain = await TestChain.CreateAsync();
        var meta = new NodeMeta { Caches = [new Cache("remote", null)], Doorkeeper = new BloomFilter(1000, 0.01) };
        ItemNode N(string id) => new(id, chain.Source, meta);

        await chain.Client.GetAllAsync([N("a"), N("b")]);
        Assert.Empty(chain.Remote.Keys);
        await chain.Client.GetAllAsync([N("a"), N("b")]);
        Assert.Equal(2, chain.Remote.Keys.Count);
    }

    [Fact]
    public async Task Invalidate_deletes_from_every_tier_and_refresh_reloads()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, LocalRemote);
        await chain.Client.GetAsync(node);

        await chain.Client.InvalidateAsync(node);
        Assert.Empty(chain.Remote.Keys);
        Assert.False(chain.Local.TryGet(node, out _));

        Assert.Equal("value:1", await chain.Client.RefreshAsync(node));
        Assert.Equal(2, chain.Source.Total);
        Assert.Single(chain.Remote.Keys);
        Assert.True(chain.Local.TryGet(node, out _));
    }

    [Fact]
    public async Task SetAsync_writes_every_tier_without_loading_and_replaces_a_cached_value()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, new NodeMeta { Caches = LocalRemote.Caches, Doorkeeper = new BloomFilter(1000, 0.01) });
        await chain.Client.SetAsync(node, "set");
        Assert.Equal("set", await chain.Client.GetAsync(node)); // a first-seen key, written anyway: the caller asked for it
        Assert.Equal("set", RemoteValue(chain));

        await chain.Client.SetAsync(node, "set again");
        Assert.Equal("set again", await chain.Client.GetAsync(node));
        chain.Local.Remove(node);
        Assert.Equal("set again", await chain.Client.GetAsync(node)); // from the remote tier
        Assert.Equal(0, chain.Source.Total);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // local tier only
    public async Task SetAsync_detaches_a_load_in_flight_so_its_older_value_is_written_nowhere(bool remoteTier)
    {
        await using var chain = await TestChain.CreateAsync();
        TaskCompletionSource gate = chain.GateSource();
        var node = new ItemNode("1", chain.Source, remoteTier ? LocalRemote : TestChain.Meta(new Cache("local", null)));
        Task<string> inFlight = await chain.StartReadAsync(node);

        await chain.Client.SetAsync(node, "new");
        gate.SetResult();

        Assert.Equal("value:1", await inFlight); // its caller still gets what it loaded
        Assert.Equal("new", await chain.Client.GetAsync(node));
        Assert.Equal(remoteTier ? "new" : null, remoteTier ? RemoteValue(chain) : null);
        Assert.Equal(1, chain.Source.Total);
    }

    [Fact]
    public async Task A_read_that_found_the_older_remote_value_while_SetAsync_wrote_does_not_copy_it_over_the_new_one()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, LocalRemote);
        await chain.Client.GetAsync(node); // "value:1" in both tiers; one remote read, one write
        var write = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        chain.Remote.WriteHang = write.Task;
        Task set = chain.Client.SetAsync(node, "new").AsTask(); // local copy cleared, the remote write on the wire
        await Poll.UntilAsync(() => chain.Remote.Sets == 2, "SetAsync's write leaving");
        chain.Remote.ReplyHang = reply.Task;
        Task<string> read = chain.Client.GetAsync(node).AsTask(); // a local miss that reads the older remote value
        await Poll.UntilAsync(() => chain.Remote.Gets == 2, "the read reaching the remote tier");
        chain.Remote.WriteHang = null;
        write.SetResult();
        await set.WaitAsync(TimeSpan.FromSeconds(30));
        chain.Remote.ReplyHang = null;
        reply.SetResult();

        Assert.Equal("value:1", await read.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("new", await chain.Client.GetAsync(node));
        Assert.Equal("new", RemoteValue(chain));
    }

    [Fact]
    public async Task SetAsync_of_a_namespaced_node_is_dropped_with_its_namespace()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new TenantUserNode(1, 2, chain.Source, LocalRemote);
        await chain.Client.SetAsync(node, "set");
        Assert.Equal("set", await chain.Client.GetAsync(node));

        await chain.Client.InvalidateNamespaceAsync("tenant:1");
        Assert.Equal("value:1/2", await chain.Client.GetAsync(node));
    }

    [Fact]
    public async Task SetAsync_reports_a_failing_remote_tier_after_writing_the_others_and_rejects_a_null_node()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, LocalRemote);
        chain.Remote.Failure = new InvalidOperationException("remote down");

        AggregateException thrown = await Assert.ThrowsAsync<AggregateException>(async () => await chain.Client.SetAsync(node, "set"));
        Assert.IsType<InvalidOperationException>(Assert.Single(thrown.InnerExceptions));
        Assert.True(chain.Local.TryGet(node, out _));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await chain.Client.SetAsync<string>(null!, "x"));
    }

    private static string RemoteValue(TestChain chain)
    {
        Assert.True(RemoteEnvelope.TryDecode(Serializers.Json, chain.Remote.Raw("cacheme:item:1:v1")!, out string value, out _, out string? error), error);
        return value;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, true)] // GetAllAsync
    public async Task A_load_in_flight_during_invalidation_is_written_back_to_no_tier_and_later_reads_load_afresh(bool batched, bool localTier)
    {
        await using var chain = await TestChain.CreateAsync();
        TaskCompletionSource gate = chain.GateSource();
        var node = new ItemNode("1", chain.Source, localTier ? LocalRemote : RemoteOnly);

        Task<string> inFlight = batched
            ? chain.Client.GetAllAsync([node]).AsTask().ContinueWith(t => t.Result[0], TaskScheduler.Default)
            : chain.Client.GetAsync(node).AsTask();
        await chain.Source.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await chain.Client.InvalidateAsync(node);
        gate.SetResult();

        Assert.Equal("value:1", await inFlight); // its caller still gets the value it asked for
        Assert.False(chain.Local.TryGet(node, out _)); // the value loaded before the invalidation would be served until its local TTL
        Assert.Empty(chain.Remote.Keys);
        chain.Source.Suffix = ":fresh";
        Assert.Equal("value:1:fresh", await chain.Client.GetAsync(node));
        Assert.Equal(2, chain.Source.Total);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // GetAllAsync
    public async Task An_invalidation_that_lands_while_a_write_back_is_on_the_wire_is_not_undone_by_it(bool batched)
    {
        await using var chain = await TestChain.CreateAsync();
        var wire = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        chain.Remote.WriteHang = wire.Task;
        var node = new ItemNode("1", chain.Source, RemoteOnly);
        Assert.Equal("value:1", batched ? (await chain.Client.GetAllAsync([node]))[0] : await chain.Client.GetAsync(node));
        await Poll.UntilAsync(() => chain.Remote.Sets + chain.Remote.SetManys == 1, "the write-back leaving");

        await chain.Client.InvalidateAsync(node); // its delete lands before the write-back
        chain.Remote.WriteHang = null;
        wire.SetResult();
        await Poll.UntilAsync(() => chain.Remote.WritesLanded == 1 && chain.Remote.Keys.Count == 0, "the write-back landing and taken out again");

        chain.Source.Suffix = ":fresh";
        Assert.Equal("value:1:fresh", await chain.Client.GetAsync(node));
    }

    [Fact]
    public async Task A_read_that_finds_the_remote_value_before_the_invalidations_delete_lands_leaves_no_local_copy()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, LocalRemote);
        await chain.Client.GetAsync(node);
        var wire = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        chain.Remote.DeleteHang = wire.Task;

        Task invalidation = chain.Client.InvalidateAsync(node).AsTask(); // the local copy is gone, the remote delete on the wire
        await Poll.UntilAsync(() => chain.Remote.Deletes == 1, "the delete leaving");
        Assert.Equal("value:1", await chain.Client.GetAsync(node)); // a remote hit, copied to the local tier
        chain.Remote.DeleteHang = null;
        wire.SetResult();
        await invalidation.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(chain.Local.TryGet(node, out _));
        chain.Source.Suffix = ":fresh";
        Assert.Equal("value:1:fresh", await chain.Client.GetAsync(node));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_copy_from_a_later_local_tier_that_races_an_invalidation_leaves_no_copy(bool batched)
    {
        await using var chain = await TestChain.CreateAsync();
        var local2 = new HookedLocalStorage();
        await chain.Client.RegisterStorageAsync("local2", TestStorageProvider.For(local2));
        var node = new ItemNode("1", chain.Source, TestChain.Meta(new Cache("local", null), new Cache("local2", null)));
        await chain.Client.GetAsync(node);
        chain.Local.Remove(node); // only the second local tier has it now

        // The invalidation lands after the read of local2 found the value and before it is copied to local. Without
        // remote tiers and a backplane it completes synchronously, inside the hook.
        local2.AfterNextHit(() => Assert.True(chain.Client.InvalidateAsync(node).IsCompletedSuccessfully));
        string read = batched ? (await chain.Client.GetAllAsync([node]))[0] : await chain.Client.GetAsync(node);

        Assert.Equal("value:1", read); // read before the invalidation: the old value is a correct answer
        Assert.False(chain.Local.TryGet(node, out _)); // but no copy of it may outlive the invalidation
        Assert.Equal(0, local2.Count);
        chain.Source.Suffix = ":fresh";
        Assert.Equal("value:1:fresh", await chain.Client.GetAsync(node));
    }

    [Fact]
    public async Task A_copy_from_a_later_local_tier_made_while_an_invalidation_runs_is_not_made()
    {
        await using var chain = await TestChain.CreateAsync();
        var local2 = new HookedLocalStorage();
        await chain.Client.RegisterStorageAsync("local2", TestStorageProvider.For(local2));
        var node = new ItemNode("1", chain.Source, TestChain.Meta(new Cache("local", null), new Cache("local2", null)));
        await chain.Client.GetAsync(node);
        chain.Local.Remove(node);

        // An invalidation in another thread has begun its clear and not reached local2 yet.
        chain.Client.LocalClears.Begin();
        Assert.Equal("value:1", await chain.Client.GetAsync(node));
        local2.Remove(node);
        chain.Client.LocalClears.End();

        Assert.False(chain.Local.TryGet(node, out _));
    }

    [Fact]
    public async Task An_abandoned_load_that_ignores_its_token_writes_nothing_after_the_key_is_invalidated()
    {
        await using var chain = await TestChain.CreateAsync();
        // Continuations run inline: when SetResult returns, the load has returned and its write-back (to in-memory
        // tiers, synchronous) has run.
        var gate = new TaskCompletionSource();
        int loads = 0;
        var node = new ItemNode("1", chain.Source, LocalRemote);
        async ValueTask<string> Stubborn(int _, CancellationToken __)
        {
            Interlocked.Increment(ref loads);
            await gate.Task.ConfigureAwait(false); // ignores its token
            return "old";
        }

        using var cancel = new CancellationTokenSource();
        Task<string> read = chain.Client.GetAsync(node, 0, Stubborn, cancel.Token).AsTask();
        await Poll.UntilAsync(() => Volatile.Read(ref loads) == 1, "the load starting");
        await cancel.CancelAsync(); // its only caller leaves: the flight is abandoned and leaves the table
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        await chain.Client.InvalidateAsync(node);
        gate.SetResult();

        Assert.Equal(1, chain.Client.Stats<ItemNode>().LoadSuccessCount);
        Assert.False(chain.Local.TryGet(node, out _));
        Assert.Empty(chain.Remote.Keys);
    }

    [Fact]
    public async Task A_read_started_after_an_invalidation_does_not_join_the_flight_it_invalidated()
    {
        await using var chain = await TestChain.CreateAsync();
        TaskCompletionSource gate = chain.GateSource();
        var node = new ItemNode("1", chain.Source, RemoteOnly);

        Task<string> before = await chain.StartReadAsync(node);
        await chain.Client.InvalidateAsync(node);
        Task<string> after = chain.Client.GetAsync(node with { }).AsTask(); // an equal node, found by node if at all
        gate.SetResult();

        Assert.Equal("value:1", await before);
        Assert.Equal("value:1", await after);
        Assert.Equal(2, chain.Source.Total); // the later read ran its own load instead of joining the invalidated one
    }

    [Fact]
    public async Task A_joiner_finds_the_flight_by_node_and_allocates_nothing()
    {
        await using var chain = await TestChain.CreateAsync();
        TaskCompletionSource gate = chain.GateSource();
        var node = new ItemNode("1", chain.Source, TestChain.Meta(new Cache("local", null)));
        Task<string> leader = await chain.StartReadAsync(node);
        var joiners = new List<Task<string>>();
        for (int i = 0; i < 100; i++)
        {
            joiners.Add(chain.Client.GetAsync(node with { }).AsTask()); // equal nodes, other instances; also warms up
        }

        // A joiner without a token waits on the flight's task and builds no key string (96 B before: Key() and the full key).
        Assert.Equal(0, AllocationMeter.FewestBytes(() => _ = chain.Client.GetAsync(node), calls: 1_000));
        gate.SetResult();

        Assert.All(await Task.WhenAll([leader, .. joiners]), value => Assert.Equal("value:1", value));
        Assert.Equal(1, chain.Source.Total);
        Assert.Equal(5_101, chain.Client.Stats<ItemNode>().RequestCount); // the leader, 100 joiners, 5 x 1,000 measured
    }

    [Fact]
    public async Task A_leader_without_a_token_waits_on_the_flights_task_and_is_counted_when_it_settles()
    {
        await using var chain = await TestChain.CreateAsync();
        TaskCompletionSource gate = chain.GateSource();
        var node = new ItemNode("1", chain.Source, LocalRemote);

        Task<string> leader = chain.Client.GetAsync(node).AsTask();
        Task<string> joiner = chain.Client.GetAsync(node).AsTask();

        Assert.Same(leader, joiner); // the flight's own task: no state machine for the leader either
        Assert.Equal(0, chain.Client.Stats<ItemNode>().RequestCount); // counted when the flight settles
        gate.SetResult();
        Assert.Equal("value:1", await leader);
        NodeStats stats = chain.Client.Stats<ItemNode>();
        Assert.Equal((1, 1, 1), (stats.MissCount, stats.HitCount, stats.LoadCount));
    }

    [Fact]
    public async Task A_joiner_with_a_token_finds_the_flight_by_node_and_allocates_one_waiter_and_its_registration()
    {
        await using var chain = await TestChain.CreateAsync();
        TaskCompletionSource gate = chain.GateSource();
        var node = new ItemNode("1", chain.Source, TestChain.Meta(new Cache("local", null)));
        using var request = new CancellationTokenSource(); // never cancelled
        Task<string> leader = await chain.StartReadAsync(node);
        var joiners = new List<Task<string>>();
        for (int i = 0; i < 100; i++)
        {
            joiners.Add(chain.Client.GetAsync(node, request.Token).AsTask()); // also warms up
        }

        long bytes = AllocationMeter.FewestBytes(() => _ = chain.Client.GetAsync(node, request.Token), calls: 1_000) / 1_000;
        gate.SetResult();

        Assert.All(await Task.WhenAll([leader, .. joiners]), value => Assert.Equal("value:1", value));
        Assert.Equal(1, chain.Source.Total);
        // One FlightWaiter and its registration on the token, 200 B; it was 344 B with a state machine awaiting
        // Task.WaitAsync, 792 B with the key string built, a state machine to resolve it and a second one to wait.
        Assert.InRange(bytes, 1, 240);
    }

    [Fact]
    public async Task A_joiner_reading_with_a_state_loader_creates_no_loader_and_the_leaders_loader_runs_once()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, TestChain.Meta(new Cache("local", null)));
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        int[] calls = new int[2];
        static ValueTask<string> Load((int[] Calls, int Index, Task<string> Gate) state, CancellationToken _)
        {
            Interlocked.Increment(ref state.Calls[state.Index]);
            return new ValueTask<string>(state.Gate);
        }

        Task<string> leader = chain.Client.GetAsync(node, (calls, 0, gate.Task), Load).AsTask();
        var joiners = new List<Task<string>>();
        for (int i = 0; i < 100; i++)
        {
            joiners.Add(chain.Client.GetAsync(node with { }, (calls, 1, gate.Task), Load).AsTask()); // also warms up
        }

        // The loader object is made only by a read that leads a flight (a joiner made one, 48 B here, before).
        Assert.Equal(0, AllocationMeter.FewestBytes(() => _ = chain.Client.GetAsync(node, (calls, 1, gate.Task), Load), calls: 1_000));
        gate.SetResult("loaded");

        Assert.All(await Task.WhenAll([leader, .. joiners]), value => Assert.Equal("loaded", value));
        Assert.Equal([1, 0], calls);
        Assert.Equal(0, chain.Source.Total); // the node's own LoadAsync never ran
    }

    [Fact]
    public async Task Set_prefix_changes_every_full_key_and_clears_local_tiers()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, LocalRemote);
        await chain.Client.GetAsync(node);

        chain.Client.SetPrefix("mycache");
        await chain.Client.GetAsync(node);

        Assert.Equal(2, chain.Source.Total);
        Assert.Contains("mycache:item:1:v1", chain.Remote.Keys);
        Assert.Throws<ArgumentException>(() => chain.Client.SetPrefix(" "));
    }

    [Fact]
    public async Task A_read_in_flight_when_the_prefix_changes_leaves_no_copy_under_either_prefix()
    {
        await using var chain = await TestChain.CreateAsync();
        TaskCompletionSource gate = chain.GateSource();
        var node = new ItemNode("1", chain.Source, LocalRemote);
        Task<string> before = await chain.StartReadAsync(node); // loading under the old prefix

        chain.Client.SetPrefix("mycache");
        gate.SetResult();
        Assert.Equal("value:1", await before.WaitAsync(TimeSpan.FromSeconds(30))); // its own caller still gets it

        Assert.False(chain.Local.TryGet(node, out _));
        Assert.Empty(chain.Remote.Keys);
        chain.Source.Suffix = ":new";
        Assert.Equal("value:1:new", await chain.Client.GetAsync(node));
        Assert.Equal(["mycache:item:1:v1"], chain.Remote.Keys);
    }

    [Fact]
    public async Task Built_nodes_have_their_own_configuration_and_stats()
    {
        await using var chain = await TestChain.CreateAsync();
        NodeDefinition<string> first = chain.Client.BuildNode<string>("first", new NodeMeta { Version = "v7", Caches = [new Cache("remote", null)] });
        NodeDefinition<string> second = chain.Client.BuildNode<string>("second", new NodeMeta { Version = "v2", Caches = [new Cache("local", null)] });
        int loads = 0;
        ValueTask<string> Load(CancellationToken _) => ValueTask.FromResult($"n{Interlocked.Increment(ref loads)}");

        Assert.Equal("n1", await chain.Client.GetAsync(first.Create("k", Load)));
        Assert.Equal("n1", await chain.Client.GetAsync(first.Create("k", Load)));
        Assert.Equal("n2", await chain.Client.GetAsync(second.Create("k", Load)));

        Assert.Equal(["cacheme:k:v7"], chain.Remote.Keys);
        Assert.Equal(2, chain.Client.Stats(first).RequestCount);
        Assert.Equal(1, chain.Client.Stats(first).HitCount);
        Assert.Equal(1, chain.Client.Stats(second).RequestCount);
        Assert.Equal(["first", "second"], chain.Client.AllStats().Select(s => s.Node));
        Assert.Empty(chain.Client.Nodes());
        Assert.Throws<ArgumentException>(() => chain.Client.BuildNode<string>("first", new NodeMeta { Caches = [new Cache("local", null)] }));
    }

    [Fact]
    public async Task A_definition_built_on_one_client_and_read_through_another_uses_each_clients_own_tiers_and_stats()
    {
        await using var built = await TestChain.CreateAsync();
        await using var other = await TestChain.CreateAsync();
        NodeDefinition<string> definition = built.Client.BuildNode<string>("shared-def", new NodeMeta { Caches = [new Cache("remote", null)] });
        int loads = 0;
        ValueTask<string> Load(CancellationToken _) => ValueTask.FromResult($"n{Interlocked.Increment(ref loads)}");

        // The definition remembers the runtime of the client that served it first; another client must not take it.
        Assert.Equal("n1", await built.Client.GetAsync(definition.Create("k", Load)));
        Assert.Equal("n2", await other.Client.GetAsync(definition.Create("k", Load)));
        Assert.Equal("n1", await built.Client.GetAsync(definition.Create("k", Load)));
        Assert.Equal("n2", await other.Client.GetAsync(definition.Create("k", Load)));

        Assert.Single(built.Remote.Keys);
        Assert.Single(other.Remote.Keys);
        Assert.Equal((2, 1), (built.Client.Stats(definition).RequestCount, built.Client.Stats(definition).HitCount));
        Assert.Equal((2, 1), (other.Client.Stats(definition).RequestCount, other.Client.Stats(definition).HitCount));
    }

    [Fact]
    public async Task TryGetLocal_reads_a_built_node_from_the_first_local_tier_by_definition_and_key()
    {
        await using var chain = await TestChain.CreateAsync();
        NodeDefinition<string> users = chain.Client.BuildNode<string>("users", new NodeMeta { Caches = [new Cache("local", TimeSpan.FromMinutes(1)), new Cache("remote", null)] });
        NodeDefinition<string> orders = chain.Client.BuildNode<string>("orders", new NodeMeta { Caches = [new Cache("local", null)] });
        static ValueTask<string> Load(CancellationToken _) => ValueTask.FromResult("loaded");

        Assert.False(chain.Client.TryGetLocal(users, "k", out _)); // never served: nothing cached
        Assert.Equal("loaded", await chain.Client.GetAsync(users.Create("k", Load)));

        Assert.True(chain.Client.TryGetLocal(users, "k", out string? value));
        Assert.Equal("loaded", value);
        Assert.False(chain.Client.TryGetLocal(users, "K", out _)); // keys compare ordinally
        await chain.Client.GetAsync(orders.Create("o", Load));
        Assert.False(chain.Client.TryGetLocal(orders, "k", out _)); // another definition's entry with the same key is not this one's
        Assert.Equal((2, 1, 1), (chain.Client.Stats(users).RequestCount, chain.Client.Stats(users).HitCount, chain.Client.Stats(users).MissCount));

        chain.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(chain.Client.TryGetLocal(users, "k", out _)); // expired in the local tier (the remote still has it)
        Assert.Equal(2, chain.Client.Stats(users).RequestCount); // misses are left to the GetAsync that follows

        Assert.Throws<ArgumentNullException>(() => chain.Client.TryGetLocal<string>(null!, "k", out _));
        Assert.Throws<ArgumentException>(() => chain.Client.TryGetLocal(users, "", out _));
    }

    [Fact]
    public async Task TryGetLocal_misses_when_the_first_tier_is_not_local_or_the_client_never_served_the_definition()
    {
        await using var chain = await TestChain.CreateAsync();
        await using var other = await TestChain.CreateAsync();
        NodeDefinition<string> remoteFirst = chain.Client.BuildNode<string>("remote-first", new NodeMeta { Caches = [new Cache("remote", null), new Cache("local", null)] });
        NodeDefinition<string> local = chain.Client.BuildNode<string>("local-only", new NodeMeta { Caches = [new Cache("local", null)] });
        static ValueTask<string> Load(CancellationToken _) => ValueTask.FromResult("v");
        await chain.Client.GetAsync(remoteFirst.Create("k", Load));
        await chain.Client.GetAsync(local.Create("k", Load));

        Assert.False(chain.Client.TryGetLocal(remoteFirst, "k", out _));
        Assert.True(chain.Client.TryGetLocal(local, "k", out _));
        Assert.False(other.Client.TryGetLocal(local, "k", out _)); // the other client's tiers hold nothing of it
    }

    [Fact]
    public async Task TryGetLocal_on_two_threads_while_keys_are_refreshed_and_evicted_returns_only_each_keys_own_values()
    {
        // A 64-entry local tier, 256 keys: reads by probe race with refreshes (new values) and with evictions.
        await using var chain = await TestChain.CreateAsync(localSize: 64);
        NodeDefinition<string> definition = chain.Client.BuildNode<string>("raced", new NodeMeta { Caches = [new Cache("local", null)] });
        int version = 0;
        CacheNode<string> Node(int key) => definition.Create($"k{key}", _ => ValueTask.FromResult($"k{key}:{Interlocked.Increment(ref version)}"));
        await chain.Client.GetAsync(Node(0));

        long hits = 0;
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task Reader(int seed) => Task.Run(async () =>
        {
            await go.Task;
            var random = new Random(seed);
            for (int i = 0; i < 200_000; i++)
            {
                int key = random.Next(256);
                if (chain.Client.TryGetLocal(definition, $"k{key}", out string? value))
                {
                    Assert.StartsWith($"k{key}:", value, StringComparison.Ordinal);
                    Interlocked.Increment(ref hits);
                }
            }
        });

        Task writer = Task.Run(async () =>
        {
            await go.Task;
            for (int i = 0; i < 20_000; i++)
            {
                await chain.Client.RefreshAsync(Node(i % 256));
            }
        });

        Task[] readers = [Reader(1), Reader(2)];
        go.SetResult();
        await Task.WhenAll([.. readers, writer]).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(hits > 0, "no read ever hit");
        Assert.True(chain.Local.Count <= 64);
    }

    [Fact]
    public async Task TryGetLocal_tells_apart_two_keys_whose_hashes_collide()
    {
        await using var chain = await TestChain.CreateAsync();
        NodeDefinition<string> definition = chain.Client.BuildNode<string>("colliding", new NodeMeta { Caches = [new Cache("local", null)] });

        // String hashes are randomised per process, so find two keys whose node hashes collide in this one (32-bit
        // hashes: about 29 colliding pairs are expected among 500,000 keys).
        var seen = new Dictionary<int, string>();
        (string First, string Second)? pair = null;
        for (int i = 0; i < 2_000_000 && pair is null; i++)
        {
            string key = $"k{i}";
            if (!seen.TryAdd(definition.HashOf(key), key))
            {
                pair = (seen[definition.HashOf(key)], key);
            }
        }

        Assert.NotNull(pair);
        (string first, string second) = pair.Value;
        await chain.Client.GetAsync(definition.Create(first, _ => ValueTask.FromResult("first's")));

        Assert.True(chain.Client.TryGetLocal(definition, first, out string? value));
        Assert.Equal("first's", value);
        Assert.False(chain.Client.TryGetLocal(definition, second, out _)); // same hash, same bucket, another key
    }

    [Fact]
    public async Task TryGetLocal_hit_allocates_nothing()
    {
        await using var chain = await TestChain.CreateAsync();
        NodeDefinition<string> definition = chain.Client.BuildNode<string>("built", new NodeMeta { Caches = [new Cache("local", null)] });
        static ValueTask<string> Load(CancellationToken _) => ValueTask.FromResult("v");
        await chain.Client.GetAsync(definition.Create("k", Load));
        for (int i = 0; i < 100; i++)
        {
            Assert.True(chain.Client.TryGetLocal(definition, "k", out _)); // warm up
        }

        Assert.Equal(0, AllocationMeter.FewestBytes(() => Assert.True(chain.Client.TryGetLocal(definition, "k", out _)), calls: 10_000));
    }

    [Fact]
    public async Task After_dispose_a_built_node_is_refused_like_a_typed_node_instead_of_reading_disposed_storages()
    {
        var chain = await TestChain.CreateAsync();
        NodeDefinition<string> definition = chain.Client.BuildNode<string>("built", new NodeMeta { Caches = [new Cache("local", null)] });
        static ValueTask<string> Load(CancellationToken _) => ValueTask.FromResult("v");
        Assert.Equal("v", await chain.Client.GetAsync(definition.Create("k", Load)));
        Assert.Equal("value:1", await chain.Client.GetAsync(new ItemNode("1", chain.Source, LocalRemote)));

        await chain.DisposeAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await chain.Client.GetAsync(new ItemNode("1", chain.Source, LocalRemote)));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await chain.Client.GetAsync(definition.Create("k", Load)));
        Assert.False(chain.Client.TryGetLocal(definition, "k", out _)); // the disposed tier holds nothing
    }

    [Fact]
    public async Task Nodes_lists_the_node_types_served()
    {
        await using var chain = await TestChain.CreateAsync();
        await chain.Client.GetAsync(new ItemNode("1", chain.Source, LocalRemote));
        Assert.Equal([typeof(ItemNode)], chain.Client.Nodes());
    }

    [Fact]
    public async Task A_failing_remote_tier_never_fails_a_read()
    {
        await using var chain = await TestChain.CreateAsync();
        chain.Remote.Failure = new IOException("connection refused");
        var node = new ItemNode("1", chain.Source, LocalRemote);

        Assert.Equal("value:1", await chain.Client.GetAsync(node));
        Assert.Equal(["value:2"], await chain.Client.GetAllAsync([new ItemNode("2", chain.Source, LocalRemote)]));
        Assert.True(chain.Client.Stats<ItemNode>().TierErrorCount >= 2);
    }

    [Fact]
    public async Task Undecodable_remote_value_is_a_miss_that_is_reloaded_and_overwritten()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, RemoteOnly);
        chain.Remote.Plant("cacheme:item:1:v1", Encoding.UTF8.GetBytes("garbage"));

        Assert.Equal("value:1", await chain.Client.GetAsync(node));
        Assert.Equal(1, chain.Client.Stats<ItemNode>().DecodeFailureCount);
        Assert.Equal(1, chain.Source.Total);
        Assert.Equal("value:1", await chain.Client.GetAsync(node));
        Assert.Equal(1, chain.Source.Total);
    }

    [Fact]
    public async Task Bad_input_gives_clear_errors()
    {
        await using var chain = await TestChain.CreateAsync();

        var unregistered = new ItemNode("1", chain.Source, TestChain.Meta(new Cache("nope", null)));
        var e1 = await Assert.ThrowsAsync<InvalidOperationException>(async () => await chain.Client.GetAsync(unregistered));
        Assert.Contains("'nope'", e1.Message);

        var e2 = await Assert.ThrowsAsync<NotSupportedException>(() => chain.Client.RegisterStorageAsync("x", new Storage("ftp://host")));
        Assert.Contains("ftp", e2.Message);

        var e3 = await Assert.ThrowsAsync<NotSupportedException>(() => chain.Client.RegisterStorageAsync("x", new Storage("local://arc")));
        Assert.Contains("arc", e3.Message);

        var empty = new ItemNode("", chain.Source, LocalRemote) { };
        var emptyKey = new EmptyKeyNode();
        var e4 = await Assert.ThrowsAsync<ArgumentException>(async () => await chain.Client.GetAsync(emptyKey));
        Assert.Contains("empty key", e4.Message);

        await Assert.ThrowsAsync<ArgumentNullException>(async () => await chain.Client.GetAsync<string>(null!));
        await Assert.ThrowsAsync<ArgumentException>(async () => await chain.Client.GetAllAsync<string>([empty, null!]));
        Assert.Throws<ArgumentException>(() => new Storage("no-scheme"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Storage("local://lru", size: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Cache("local", TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Cache("local", TimeSpan.MaxValue)); // "forever" is null
        Assert.Equal(Cache.MaxTtl, new Cache("local", Cache.MaxTtl).Ttl);
        Assert.Throws<ArgumentException>(() => new Cache(" ", null));
        NodeDefinition<string> foreverStale = chain.Client.BuildNode<string>(
            "forever-stale", new NodeMeta { Caches = [new Cache("local", Cache.MaxTtl)], FailSafe = TimeSpan.MaxValue });
        var e6 = await Assert.ThrowsAsync<ArgumentException>(async () => await chain.Client.GetAsync(foreverStale.Create("k", _ => ValueTask.FromResult("v"))));
        Assert.Contains("FailSafe", e6.Message);

        var e5 = await Assert.ThrowsAsync<InvalidOperationException>(async () => await chain.Client.GetAsync(new NoCachesNode()));
        Assert.Contains("no caches", e5.Message);
        Assert.Equal(0, chain.Source.Total);
    }

    [Fact]
    public async Task Mongodb_urls_fail_with_the_reason()
    {
        await using var chain = await TestChain.CreateAsync();
        var e = await Assert.ThrowsAsync<NotSupportedException>(() => chain.Client.RegisterStorageAsync("m", new Storage("mongodb://127.0.0.1:27017")));
        Assert.Contains("MongoDB.Bson", e.Message);
    }

    [Fact]
    public async Task Concurrent_gets_and_get_alls_over_many_keys_load_each_key_exactly_once()
    {
        await using var chain = await TestChain.CreateAsync(localSize: 10_000);
        TaskCompletionSource gate = chain.GateSource();
        ItemNode N(int id) => new(id.ToString(), chain.Source, LocalRemote);
        var tasks = new List<Task>();
        for (int worker = 0; worker < 64; worker++)
        {
            int w = worker;
            tasks.Add(Task.Run(async () =>
            {
                var random = new Random(w);
                for (int i = 0; i < 50; i++)
                {
                    if (i % 5 == 0)
                    {
                        await chain.Client.GetAllAsync(Enumerable.Range(0, 8).Select(_ => N(random.Next(200))));
                    }
                    else
                    {
                        await chain.Client.GetAsync(N(random.Next(200)));
                    }
                }
            }));
        }

        await chain.Source.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        gate.SetResult();
        await Task.WhenAll(tasks);

        for (int id = 0; id < 200; id++)
        {
            Assert.True(chain.Source.Calls(id.ToString()) <= 1, $"key {id} loaded {chain.Source.Calls(id.ToString())} times");
        }
    }

    [Fact]
    public async Task A_local_hit_completes_synchronously_and_allocates_nothing()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, LocalRemote);
        await chain.Client.GetAsync(node);
        for (int i = 0; i < 100; i++)
        {
            Assert.True(chain.Client.GetAsync(node).IsCompletedSuccessfully); // warm up: JIT, tiering, counters
        }

        // Not one byte in a whole batch of 10,000 hits (the smallest of five batches, so the runtime's own one-off
        // allocations on this thread, such as tier-1 recompilation landing mid-batch, do not count).
        Assert.Equal(0, AllocationMeter.FewestBytes(() => Assert.True(chain.Client.GetAsync(node).IsCompletedSuccessfully), calls: 10_000));
    }

    private sealed record NoCachesNode : CacheNode<string>
    {
        public override NodeMeta Meta { get; } = new();

        public override string Key() => "k";

        public override ValueTask<string> LoadAsync(CancellationToken cancellationToken) => ValueTask.FromResult("x");
    }

    private sealed record EmptyKeyNode : CacheNode<string>
    {
        public override NodeMeta Meta { get; } = TestChain.Meta(new Cache("local", null));

        public override string Key() => string.Empty;

        public override ValueTask<string> LoadAsync(CancellationToken cancellationToken) => ValueTask.FromResult("x");
    }
}
