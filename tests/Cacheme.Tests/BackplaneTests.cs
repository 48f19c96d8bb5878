using CachemeNet.Tests.Fakes;

namespace CachemeNet.Tests;

public sealed class BackplaneTests
{
    private static readonly NodeMeta Chain = TestChain.Meta(new Cache("local", TimeSpan.FromMinutes(5)), new Cache("remote", TimeSpan.FromHours(1)));

    private static async Task<(CachemeClient A, CachemeClient B, RecordingRemoteStorage Shared, ManualTimeProvider Time)> TwoInstancesAsync(bool backplane = true)
    {
        var time = new ManualTimeProvider();
        var shared = new RecordingRemoteStorage(time);
        var hub = new InMemoryBackplaneHub();
        var clients = new CachemeClient[2];
        for (int i = 0; i < 2; i++)
        {
            clients[i] = new CachemeClient(new CachemeOptions { TimeProvider = time, NamespaceCacheDuration = TimeSpan.FromMinutes(10) });
            await clients[i].RegisterStorageAsync("local", new Storage("local://lru", size: 100));
            await clients[i].RegisterStorageAsync("remote", TestStorageProvider.For(shared));
            if (backplane)
            {
                await clients[i].AttachBackplaneAsync(hub.Join());
            }
        }

        return (clients[0], clients[1], shared, time);
    }

    [Fact]
    public async Task Invalidate_and_refresh_in_one_instance_drop_the_other_instances_local_copy()
    {
        var (a, b, _, _) = await TwoInstancesAsync();
        var source = new TestSource();
        var node = new ItemNode("1", source, Chain);
        await a.GetAsync(node);
        await b.GetAsync(node);

        source.Suffix = ":v2";
        Assert.Equal("value:1:v2", await a.RefreshAsync(node));
        Assert.Equal(1, b.InvalidationsReceived);
        Assert.Equal("value:1:v2", await b.GetAsync(node)); // b's local copy is gone; it reads a's fresh value
        Assert.Equal(2, source.Total);

        await b.InvalidateAsync(node);
        Assert.Equal(1, a.InvalidationsReceived);
        Assert.Equal("value:1:v2", await a.GetAsync(node));
        Assert.Equal(3, source.Total);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_cancelled_invalidation_or_set_still_clears_locals_and_tells_other_instances(bool set)
    {
        // A Redis command is not called back when its caller's token fires: the delete or write may land after the
        // caller gave up. So the change is published anyway, and the caller then sees its cancellation.
        var (a, b, shared, _) = await TwoInstancesAsync();
        var source = new TestSource();
        var node = new ItemNode("1", source, Chain);
        await a.GetAsync(node);
        await b.GetAsync(node); // b holds value:1 locally

        var wire = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancel = new CancellationTokenSource();
        if (set)
        {
            shared.WriteHang = wire.Task;
        }
        else
        {
            shared.DeleteHang = wire.Task;
        }

        int writes = shared.Sets;
        Task change = set ? a.SetAsync(node, "value:1:set", cancel.Token).AsTask() : a.InvalidateAsync(node, cancel.Token).AsTask();
        await Poll.UntilAsync(() => set ? shared.Sets > writes : shared.Deletes == 1, "the change leaving");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => change.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, b.InvalidationsReceived);
        Assert.False(((ILocalStorage)b.GetStorage("local")!).TryGet(node, out _));
        Assert.False(((ILocalStorage)a.GetStorage("local")!).TryGet(node, out _)); // a set that was cancelled writes no local copy
    }

    [Fact]
    public async Task An_all_message_drops_every_local_entry_and_detaches_reads_in_flight()
    {
        var (a, _, shared, _) = await TwoInstancesAsync(backplane: false);
        var source = new TestSource();
        await a.GetAsync(new ItemNode("1", source, Chain));
        await a.GetAsync(new ItemNode("2", source, Chain));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Gate = gate.Task;
        Task<string> reading = a.GetAsync(new ItemNode("3", source, Chain)).AsTask();
        await source.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // What a backplane hands its own handler after it reconnects (never published: the sender is empty).
        var hub = new InMemoryBackplaneHub();
        ICacheBackplane other = hub.Join();
        await a.AttachBackplaneAsync(hub.Join());
        await other.PublishAsync(new CacheInvalidation(CacheInvalidationKind.All, "", "", 0), default);
        gate.SetResult();
        await reading.WaitAsync(TimeSpan.FromSeconds(30));

        var local = (ILocalStorage)a.GetStorage("local")!;
        Assert.Equal(0, local.Count);
        Assert.DoesNotContain("cacheme:item:3:v1", shared.Keys); // the detached read wrote nothing back
    }

