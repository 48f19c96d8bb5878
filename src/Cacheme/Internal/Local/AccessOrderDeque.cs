namespace CachemeNet.Internal.Local;

/// <summary>
/// One access-ordered queue of entries (head = least recent), threaded through the slots of an
/// <see cref="AccessOrderLinks{TKey, TValue}"/> that several queues of one policy share. An entry is in at most one
/// queue; appending it records this queue as its <see cref="AccessOrderLinks{TKey, TValue}.QueueOf"/>. Not thread-safe.
/// </summary>
internal sealed class AccessOrderDeque<TKey, TValue>(AccessOrderLinks<TKey, TValue> links, EntryQueue queue)
    where TKey : notnull
{
    private int _head = AccessOrderLinks<TKey, TValue>.None;
    private int _tail = AccessOrderLinks<TKey, TValue>.None;

    /// <summary>The least recent entry, or null when empty.</summary>
    public LocalEntry<TKey, TValue>? First => links.EntryAt(_head);

    /// <summary>The most recent entry, or null when empty.</summary>
    public LocalEntry<TKey, TValue>? Last => links.EntryAt(_tail);

    public int Count { get; private set; }

    /// <summary>The entry after <paramref name="entry"/> (more recent), or null at the tail.</summary>
    public LocalEntry<TKey, TValue>? NextOf(LocalEntry<TKey, TValue> entry) => links.EntryAt(links.At(entry.Slot).Next);

    /// <summary>Gives a new <paramref name="entry"/> a slot and appends it.</summary>
    public void AddNew(LocalEntry<TKey, TValue> entry)
    {
        links.Link(entry);
        AddLast(entry);
    }

    /// <summary>Takes <paramref name="entry"/> out of this queue and frees its slot: it is no longer linked.</summary>
    public void Release(LocalEntry<TKey, TValue> entry)
    {
        Remove(entry);
        links.Unlink(entry);
    }

    /// <summary>Appends <paramref name="entry"/>, which has a slot and is in no queue.</summary>
    public void AddLast(LocalEntry<TKey, TValue> entry)
    {
        int slot = entry.Slot;
        ref AccessOrderLinks<TKey, TValue>.Node node = ref links.At(slot);
        node.Previous = _tail;
        node.Next = AccessOrderLinks<TKey, TValue>.None;
        if (_tail == AccessOrderLinks<TKey, TValue>.None)
        {
            _head = slot;
        }
        else
        {
            links.At(_tail).Next = slot;
        }

        _tail = slot;
        links.SetQueue(slot, queue);
        Count++;
    }

    /// <summary>Takes <paramref name="entry"/> out of this queue; it keeps its slot.</summary>
    public void Remove(LocalEntry<TKey, TValue> entry)
    {
        int slot = entry.Slot;
        ref AccessOrderLinks<TKey, TValue>.Node node = ref links.At(slot);
        if (node.Previous == AccessOrderLinks<TKey, TValue>.None)
        {
            _head = node.Next;
        }
        else
        {
            links.At(node.Previous).Next = node.Next;
        }

        if (node.Next == AccessOrderLinks<TKey, TValue>.None)
        {
            _tail = node.Previous;
        }
        else
        {
            links.At(node.Next).Previous = node.Previous;
        }

        node.Previous = AccessOrderLinks<TKey, TValue>.None;
        node.Next = AccessOrderLinks<TKey, TValue>.None;
        links.SetQueue(slot, EntryQueue.None);
        Count--;
    }

    public void MoveToLast(LocalEntry<TKey, TValue> entry)
    {
        if (entry.Slot != _tail)
        {
            Remove(entry);
            AddLast(entry);
        }
    }

    /// <summary>Forgets every entry (the shared links are cleared by their owner).</summary>
    public void Clear()
    {
        _head = AccessOrderLinks<TKey, TValue>.None;
        _tail = AccessOrderLinks<TKey, TValue>.None;
        Count = 0;
    }
}
