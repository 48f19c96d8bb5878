namespace CachemeNet.Internal.Local;

/// <summary>Creates <c>local://lru</c> and <c>local://tlfu</c> storages.</summary>
internal sealed class LocalStorageProvider : IStorageProvider
{
    public const int DefaultSize = 10_000;

    public IReadOnlyList<string> Schemes { get; } = ["local"];

    public ValueTask<ICacheStorage> CreateAsync(Storage storage, StorageContext context, CancellationToken cancellationToken)
    {
        string policy = storage.Url[(storage.Scheme.Length + 3)..].TrimEnd('/').ToLowerInvariant();
        int size = storage.Size ?? DefaultSize;
        if (size <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(storage), size, $"Local storage '{storage.RedactedUrl}' needs a positive size.");
        }

        ICacheStorage created = policy switch
        {
            "lru" or "tlfu" => LocalCacheStorage.Create(policy, size, context.TimeProvider),
            _ => throw new NotSupportedException($"Unknown local storage policy '{policy}' in '{storage.RedactedUrl}'; use local://lru or local://tlfu."),
        };
        return ValueTask.FromResult(created);
    }
}
