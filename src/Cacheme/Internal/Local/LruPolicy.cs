namespace CachemeNet.Internal.Local;

/// <summary>Least-recently-used: one access-ordered queue; the head is evicted.</summary>
internal sealed class LruPolicy<TKey, TValue>(int capacity) : EvictionPolicy<TKey, TValue>(capacity)
    where TKey : notnull
{
    private readonly AccessOrderDeque<TKey, TValue> _queue = new();

    public override int Count => _queue.Count;

    public override void OnAdd(LocalEntry<TKey, TValue> entry)
    {
        entry.Queue = EntryQueue.Window;
        _queue.AddLast(entry);
    }

    public override void OnAccess(LocalEntry<TKey, TValue> entry) => _queue.MoveToLast(entry);

    public override void OnRemove(LocalEntry<TKey, TValue> entry) => _queue.Remove(entry);

    public override void OnReplace(LocalEntry<TKey, TValue> existing, LocalEntry<TKey, TValue> replacement)
    {
        replacement.Queue = existing.Queue;
        _queue.Replace(existing, replacement);
        _queue.MoveToLast(replacement);
    }

    public override LocalEntry<TKey, TValue> EvictOne()
    {
        LocalEntry<TKey, TValue> victim = _queue.First ?? throw new InvalidOperationException("Nothing to evict.");
        _queue.Remove(victim);
        return victim;
    }

    public override void Clear() => _queue.Clear();
}
