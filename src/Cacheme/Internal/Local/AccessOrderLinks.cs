namespace CachemeNet.Internal.Local;

/// <summary>
/// The access-order links of every entry a policy holds, kept in arrays apart from the entries. A policy relinks an
/// entry on every applied read; were the links fields of the entry, the maintenance thread would write the very cache
/// line a reader on another core is reading (key, hash, value), and each such read would wait for the line to come
/// back. Here an entry only holds its <see cref="LocalEntry{TKey, TValue}.Slot"/>, written once when it is linked, and
/// the maintenance thread's writes land in these arrays, which readers never touch. Slots are recycled through a free
/// list; an entry is linked while its slot points back at it, so a late buffered read of a removed or replaced entry
/// is recognised even after its slot was reused. Not thread-safe (used under the maintenance lock).
/// </summary>
/// <param name="capacity">The policy's capacity: the arrays grow by doubling to at most one slot more than this (a new
/// entry is linked before the excess is evicted).</param>
internal sealed class AccessOrderLinks<TKey, TValue>(int capacity)
    where TKey : notnull
{
    /// <summary>No slot: the end of a queue or of the free list.</summary>
    public const int None = -1;

    private const int InitialLength = 16;

    private readonly int _maximumLength = (int)Math.Min((long)capacity + 1, Array.MaxLength);

    private Node[] _nodes = new Node[InitialLength];
    private EntryQueue[] _queues = new EntryQueue[InitialLength];
    private int _used;
    private int _free = None;

    /// <summary>Whether <paramref name="entry"/> is linked (not yet removed, replaced or evicted).</summary>
    public bool IsLinked(LocalEntry<TKey, TValue> entry)
    {
        int slot = entry.Slot;
        return (uint)slot < (uint)_used && _nodes[slot].Entry == entry;
    }

    /// <summary>The queue <paramref name="entry"/> is in, or <see cref="EntryQueue.None"/> when it is not linked.</summary>
    public EntryQueue QueueOf(LocalEntry<TKey, TValue> entry) => IsLinked(entry) ? _queues[entry.Slot] : EntryQueue.None;

    /// <summary>Gives <paramref name="entry"/> a slot, in no queue yet.</summary>
    public void Link(LocalEntry<TKey, TValue> entry)
    {
        int slot = _free;
        if (slot != None)
        {
            _free = _nodes[slot].Next;
        }
        else
        {
            if (_used == _nodes.Length)
            {
                int length = (int)Math.Min(_nodes.Length * 2L, Array.MaxLength);
                if (length > _maximumLength && _maximumLength > _nodes.Length)
                {
                    length = _maximumLength;
                }

                Array.Resize(ref _nodes, length);
                Array.Resize(ref _queues, length);
            }

            slot = _used++;
        }

        _nodes[slot] = new Node { Entry = entry, Previous = None, Next = None };
        _queues[slot] = EntryQueue.None;
        entry.Slot = slot;
    }

    /// <summary>Frees the slot of <paramref name="entry"/>, which must be in no queue.</summary>
    public void Unlink(LocalEntry<TKey, TValue> entry)
    {
        int slot = entry.Slot;
        _nodes[slot] = new Node { Entry = null, Previous = None, Next = _free };
        _queues[slot] = EntryQueue.None;
        _free = slot;
    }

    /// <summary>Puts <paramref name="replacement"/> in the slot (and so the queue position) of <paramref name="existing"/>, which is no longer linked.</summary>
    public void Replace(LocalEntry<TKey, TValue> existing, LocalEntry<TKey, TValue> replacement)
    {
        int slot = existing.Slot;
        _nodes[slot].Entry = replacement;
        replacement.Slot = slot;
    }

    /// <summary>Frees every slot.</summary>
    public void Clear()
    {
        Array.Clear(_nodes, 0, _used);
        Array.Clear(_queues, 0, _used);
        _used = 0;
        _free = None;
    }

    /// <summary>The slots allocated (for tests).</summary>
    internal int Length => _nodes.Length;

    internal LocalEntry<TKey, TValue>? EntryAt(int slot) => slot == None ? null : _nodes[slot].Entry;

    internal ref Node At(int slot) => ref _nodes[slot];

    internal void SetQueue(int slot, EntryQueue queue) => _queues[slot] = queue;

    /// <summary>One entry's neighbours in its queue, as slots.</summary>
    internal struct Node
    {
        public LocalEntry<TKey, TValue>? Entry;
        public int Previous;
        public int Next;
    }
}
