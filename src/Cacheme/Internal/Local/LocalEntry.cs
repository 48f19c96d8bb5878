namespace CachemeNet.Internal.Local;

/// <summary>Which access-order queue an entry is linked into.</summary>
internal enum EntryQueue : byte
{
    /// <summary>Created, not yet linked by a policy.</summary>
    None,

    /// <summary>The W-TinyLFU admission window (also the single LRU queue).</summary>
    Window,

    /// <summary>The probation segment of the main space.</summary>
    Probation,

    /// <summary>The protected segment of the main space.</summary>
    Protected,

    /// <summary>Removed, replaced or evicted: late buffered reads of it are ignored.</summary>
    Retired,
}

/// <summary>
/// One immutable key/value pair with its expiry, plus the intrusive links the policy and the timer wheel
/// keep under the maintenance lock. Updating a key replaces the whole entry, so a reader never sees a torn value.
/// </summary>
internal sealed class LocalEntry<TKey, TValue>(TKey key, TValue value, int hash, long expiresAt)
    where TKey : notnull
{
    /// <summary>The expiry of an entry that never expires.</summary>
    public const long NoExpiry = long.MaxValue;

    public TKey Key { get; } = key;

    public TValue Value { get; } = value;

    /// <summary>The key's hash from the cache's comparer, computed once on write.</summary>
    public int Hash { get; } = hash;

    /// <summary>Clock ticks (100 ns) after which the entry is expired, or <see cref="NoExpiry"/>.</summary>
    public long ExpiresAt { get; } = expiresAt;

    public LocalEntry<TKey, TValue>? Previous { get; set; }

    public LocalEntry<TKey, TValue>? Next { get; set; }

    public LocalEntry<TKey, TValue>? TimerPrevious { get; set; }

    public LocalEntry<TKey, TValue>? TimerNext { get; set; }

    /// <summary>The queue the entry is in; changed only under the maintenance lock.</summary>
    public EntryQueue Queue { get; set; }
}