    [Fact]
    public async Task An_invalidation_from_another_instance_during_a_copy_between_local_tiers_leaves_no_copy()
    {
        var (a, b, _, _) = await TwoInstancesAsync();
        var local2 = new HookedLocalStorage();
        await a.RegisterStorageAsync("local2", TestStorageProvider.For(local2));
        await b.RegisterStorageAsync("local2", new Storage("local://lru", size: 100));
        var source = new TestSource();
        var node = new ItemNode("1", source, TestChain.Meta(new Cache("local", null), new Cache("local2", null)));
        await a.GetAsync(node);
        var aLocal = (ILocalStorage)a.GetStorage("local")!;
        aLocal.Remove(node); // only a's second local tier has it now

        // b's invalidation reaches a (synchronously, through the in-memory hub) after a's read of local2 found the
        // value and before a copies it to its first tier.
        local2.AfterNextHit(() => Assert.True(b.InvalidateAsync(node).IsCompletedSuccessfully));
        Assert.Equal("value:1", await a.GetAsync(node));

        Assert.Equal(1, a.InvalidationsReceived);
        Assert.False(aLocal.TryGet(node, out _));
        Assert.Equal(0, local2.Count);
    }

    [Fact]
    public async Task An_invalidation_from_another_instance_during_a_load_leaves_no_local_copy_of_the_older_value()
    {
        var (a, b, _, _) = await TwoInstancesAsync();
        var source = new TestSource();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Gate = gate.Task;
        var node = new ItemNode("1", source, Chain);
        Task<string> bLoads = b.GetAsync(node).AsTask();
        await source.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await a.InvalidateAsync(node); // the source changed after b's load read it
        await Poll.UntilAsync(() => b.InvalidationsReceived == 1, "b receiving the invalidation");
        gate.SetResult();

        Assert.Equal("value:1", await bLoads);
        source.Suffix = ":v2";
        Assert.Equal("value:1:v2", await b.GetAsync(node)); // not b's older value, from a local copy or the shared tier
        Assert.Equal(2, source.Total);
    }

    [Fact]
    public async Task SetAsync_in_one_instance_drops_the_other_instances_local_copy()
    {
        var (a, b, _, _) = await TwoInstancesAsync();
        var source = new TestSource();
        var node = new ItemNode("1", source, Chain);
        await a.GetAsync(node);
        await b.GetAsync(node);

        await a.SetAsync(node, "set");
        Assert.Equal(1, b.InvalidationsReceived);
        Assert.Equal("set", await b.GetAsync(node)); // from the shared tier
        Assert.Equal("set", await a.GetAsync(node));
        Assert.Equal(1, source.Total);
    }

    [Fact]
    public async Task A_write_back_taken_out_after_an_invalidation_is_published_so_other_instances_drop_copies_of_it()
    {
        var (a, b, shared, _) = await TwoInstancesAsync();
        var source = new TestSource();
        var node = new ItemNode("1", source, Chain);
        var wire = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        shared.WriteHang = wire.Task;
        Assert.Equal("value:1", await a.GetAsync(node)); // its write-back to the shared tier is on the wire
        await Poll.UntilAsync(() => shared.Sets == 1, "a's write-back leaving");

        await a.InvalidateAsync(node);
        Assert.Equal(1, b.InvalidationsReceived);
        shared.WriteHang = null;
        wire.SetResult(); // lands after the delete: a takes it out again, and b may have read it meanwhile

        await Poll.UntilAsync(() => b.InvalidationsReceived == 2, "b hearing of the value taken out");
        Assert.Empty(shared.Keys);
    }

