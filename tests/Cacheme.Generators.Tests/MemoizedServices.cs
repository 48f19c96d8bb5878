using System.Collections.Concurrent;
using System.Globalization;

namespace CachemeNet.Generators.Tests;

// Types memoized by the real generator (this project references Cacheme.Generators as an analyzer).

public sealed record UserInfo(int Id, int Version);

/// <summary>A hand-written node for the node form; its own LoadAsync is never used by the memoized method.</summary>
public sealed record UserInfoNode(int UserId) : CacheNode<UserInfo>
{
    private static readonly NodeMeta SharedMeta = new() { Caches = [new Cache("local", null), new Cache("remote", null)] };

    public override NodeMeta Meta => SharedMeta;

    public override string Key() => string.Create(CultureInfo.InvariantCulture, $"node-user:{UserId}");

    public override ValueTask<UserInfo> LoadAsync(CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The memoized method loads with UserService.GetUserByNodeCoreAsync.");
}

/// <summary>Instance methods, both forms, a per-instance client; loads wait on <see cref="Gate"/>.</summary>
public sealed partial class UserService(CachemeClient client)
{
    private readonly CachemeClient _client = client;
    private readonly ConcurrentQueue<int> _loaded = new();
    private int _loadCount;

    /// <summary>Every load waits for this; complete it to let loads finish.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed when a load has observed its cancellation token fire.</summary>
    public TaskCompletionSource LoadCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int LoadCount => Volatile.Read(ref _loadCount);

    public int[] Loaded => [.. _loaded];

    [Memoize("user:{userId}:info", Caches = new[] { "local:30s", "remote:10m" }, Client = nameof(_client))]
    public partial ValueTask<UserInfo> GetUserInfoAsync(int userId, CancellationToken cancellationToken = default);

    [Memoize(typeof(UserInfoNode), Client = nameof(_client))]
    public partial Task<UserInfo> GetUserByNodeAsync(int userId, CancellationToken cancellationToken = default);

    private ValueTask<UserInfo> GetUserInfoCoreAsync(int userId, CancellationToken cancellationToken) => LoadAsync(userId, cancellationToken);

    private async Task<UserInfo> GetUserByNodeCoreAsync(int userId, CancellationToken cancellationToken) => await LoadAsync(userId, cancellationToken);

    private async ValueTask<UserInfo> LoadAsync(int userId, CancellationToken cancellationToken)
    {
        int version = Interlocked.Increment(ref _loadCount);
        _loaded.Enqueue(userId);
        try
        {
            await Gate.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LoadCancelled.TrySetResult();
            throw;
        }

        return new UserInfo(userId, version);
    }
}

/// <summary>Static methods with a static client and a remote-only tier, so every call formats its key.</summary>
public static partial class PriceCatalog
{
    private static readonly ConcurrentQueue<string> LoadedQueue = new();

    public static CachemeClient Client { get; set; } = new();

    public static string[] Loaded => [.. LoadedQueue];

    public static void Reset(CachemeClient client)
    {
        Client = client;
        LoadedQueue.Clear();
    }

    [Memoize("price:{sku}:{ratio}:{at}:{amount}", Version = "v3", Caches = new[] { "remote" }, Client = nameof(Client))]
    public static partial Task<string> GetPriceAsync(string sku, double ratio, DateTime at, decimal amount);

    private static Task<string> GetPriceCoreAsync(string sku, double ratio, DateTime at, decimal amount)
    {
        string text = FormattableString.Invariant($"{sku}|{ratio}|{amount}");
        LoadedQueue.Enqueue(text);
        return Task.FromResult(text);
    }
}
