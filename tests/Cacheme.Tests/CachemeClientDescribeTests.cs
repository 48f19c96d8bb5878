namespace CachemeNet.Tests;

/// <summary>CachemeClient.Name and Describe: what the dashboard and the metrics show about a client.</summary>
public sealed class CachemeClientDescribeTests
{
    [Fact]
    public async Task Describe_lists_each_node_with_its_chain_urls_ttls_and_stats()
    {
        await using var chain = await TestChain.CreateAsync();
        var source = new TestSource();
        NodeMeta meta = new() { Name = "Items", Version = "v7", Caches = [new Cache("local", TimeSpan.FromSeconds(30)), new Cache("remote", null)] };
        await chain.Client.GetAsync(new ItemNode("a", source, meta));
        await chain.Client.GetAsync(new ItemNode("a", source, meta));

        NodeReport report = Assert.Single(chain.Client.Describe());
        Assert.Equal("Items", report.Node);
        Assert.Equal(typeof(ItemNode).FullName, report.NodeType);
        Assert.Equal("v7", report.Version);
        Assert.False(report.Doorkeeper);
        Assert.Null(report.FailSafe);
        Assert.Null(report.EagerRefresh);
        Assert.Equal(
            [new TierReport("local", "local", "local://lru", TimeSpan.FromSeconds(30)), new TierReport("remote", "remote", report.Tiers[1].Url, null)],
            report.Tiers);
        Assert.StartsWith("test://", report.Tiers[1].Url, StringComparison.Ordinal);
        Assert.Equal(2, report.Stats.RequestCount);
        Assert.Equal(1, report.Stats.HitCount);
    }

    [Fact]
    public async Task Describe_shows_fail_safe_and_eager_refresh_when_a_node_has_them()
    {
        await using var chain = await TestChain.CreateAsync();
        NodeMeta meta = new() { Caches = [new Cache("local", TimeSpan.FromSeconds(30))], FailSafe = TimeSpan.FromHours(1), EagerRefresh = 0.8 };
        await chain.Client.GetAsync(new ItemNode("a", new TestSource(), meta));

        NodeReport report = Assert.Single(chain.Client.Describe());
        Assert.Equal((TimeSpan.FromHours(1), 0.8), (report.FailSafe, report.EagerRefresh));
    }

    [Fact]
    public void Name_defaults_to_default_and_is_validated()
    {
        Assert.Equal("default", new CachemeClient().Name);
        Assert.Equal("api", new CachemeClient(new CachemeOptions { Name = "api" }).Name);
        Assert.Throws<ArgumentException>(() => new CachemeClient(new CachemeOptions { Name = " " }));
    }
}
