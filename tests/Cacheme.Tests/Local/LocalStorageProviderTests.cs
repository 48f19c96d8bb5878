using CachemeNet.Internal.Local;

namespace CachemeNet.Tests.Local;

public sealed class LocalStorageProviderTests
{
    private sealed record UserNode(int Id);

    [Theory]
    [InlineData("local://lru")]
    [InlineData("local://tlfu")]
    public async Task Creates_a_bounded_storage_keyed_by_node_records(string url)
    {
        var time = new ManualTimeProvider();
        ICacheStorage storage = await new LocalStorageProvider().CreateAsync(new Storage(url, 50), new StorageContext("local", time, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance), CancellationToken.None);
        var local = Assert.IsType<ILocalStorage>(storage, exactMatch: false);
        for (int i = 0; i < 200; i++)
        {
            local.Set(new UserNode(i), $"user {i}", TimeSpan.FromSeconds(30));
            Assert.True(local.Count <= 50);
        }

        // An equal record (a different instance) finds the entry: no key string is built.
        local.Set(new UserNode(7), "seven", TimeSpan.FromSeconds(30));
        Assert.True(local.TryGet(new UserNode(7), out object? value));
        Assert.Equal("seven", value);
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.False(local.TryGet(new UserNode(7), out _));
        await storage.DisposeAsync();
    }

    [Fact]
    public async Task Rejects_an_unknown_policy()
    {
        await Assert.ThrowsAsync<NotSupportedException>(async () =>
            await new LocalStorageProvider().CreateAsync(new Storage("local://fifo"), new StorageContext("local", new ManualTimeProvider(), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance), CancellationToken.None));
    }
}
