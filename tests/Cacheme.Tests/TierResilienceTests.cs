namespace CachemeNet.Tests;

public sealed class TierResilienceTests
{
    private static readonly NodeMeta RemoteOnly = TestChain.Meta(new Cache("remote", null));

    [Fact]
    public async Task A_failing_tier_opens_its_circuit_is_skipped_and_comes_back_when_it_answers()
    {
        await using var chain = await TestChain.CreateAsync();
        chain.Remote.Failure = new IOException("connection refused");

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal($"value:{i}", await chain.Client.GetAsync(new ItemNode(i.ToString(), chain.Source, RemoteOnly)));
        }

        TierStatus open = chain.Client.Tiers().Single(t => t.Name == "remote");
        Assert.Equal("open", open.Circuit);
        Assert.True(open.Rejected > 0);
        Assert.True(open.DroppedWrites > 0);
        int getsWhileOpen = chain.Remote.Gets;
        await chain.Client.GetAsync(new ItemNode("x", chain.Source, RemoteOnly));
        Assert.Equal(getsWhileOpen, chain.Remote.Gets); // skipped without touching the server
        Assert.True(chain.Client.Stats<ItemNode>().TierErrorCount >= 20);

        chain.Remote.Failure = null;
        chain.Time.Advance(TimeSpan.FromSeconds(2));
        await chain.Client.GetAsync(new ItemNode("y", chain.Source, RemoteOnly));
        Assert.Equal("closed", chain.Client.Tiers().Single(t => t.Name == "remote").Circuit);
        Assert.Contains("cacheme:item:y:v1", chain.Remote.Keys);
    }

    [Fact]
    public async Task A_lease_on_a_tier_whose_circuit_is_open_is_not_asked_for_and_the_load_goes_on()
    {
        await using var chain = await TestChain.CreateAsync();
        var leased = new NodeMeta { Caches = [new Cache("remote", null)], DistributedLoadLease = TimeSpan.FromSeconds(10) };
        chain.Remote.Failure = new IOException("connection refused");
        for (int i = 0; chain.Client.Tiers().Single(t => t.Name == "remote").Circuit != "open"; i++)
        {
            Assert.True(i < 100, "the circuit never opened");
            await chain.Client.GetAsync(new ItemNode($"warm{i}", chain.Source, RemoteOnly));
        }

        int attempts = chain.Remote.LockAttempts;
        NodeDefinition<string> node = chain.Client.BuildNode<string>("leased", leased);
        Assert.Equal("loaded", await chain.Client.GetAsync(node.Create("1", _ => ValueTask.FromResult("loaded"))));

        Assert.Equal(attempts, chain.Remote.LockAttempts); // rejected by the open circuit, not sent to the server
    }

    [Fact]
    public async Task A_slow_tier_times_out_and_the_read_falls_through_to_the_loader()
    {
        await using var chain = await TestChain.CreateAsync();
        chain.Remote.Hang = new TaskCompletionSource().Task; // never answers
        var node = new ItemNode("1", chain.Source, RemoteOnly);

        ValueTask<string> call = chain.Client.GetAsync(node);
        DateTime until = DateTime.UtcNow.AddSeconds(30);
        while (chain.Remote.Gets == 0)
        {
            Assert.True(DateTime.UtcNow < until);
            await Task.Yield();
        }

        Assert.False(call.IsCompleted);
        chain.Time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal("value:1", await call.AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, chain.Client.Tiers().Single(t => t.Name == "remote").Failures);
    }

    [Fact]
    public async Task Resilience_can_be_turned_off()
    {
        await using var client = new CachemeClient(new CachemeOptions { TierResilience = new TierResilienceOptions { Enabled = false } });
        var remote = new Fakes.RecordingRemoteStorage(TimeProvider.System);
        await client.RegisterStorageAsync("remote", Fakes.TestStorageProvider.For(remote));
        Assert.Same(remote, client.GetStorage("remote"));
        Assert.Equal("closed", client.Tiers().Single().Circuit);
    }
}
