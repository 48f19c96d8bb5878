namespace CachemeNet.Internal.Local;

/// <summary>
/// Least-recently-used, approximated by CLOCK (second chance) so that a hit takes no lock and writes no buffer: a
/// read only bumps the entry's <see cref="LocalEntry{TKey, TValue}.PendingReads"/>. One queue holds the entries in
/// insertion order; to evict, the head is examined, and an entry read since the policy last looked moves to the tail
/// (its reads cleared) instead of leaving, so an entry leaves only after a full pass in which nobody read it. Writes
/// (adds and updates) move an entry to the tail at once. Each eviction passes over at most <see cref="EvictionPolicy{TKey, TValue}.StepLimit"/>
/// read entries (then the head leaves, read or not), and every entry passed over used up a read, so eviction is O(1)
/// amortised and bounded.
/// </summary>
internal sealed class LruPolicy<TKey, TValue> : EvictionPolicy<TKey, TValue>
    where TKey : notnull
{
    private readonly AccessOrderDeque<TKey, TValue> _queue;

    public LruPolicy(int capacity)
        : base(capacity)
    {
        _queue = new(Links, EntryQueue.Window);
    }

    public override int Count => _queue.Count;

    /// <summary>False: reads are counted on the entries, never buffered.</summary>
    public override bool BuffersReadsOf(int hash) => false;

    public override void OnAdd(LocalEntry<TKey, TValue> entry)
    {
        _queue.AddNew(entry);
    }

    /// <summary>Not reached through the cache (reads are not buffered); moves the entry to the tail, as a read would.</summary>
    public override void OnAccess(LocalEntry<TKey, TValue> entry) => _queue.MoveToLast(entry);

    public override void OnRemove(LocalEntry<TKey, TValue> entry) => _queue.Release(entry);

    public override void OnReplace(LocalEntry<TKey, TValue> existing, LocalEntry<TKey, TValue> replacement)
    {
        Links.Replace(existing, replacement);
        _queue.MoveToLast(replacement);
    }

    public override LocalEntry<TKey, TValue> EvictOne()
    {
        int secondChances = Math.Min(_queue.Count, StepLimit);
        while (true)
        {
            LocalEntry<TKey, TValue> victim = _queue.First ?? throw new InvalidOperationException("Nothing to evict.");
            if (secondChances > 0 && victim.TakePendingReads() > 0)
            {
                secondChances--;
                _queue.MoveToLast(victim);
                continue;
            }

            _queue.Release(victim);
            return victim;
        }
    }

    public override void Clear()
    {
        _queue.Clear();
        Links.Clear();
    }
}
