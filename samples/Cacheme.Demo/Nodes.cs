using CachemeNet;

namespace CachemeDemo;

/// <summary>A user profile, as a typical service would cache it.</summary>
public sealed record UserInfo(int Id, string Name, string Email, DateTimeOffset CreatedAt);

/// <summary>A product page's data.</summary>
public sealed record Product(int Id, string Title, decimal Price, string[] Tags);

/// <summary>A pretend database with latency; counts its queries.</summary>
public static class FakeDatabase
{
    private static long _queries;

    public static long Queries => Interlocked.Read(ref _queries);

    public static async ValueTask<UserInfo> GetUserAsync(int id, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _queries);
        await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
        return new UserInfo(id, $"user-{id}", $"user{id}@example.com", DateTimeOffset.UnixEpoch.AddDays(id));
    }

    public static async ValueTask<IReadOnlyList<Product>> GetProductsAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _queries);
        await Task.Delay(TimeSpan.FromMilliseconds(8), cancellationToken);
        return [.. ids.Select(id => new Product(id, $"product-{id}", 9.99m + id, ["demo", $"group-{id % 7}"]))];
    }
}

/// <summary>User profiles: a local W-TinyLFU tier in front of the shared tier, with a doorkeeper.</summary>
public sealed record UserInfoNode(int UserId) : CacheNode<UserInfo>
{
    private static readonly NodeMeta Config = new()
    {
        Version = "v1",
        Caches = [new Cache("local", TimeSpan.FromSeconds(30)), new Cache("shared", TimeSpan.FromDays(10))],
        Serializer = Serializers.Json,
        Doorkeeper = new BloomFilter(100_000, 0.01),
    };

    /// <inheritdoc />
    public override NodeMeta Meta => Config;

    /// <inheritdoc />
    public override string Key() => $"user:{UserId}:info";

    /// <inheritdoc />
    public override ValueTask<UserInfo> LoadAsync(CancellationToken cancellationToken) => FakeDatabase.GetUserAsync(UserId, cancellationToken);
}

/// <summary>Products, read in batches with one query per batch.</summary>
public sealed record ProductNode(int ProductId) : CacheNode<Product>, IBatchLoadNode<ProductNode, Product>
{
    private static readonly NodeMeta Config = new()
    {
        Version = "v2",
        Caches = [new Cache("local", TimeSpan.FromSeconds(10)), new Cache("shared", TimeSpan.FromHours(1))],
    };

    /// <inheritdoc />
    public override NodeMeta Meta => Config;

    /// <inheritdoc />
    public override string Key() => $"product:{ProductId}";

    /// <inheritdoc />
    public override async ValueTask<Product> LoadAsync(CancellationToken cancellationToken) =>
        (await FakeDatabase.GetProductsAsync([ProductId], cancellationToken))[0];

    /// <inheritdoc />
    public static ValueTask<IReadOnlyList<Product>> LoadAllAsync(IReadOnlyList<ProductNode> nodes, CancellationToken cancellationToken) =>
        FakeDatabase.GetProductsAsync([.. nodes.Select(n => n.ProductId)], cancellationToken);
}
