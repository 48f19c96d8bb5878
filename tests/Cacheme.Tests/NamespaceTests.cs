using CachemeNet.Tests.Fakes;

namespace CachemeNet.Tests;

public sealed class NamespaceTests
{
    private static readonly NodeMeta Chain = TestChain.Meta(new Cache("local", TimeSpan.FromMinutes(5)), new Cache("remote", TimeSpan.FromHours(1)));

    [Fact]
    public async Task Invalidating_a_namespace_makes_only_its_keys_miss_in_every_tier()
    {
        await using var chain = await TestChain.CreateAsync();
        TenantUserNode N(int tenant, int user) => new(tenant, user, chain.Source, Chain);
        await chain.Client.GetAsync(N(1, 1));
        await chain.Client.GetAsync(N(1, 2));
        await chain.Client.GetAsync(N(2, 1));
        int keysBefore = chain.Remote.Keys.Count;

        await chain.Client.InvalidateNamespaceAsync("tenant:1");
        chain.Source.Suffix = ":after";

        Assert.Equal("value:1/1:after", await chain.Client.GetAsync(N(1, 1)));
        Assert.Equal(["value:1/2:after", "value:2/1"], await chain.Client.GetAllAsync([N(1, 2), N(2, 1)]));
        Assert.Equal(5, chain.Source.Total);
        Assert.Equal(0, chain.Remote.Deletes); // nothing scanned or deleted: old entries expire with their TTL
        Assert.True(chain.Remote.Keys.Count > keysBefore);
    }

    [Fact]
    public async Task Namespace_invalidation_reaches_another_client_on_the_same_shared_tier()
    {
        var time = new ManualTimeProvider();
        var shared = new RecordingRemoteStorage(time);
        var source = new TestSource();
        await using var a = new CachemeClient(new CachemeOptions { TimeProvider = time });
        await using var b = new CachemeClient(new CachemeOptions { TimeProvider = time, NamespaceCacheDuration = TimeSpan.FromSeconds(1) });
        foreach (CachemeClient client in new[] { a, b })
        {
            await client.RegisterStorageAsync("local", new Storage("local://lru", size: 100));
            await client.RegisterStorageAsync("remote", Fakes.TestStorageProvider.For(shared));
        }

        var node = new TenantUserNode(7, 1, source, Chain);
        await a.GetAsync(node);
        await b.GetAsync(node); // remote hit for b
        Assert.Equal(1, source.Total);

        await a.InvalidateNamespaceAsync("tenant:7");
        source.Suffix = ":v2";
        Assert.Equal("value:7/1:v2", await a.GetAsync(node));

        // b trusts its cached namespace version for up to NamespaceCacheDuration, then sees the new one.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("value:7/1:v2", await b.GetAsync(node));
        Assert.Equal(2, source.Total); // b read a's fresh value from the shared tier
    }

    [Fact]
    public async Task Namespaces_work_without_a_remote_tier()
    {
        await using var chain = await TestChain.CreateAsync();
        var meta = TestChain.Meta(new Cache("local", null));
        var node = new TenantUserNode(1, 1, chain.Source, meta);
        await chain.Client.GetAsync(node);
        await chain.Client.GetAsync(node);
        Assert.Equal(1, chain.Source.Total);

        await chain.Client.InvalidateNamespaceAsync("tenant:1");
        await chain.Client.GetAsync(node);
        Assert.Equal(2, chain.Source.Total);
    }

    [Fact]
    public async Task Full_keys_of_namespaced_nodes_carry_the_namespace_version()
    {
        await using var chain = await TestChain.CreateAsync();
        await chain.Client.GetAsync(new TenantUserNode(3, 4, chain.Source, Chain));
        Assert.Equal(["cacheme:tenant:3:user:4:v1:tenant:3@0"], chain.Remote.Keys);
        await Assert.ThrowsAsync<ArgumentException>(() => chain.Client.InvalidateNamespaceAsync(""));
    }
}
