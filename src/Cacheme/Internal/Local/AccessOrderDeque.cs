namespace CachemeNet.Internal.Local;

/// <summary>An intrusive doubly-linked list of entries in access order (head = least recent). Not thread-safe.</summary>
internal sealed class AccessOrderDeque<TKey, TValue>
    where TKey : notnull
{
    public LocalEntry<TKey, TValue>? First { get; private set; }

    public LocalEntry<TKey, TValue>? Last { get; private set; }

    public int Count { get; private set; }

    public void AddLast(LocalEntry<TKey, TValue> entry)
    {
        entry.Previous = Last;
        entry.Next = null;
        if (Last is null)
        {
            First = entry;
        }
        else
        {
            Last.Next = entry;
        }

        Last = entry;
        Count++;
    }

    public void Remove(LocalEntry<TKey, TValue> entry)
    {
        if (entry.Previous is null)
        {
            First = entry.Next;
        }
        else
        {
            entry.Previous.Next = entry.Next;
        }

        if (entry.Next is null)
        {
            Last = entry.Previous;
        }
        else
        {
            entry.Next.Previous = entry.Previous;
        }

        entry.Previous = null;
        entry.Next = null;
        Count--;
    }

    public void MoveToLast(LocalEntry<TKey, TValue> entry)
    {
        if (entry != Last)
        {
            Remove(entry);
            AddLast(entry);
        }
    }

    /// <summary>Puts <paramref name="replacement"/> where <paramref name="existing"/> was.</summary>
    public void Replace(LocalEntry<TKey, TValue> existing, LocalEntry<TKey, TValue> replacement)
    {
        replacement.Previous = existing.Previous;
        replacement.Next = existing.Next;
        if (existing.Previous is null)
        {
            First = replacement;
        }
        else
        {
            existing.Previous.Next = replacement;
        }

        if (existing.Next is null)
        {
            Last = replacement;
        }
        else
        {
            existing.Next.Previous = replacement;
        }

        existing.Previous = null;
        existing.Next = null;
    }

    /// <summary>Unlinks every entry, marking each retired.</summary>
    public void Clear()
    {
        LocalEntry<TKey, TValue>? entry = First;
        while (entry is not null)
        {
            LocalEntry<TKey, TValue>? next = entry.Next;
            entry.Previous = null;
            entry.Next = null;
            entry.Queue = EntryQueue.Retired;
            entry = next;
        }

        First = null;
        Last = null;
        Count = 0;
    }
}
