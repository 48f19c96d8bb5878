namespace CachemeNet;

/// <summary>One tier of a node's chain: a registered storage name and the time to live of values written there.</summary>
/// <param name="Storage">The name the storage was registered under with <see cref="CachemeClient.RegisterStorageAsync"/>.</param>
/// <param name="Ttl">How long a value written to this tier lives; <see langword="null"/> means no expiry. Millisecond precision.</param>
public sealed record Cache(string Storage, TimeSpan? Ttl)
{
    /// <summary>The storage name.</summary>
    public string Storage { get; init; } = !string.IsNullOrWhiteSpace(Storage)
        ? Storage
        : throw new ArgumentException("A cache tier needs a storage name.", nameof(Storage));

    /// <summary>
    /// The longest TTL a tier accepts (and the longest fail-safe window, <see cref="NodeMeta.FailSafe"/>): 100 years, so
    /// that expiry times stay within every storage's range. For no expiry, give <see langword="null"/>.
    /// </summary>
    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(36_500);

    /// <summary>The time to live, or <see langword="null"/> for none.</summary>
    public TimeSpan? Ttl { get; init; } = Ttl is null || (Ttl > TimeSpan.Zero && Ttl <= MaxTtl)
        ? Ttl
        : throw new ArgumentOutOfRangeException(nameof(Ttl), Ttl, $"A TTL must be positive and at most {MaxTtl.TotalDays:0} days, or null for no expiry.");
}
