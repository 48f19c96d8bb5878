namespace CachemeNet.Internal.Local;

/// <summary>
/// An eviction policy: the access-order bookkeeping behind a bounded cache. Every member is called under the
/// cache's maintenance lock, so implementations need no synchronisation of their own.
/// </summary>
internal abstract class EvictionPolicy<TKey, TValue>
    where TKey : notnull
{
    protected EvictionPolicy(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        Links = new AccessOrderLinks<TKey, TValue>(capacity);
    }

    /// <summary>
    /// The most entries one call moves between queues or passes over with a second chance, so that no maintenance
    /// step does work in proportion to the capacity while holding the cache's lock.
    /// </summary>
    protected const int StepLimit = 1000;

    /// <summary>The access-order links of the policy's queues, kept apart from the entries.</summary>
    protected AccessOrderLinks<TKey, TValue> Links { get; }

    /// <summary>The most entries the cache may hold.</summary>
    public int Capacity { get; }

    /// <summary>Whether <paramref name="entry"/> is linked: false once it was removed, replaced, evicted or cleared.</summary>
    public bool IsLinked(LocalEntry<TKey, TValue> entry) => Links.IsLinked(entry);

    /// <summary>The entries linked.</summary>
    public abstract int Count { get; }

    /// <summary>Links a new entry (a miss that was filled).</summary>
    public abstract void OnAdd(LocalEntry<TKey, TValue> entry);

    /// <summary>
    /// Records a buffered hit on a linked entry (only entries whose <see cref="LocalEntry{TKey, TValue}.BuffersReads"/> is set
    /// are buffered; every hit also bumps the entry's <see cref="LocalEntry{TKey, TValue}.PendingReads"/>).
    /// </summary>
    public abstract void OnAccess(LocalEntry<TKey, TValue> entry);

    /// <summary>
    /// Whether reads of an entry with this hash must reach <see cref="OnAccess"/> through the read buffer; a pure
    /// function of the hash (called without the lock). The default, every read, suits a policy ordered by each read;
    /// a buffer that is full drops reads until the next write drains it.
    /// </summary>
    public virtual bool BuffersReadsOf(int hash) => true;

    /// <summary>Unlinks an entry that was removed or expired.</summary>
    public abstract void OnRemove(LocalEntry<TKey, TValue> entry);

    /// <summary>Puts <paramref name="replacement"/> in the place of <paramref name="existing"/> (an update) and records the access.</summary>
    public abstract void OnReplace(LocalEntry<TKey, TValue> existing, LocalEntry<TKey, TValue> replacement);

    /// <summary>Chooses, unlinks and returns one victim; called while <see cref="Count"/> exceeds <see cref="Capacity"/>.</summary>
    public abstract LocalEntry<TKey, TValue> EvictOne();

    /// <summary>Periodic adaptation after buffered reads were applied.</summary>
    public virtual void Maintain()
    {
    }

    /// <summary>Unlinks every entry.</summary>
    public abstract void Clear();
}
