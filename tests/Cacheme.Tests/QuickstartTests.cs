using CachemeNet;

namespace QuickstartApp; // a user namespace: a namespace starting with "Cacheme" would shadow the Cacheme class

public sealed record UserInfo(int Id, string Name);

public static class Db
{
    private static int _loads;

    public static int Loads => Volatile.Read(ref _loads);

    public static ValueTask<UserInfo> GetUserAsync(int userId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _loads);
        return ValueTask.FromResult(new UserInfo(userId, $"user {userId}"));
    }
}

// The README's quickstart node, verbatim: it must compile with the single `using CachemeNet;` above.
public sealed record UserInfoNode(int UserId) : CacheNode<UserInfo>
{
    static readonly NodeMeta Config = new()
    {
        Version = "v1",
        Caches = [new Cache("local", TimeSpan.FromSeconds(30)), new Cache("shared", TimeSpan.FromDays(10))],
        Serializer = Serializers.Json,
        Doorkeeper = new BloomFilter(100_000, 0.01),
    };
    public override NodeMeta Meta => Config;
    public override string Key() => $"user:{UserId}:info";
    public override ValueTask<UserInfo> LoadAsync(CancellationToken cancellationToken) => Db.GetUserAsync(UserId, cancellationToken);
}

/// <summary>The only tests that use the process-wide default client.</summary>
public sealed class QuickstartTests
{
    [Fact]
    public async Task The_readme_quickstart_runs_as_written()
    {
        await Cacheme.RegisterStorageAsync("local", new Storage("local://tlfu", size: 10_000));
        await Cacheme.RegisterStorageAsync("shared", new Storage("local://lru", size: 100_000)); // in production a remote tier: "redis://host:6379"
        UserInfo one = await Cacheme.GetAsync(new UserInfoNode(1));
        IReadOnlyList<UserInfo> many = await Cacheme.GetAllAsync([new UserInfoNode(1), new UserInfoNode(2), new UserInfoNode(1)]);
        await Cacheme.InvalidateAsync(new UserInfoNode(1));
        await Cacheme.RefreshAsync(new UserInfoNode(1));
        await Cacheme.SetAsync(new UserInfoNode(2), new UserInfo(2, "renamed")); // write-through after changing the source
        NodeStats stats = Cacheme.Stats<UserInfoNode>();
        IReadOnlyList<Type> nodes = Cacheme.Nodes();
        Cacheme.SetPrefix("mycache");

        Assert.Equal(new UserInfo(1, "user 1"), one);
        Assert.Equal([new UserInfo(1, "user 1"), new UserInfo(2, "user 2"), new UserInfo(1, "user 1")], many);
        Assert.Contains(typeof(UserInfoNode), nodes);
        Assert.Equal("mycache", Cacheme.Default.Prefix);

        // The doorkeeper kept user 1 out of the tiers on its first load, so get_all loaded it again (and then cached it);
        // refresh loaded it a third time. User 2 was loaded once.
        Assert.Equal(4, Db.Loads);
        Assert.Equal(5, stats.RequestCount);
        Assert.Equal(4, stats.LoadCount);
    }
}
