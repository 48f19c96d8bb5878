namespace CachemeNet.Tests;

public sealed class FailSafeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static NodeMeta Meta(TimeSpan? failover = null, TimeSpan? hard = null) => new()
    {
        Caches = [new Cache("local", TimeSpan.FromSeconds(10)), new Cache("remote", TimeSpan.FromSeconds(60))],
        FailSafe = TimeSpan.FromHours(1),
        FailoverTimeout = failover,
        HardTimeout = hard,
    };

    [Fact]
    public async Task Fresh_values_are_served_without_loading()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, Meta());
        await chain.Client.GetAsync(node);
        chain.Time.Advance(TimeSpan.FromSeconds(9));
        await chain.Client.GetAsync(node);
        Assert.Equal(1, chain.Source.Total);
    }

    [Fact]
    public async Task A_throwing_loader_with_a_stale_value_present_serves_the_stale_value()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, Meta());
        Assert.Equal("value:1", await chain.Client.GetAsync(node));
        chain.Time.Advance(TimeSpan.FromSeconds(61));
        chain.Source.Failure = new InvalidOperationException("source down");

        Assert.Equal("value:1", await chain.Client.GetAsync(node));
        Assert.Equal("value:1", (await chain.Client.GetAllAsync([node]))[0]);

        NodeStats stats = chain.Client.Stats<ItemNode>();
        Assert.Equal(2, stats.StaleServedCount);
        Assert.Equal(2, stats.LoadFailureCount);
    }

    [Fact]
    public async Task Without_a_stale_value_the_loaders_exception_reaches_the_caller()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, Meta());
        await chain.Client.GetAsync(node);
        chain.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(61)); // past TTL + fail-safe: gone everywhere
        chain.Source.Failure = new InvalidOperationException("source down");

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await chain.Client.GetAsync(node));
        Assert.Equal(0, chain.Client.Stats<ItemNode>().StaleServedCount);
    }

    [Fact]
    public async Task A_hanging_loader_serves_stale_after_the_failover_timeout_then_refreshes_in_the_background()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, Meta(failover: TimeSpan.FromMilliseconds(200)));
        await chain.Client.GetAsync(node);
        chain.Time.Advance(TimeSpan.FromSeconds(61));

        TaskCompletionSource gate = chain.GateSource();
        chain.Source.Suffix = ":new";
        int loadsBefore = chain.Source.Total;
        ValueTask<string> call = chain.Client.GetAsync(node);
        await Poll.UntilAsync(() => chain.Source.Total > loadsBefore);

        chain.Time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.False(call.IsCompleted);
        chain.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("value:1", await call.AsTask().WaitAsync(Deadline));
        Assert.Equal(1, chain.Client.Stats<ItemNode>().StaleServedCount);

        // A caller arriving while the load still runs joins it and gets the stale value, without a second load.
        Assert.Equal("value:1", await chain.Client.GetAsync(node).AsTask().WaitAsync(Deadline));

        gate.SetResult();
        await Poll.UntilAsync(() => chain.Client.Runtime(node).InFlightCount == 0);
        Assert.Equal("value:1:new", await chain.Client.GetAsync(node));
        Assert.Equal(2, chain.Source.Total);
    }

    [Fact]
    public async Task Hard_timeout_fails_the_call_when_no_value_exists()
    {
        await using var chain = await TestChain.CreateAsync();
        TaskCompletionSource gate = chain.GateSource();
        var node = new ItemNode("1", chain.Source, Meta(hard: TimeSpan.FromSeconds(1)));

        ValueTask<string> call = chain.Client.GetAsync(node);
        await chain.Source.Started.Task.WaitAsync(Deadline);
        chain.Time.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<TimeoutException>(() => call.AsTask().WaitAsync(Deadline));
        Assert.Equal(1, chain.Client.Stats<ItemNode>().MissCount);
        Assert.True(chain.Source.Tokens.TryPeek(out CancellationToken loadToken));
        Assert.True(loadToken.IsCancellationRequested); // the only waiter left, so the load was abandoned
    }

    [Fact]
    public async Task Stored_ttl_includes_the_fail_safe_window()
    {
        await using var chain = await TestChain.CreateAsync();
        var node = new ItemNode("1", chain.Source, Meta());
        await chain.Client.GetAsync(node);

        chain.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(chain.Remote.Raw("cacheme:item:1:v1"));
        Assert.True(chain.Local.TryGet(node, out _));
    }
    [Fact]
    public async Task On_the_system_clock_a_local_value_is_fresh_until_its_precise_ttl_and_reloaded_after()
    {
        // Far from expiry a local read checks only the coarse clock; near it, the precise one.
        await using var client = new CachemeClient();
        await client.RegisterStorageAsync("local", new Storage("local://tlfu", 100));
        TimeSpan ttl = TimeSpan.FromMilliseconds(120);
        NodeDefinition<int> definition = client.BuildNode<int>("fail-safe-clock", new NodeMeta { Caches = [new Cache("local", ttl)], FailSafe = TimeSpan.FromHours(1) });
        int loads = 0;
        CacheNode<int> node = definition.Create("k", _ => ValueTask.FromResult(Interlocked.Increment(ref loads)));
        int last = 0;

        await ExpiryProbe.AssertExactAsync(
            ttl,
            async () => Assert.Equal(1, await client.GetAsync(node)),
            async () => (last = await client.GetAsync(node)) == 1);

        Assert.Equal(2, last); // reloaded once past the TTL
    }
}