    [Fact]
    public async Task Without_a_backplane_the_other_instance_keeps_its_local_copy()
    {
        var (a, b, _, _) = await TwoInstancesAsync(backplane: false);
        var source = new TestSource();
        var node = new ItemNode("1", source, Chain);
        await a.GetAsync(node);
        await b.GetAsync(node);
        source.Suffix = ":v2";
        await a.RefreshAsync(node);
        Assert.Equal("value:1", await b.GetAsync(node)); // the case the backplane exists for
    }

    [Fact]
    public async Task Namespace_invalidation_reaches_the_other_instance_at_once()
    {
        var (a, b, _, _) = await TwoInstancesAsync();
        var source = new TestSource();
        var node = new TenantUserNode(9, 1, source, Chain);
        await a.GetAsync(node);
        await b.GetAsync(node);

        await a.InvalidateNamespaceAsync("tenant:9");
        source.Suffix = ":v2";

        // NamespaceCacheDuration is 10 minutes here: only the backplane can make b see the new version now.
        Assert.Equal("value:9/1:v2", await b.GetAsync(node));
    }

    [Fact]
    public async Task Distributed_load_lease_lets_only_one_instance_load()
    {
        var (a, b, shared, time) = await TwoInstancesAsync();
        var meta = new NodeMeta { Caches = [new Cache("local", null), new Cache("remote", null)], DistributedLoadLease = TimeSpan.FromSeconds(10) };
        var source = new TestSource();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Gate = gate.Task;
        var node = new ItemNode("1", source, meta);

        ValueTask<string> first = a.GetAsync(node);
        await source.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        ValueTask<string> second = b.GetAsync(node);
        await Poll.UntilAsync(() => time.ActiveTimers > 0); // b holds no lease and waits for a's value

        gate.SetResult();
        Assert.Equal("value:1", await first);
        await Poll.UntilAsync(() => shared.Keys.Contains("cacheme:item:1:v1")); // a's callers get the value before its write-back ends
        time.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Equal("value:1", await second.AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, source.Total);
        Assert.Equal(1, b.Stats<ItemNode>().TierHits["remote"]);
        Assert.DoesNotContain(shared.Keys, k => k.EndsWith(":lock", StringComparison.Ordinal)); // released
    }

    [Fact]
    public async Task A_miss_that_takes_the_lease_after_another_instance_loaded_the_key_takes_its_value()
    {
        var (_, b, shared, time) = await TwoInstancesAsync();
        var meta = new NodeMeta { Caches = [new Cache("local", null), new Cache("remote", null)], DistributedLoadLease = TimeSpan.FromSeconds(10) };
        var source = new TestSource();
        var node = new ItemNode("1", source, meta);
        // The other instance loads the key, writes it and releases its lease between b's miss and b's lease.
        shared.BeforeLock = _ => shared.Plant("cacheme:item:1:v1", CachemeNet.Internal.RemoteEnvelope.Encode(Serializers.Json, "loaded elsewhere", time.GetUtcNow()));

        Assert.Equal("loaded elsewhere", await b.GetAsync(node));
        Assert.Equal(0, source.Total);
        Assert.Equal(1, b.Stats<ItemNode>().TierHits["remote"]);
        Assert.DoesNotContain(shared.Keys, k => k.EndsWith(":lock", StringComparison.Ordinal)); // released
        shared.BeforeLock = null;
        Assert.Equal("loaded elsewhere", await b.GetAsync(node)); // and copied to b's local tier
        Assert.Equal(1, b.Stats<ItemNode>().TierHits["local"]);
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_when_its_holder_died()
    {
        var (_, b, shared, time) = await TwoInstancesAsync();
        var meta = new NodeMeta { Caches = [new Cache("remote", null)], DistributedLoadLease = TimeSpan.FromSeconds(1) };
        var source = new TestSource();
        var node = new ItemNode("1", source, meta);
        Assert.NotNull(await shared.TryLockAsync("cacheme:item:1:v1:lock", TimeSpan.FromSeconds(1), default)); // a dead holder

        ValueTask<string> call = b.GetAsync(node);
        for (int i = 0; i < 60 && !call.IsCompleted; i++)
        {
            await Poll.UntilAsync(() => time.ActiveTimers > 0 || call.IsCompleted);
            time.Advance(TimeSpan.FromMilliseconds(20));
        }

        Assert.Equal("value:1", await call.AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, source.Total);
    }
}
