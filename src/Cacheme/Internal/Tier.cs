namespace CachemeNet.Internal;

/// <summary>One resolved tier of a node's chain: exactly one of <see cref="Local"/> and <see cref="Remote"/> is set.</summary>
internal sealed class Tier(string name, TimeSpan? ttl, ICacheStorage storage)
{
    public string Name { get; } = name;

    public TimeSpan? Ttl { get; } = ttl;

    public ILocalStorage? Local { get; } = storage as ILocalStorage;

    public IRemoteStorage? Remote { get; } = storage as IRemoteStorage
        ?? (storage is ILocalStorage ? null : throw new InvalidOperationException($"Storage '{name}' is neither an ILocalStorage nor an IRemoteStorage."));

    /// <summary>The storage's lease support, when it has one (used by distributed singleflight), behind its resilience.</summary>
    public IRemoteLockStorage? Lock { get; } = LockOf(storage);

    private static IRemoteLockStorage? LockOf(ICacheStorage storage) => storage switch
    {
        ResilientRemoteStorage resilient => resilient.Lock,
        CoalescingRemoteStorage coalescing => LockOf(coalescing.Inner),
        _ => storage as IRemoteLockStorage,
    };

    /// <summary>The backend under Cacheme's own decorators (resilience, coalescing).</summary>
    public static ICacheStorage Unwrap(ICacheStorage storage) => storage switch
    {
        ResilientRemoteStorage resilient => Unwrap(resilient.Inner),
        CoalescingRemoteStorage coalescing => Unwrap(coalescing.Inner),
        _ => storage,
    };
}
