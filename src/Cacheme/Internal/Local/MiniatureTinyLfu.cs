namespace CachemeNet.Internal.Local;

/// <summary>
/// A keys-only Window TinyLFU with a fixed admission window, used to ask "what would the hit ratio be with this
/// window share?" without holding any value. It follows the same rules as <see cref="WindowTinyLfuPolicy{TKey, TValue}"/>
/// (LRU window, segmented main space, admission by the frequency sketch) on key hashes, in flat arrays: one slot per
/// entry plus one spare for the entry being admitted. Not thread-safe (used under the maintenance lock).
/// </summary>
internal sealed class MiniatureTinyLfu
{
    private const byte None = 0;
    private const byte Window = 1;
    private const byte Probation = 2;
    private const byte Protected = 3;

    private readonly int _capacity;
    private readonly int _windowMaximum;
    private readonly int _protectedMaximum;
    private readonly Dictionary<int, int> _slots;
    private readonly int[] _hashes;
    private readonly int[] _previous;
    private readonly int[] _next;
    private readonly byte[] _queues;
    private readonly int[] _heads = [-1, -1, -1, -1];
    private readonly int[] _tails = [-1, -1, -1, -1];
    private readonly int[] _counts = new int[4];
    private readonly FrequencySketch _sketch;
    private int _used;
    private int _free = -1;

    /// <param name="capacity">The most keys held.</param>
    /// <param name="windowShare">The admission window's share of <paramref name="capacity"/> (0 to 1), sized by <see cref="WindowTinyLfuLayout.WindowSize"/>.</param>
    /// <param name="seed">Seed for the frequency sketch.</param>
    public MiniatureTinyLfu(int capacity, double windowShare, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        WindowTinyLfuLayout.ValidateShare(windowShare, nameof(windowShare));
        _capacity = capacity;
        _windowMaximum = WindowTinyLfuLayout.WindowSize(capacity, windowShare);
        _protectedMaximum = WindowTinyLfuLayout.ProtectedMaximum(capacity, _windowMaximum);
        _slots = new Dictionary<int, int>(capacity + 1);
        _hashes = new int[capacity + 1];
        _previous = new int[capacity + 1];
        _next = new int[capacity + 1];
        _queues = new byte[capacity + 1];
        _sketch = new FrequencySketch(capacity, seed);
    }

    /// <summary>The keys held (never more than the capacity).</summary>
    public int Count => _slots.Count;

    /// <summary>Records a request for <paramref name="hash"/>; returns whether it hit.</summary>
    public bool Access(int hash)
    {
        _sketch.Increment(hash);
        if (_slots.TryGetValue(hash, out int slot))
        {
            switch (_queues[slot])
            {
                case Probation:
                    Unlink(slot);
                    Link(Protected, slot);
                    while (_counts[Protected] > _protectedMaximum)
                    {
                        Move(_heads[Protected], Probation);
                    }

                    break;
                default:
                    Move(slot, _queues[slot]);
                    break;
            }

            return true;
        }

        if (_free >= 0)
        {
            slot = _free;
            _free = -1;
        }
        else
        {
            slot = _used++;
        }

        _hashes[slot] = hash;
        _slots.Add(hash, slot);
        Link(Window, slot);
        if (_slots.Count > _capacity)
        {
            EvictOne();
        }

        return false;
    }

    /// <summary>Moves the window's overflow to probation and evicts the loser of candidate against victim.</summary>
    private void EvictOne()
    {
        int candidate = -1;
        while (_counts[Window] > _windowMaximum)
        {
            candidate = _heads[Window];
            Move(candidate, Probation);
        }

        int victim = _heads[Probation];
        if (victim < 0)
        {
            victim = _heads[Protected] >= 0 ? _heads[Protected] : _heads[Window];
        }
        else if (candidate >= 0 && candidate != victim && _sketch.Frequency(_hashes[candidate]) <= _sketch.Frequency(_hashes[victim]))
        {
            victim = candidate;
        }

        Unlink(victim);
        _slots.Remove(_hashes[victim]);
        _free = victim;
    }

    private void Move(int slot, byte queue)
    {
        Unlink(slot);
        Link(queue, slot);
    }

    private void Link(byte queue, int slot)
    {
        _queues[slot] = queue;
        _previous[slot] = _tails[queue];
        _next[slot] = -1;
        if (_tails[queue] < 0)
        {
            _heads[queue] = slot;
        }
        else
        {
            _next[_tails[queue]] = slot;
        }

        _tails[queue] = slot;
        _counts[queue]++;
    }

    private void Unlink(int slot)
    {
        byte queue = _queues[slot];
        if (_previous[slot] < 0)
        {
            _heads[queue] = _next[slot];
        }
        else
        {
            _next[_previous[slot]] = _next[slot];
        }

        if (_next[slot] < 0)
        {
            _tails[queue] = _previous[slot];
        }
        else
        {
            _previous[_next[slot]] = _previous[slot];
        }

        _queues[slot] = None;
        _counts[queue]--;
    }
}
