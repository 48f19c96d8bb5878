namespace CachemeNet.Internal.Local;

/// <summary>Least-recently-used: one access-ordered queue; the head is evicted.</summary>
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

    public override void OnAdd(LocalEntry<TKey, TValue> entry)
    {
        _queue.AddNew(entry);
    }

    public override void OnAccess(LocalEntry<TKey, TValue> entry) => _queue.MoveToLast(entry);

    public override void OnRemove(LocalEntry<TKey, TValue> entry) => _queue.Release(entry);

    public override void OnReplace(LocalEntry<TKey, TValue> existing, LocalEntry<TKey, TValue> replacement)
    {
        Links.Replace(existing, replacement);
        _queue.MoveToLast(replacement);
    }

    public override LocalEntry<TKey, TValue> EvictOne()
    {
        LocalEntry<TKey, TValue> victim = _queue.First ?? throw new InvalidOperationException("Nothing to evict.");
        _queue.Release(victim);
        return victim;
    }

    public override void Clear()
    {
        _queue.Clear();
        Links.Clear();
    }
}
