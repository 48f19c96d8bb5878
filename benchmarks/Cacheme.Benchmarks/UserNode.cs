namespace CachemeNet.Benchmarks;

/// <summary>
/// The hit benchmarks' node: a user id, read through the tiers of <paramref name="Config"/> (a shared static
/// <see cref="NodeMeta"/>, so nodes with the same id and configuration are the same cache entry); it loads "user".
/// </summary>
/// <param name="Id">The user id.</param>
/// <param name="Config">The node's tiers and options.</param>
public sealed record UserNode(int Id, NodeMeta Config) : CacheNode<string>
{
    public override NodeMeta Meta => Config;

    public override string Key() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"user:{Id}");

    public override ValueTask<string> LoadAsync(CancellationToken cancellationToken) => ValueTask.FromResult("user");
}
