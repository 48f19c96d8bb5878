namespace CachemeNet.Internal.Local;

/// <summary>
/// A keys-only Window TinyLFU with a fixed admission window, used to ask "what would the hit ratio be with this
/// window share?" without holding any value. It follows the same rules as <see cref="WindowTinyLfuPolicy{TKey, TValue}"/>
/// (LRU window, segmented main space, admission by the frequency sketch) on key hashes, in flat arrays: one slot per
/// entry plus one spare for the entry being admitted. A <em>stale-evicting twin</em> (<see cref="StaleEvictingTwin"/>) also
/// applies the real policy's optional rule that evicts protected's oldest key instead of the probation victim when that
/// key was last used earlier and the sketch rates it no higher, and reads its partner's sketch instead of keeping one.
/// Not thread-safe (used under the maintenance lock).
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
    private readonly bool _ownsSketch;
    private readonly int[]? _lastUsed; // a stale-evicting twin's: the tick of each slot's last request
    private int _clock; // a stale-evicting twin's: one tick per key added, as in the real policy
    private int _used;
    private int _free = -1;

    /// <param name="capacity">The most keys held.</param>
    /// <param name="windowShare">The admission window's share of <paramref name="capacity"/> (0 to 1), sized by <see cref="WindowTinyLfuLayout.WindowSize"/>.</param>
    /// <param name="seed">Seed for the frequency sketch.</param>
    public MiniatureTinyLfu(int capacity, double windowShare, ulong seed)
        : this(capacity, WindowMaximum(capacity, windowShare), new FrequencySketch(capacity, seed), staleEvictingTwin: false)
    {
    }

    /// <summary>The one constructor that lays out the slots: a plain miniature keeps <paramref name="sketch"/>, a twin reads its partner's.</summary>
    private MiniatureTinyLfu(int capacity, int windowMaximum, FrequencySketch sketch, bool staleEvictingTwin)
    {
        _capacity = capacity;
        _windowMaximum = windowMaximum;
        _protectedMaximum = WindowTinyLfuLayout.ProtectedMaximum(capacity, windowMaximum);
        _slots = new Dictionary<int, int>(capacity + 1);
        _hashes = new int[capacity + 1];
        _previous = new int[capacity + 1];
        _next = new int[capacity + 1];
        _queues = new byte[capacity + 1];
        _sketch = sketch;
        _ownsSketch = !staleEvictingTwin;
        _lastUsed = staleEvictingTwin ? new int[capacity + 1] : null;
    }

    /// <summary>Whether this miniature evicts stale protected keys (a twin made by <see cref="StaleEvictingTwin"/>).</summary>
    public bool EvictsStaleProtected => _lastUsed is not null;

    /// <summary>
    /// A miniature with this one's capacity and window that also evicts stale protected keys. It shares this miniature's
    /// frequency sketch, which this one counts: give every request to this miniature first, then to the twin (both see
    /// the same requests, so the sketch is what the twin's own would be).
    /// </summary>
    public MiniatureTinyLfu StaleEvictingTwin() => _ownsSketch
        ? new MiniatureTinyLfu(_capacity, _windowMaximum, _sketch, staleEvictingTwin: true)
        : throw new InvalidOperationException("A twin reads its partner's sketch; make twins from a miniature that keeps its own.");

    private static int WindowMaximum(int capacity, double windowShare)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        WindowTinyLfuLayout.ValidateShare(windowShare, nameof(windowShare));
        return WindowTinyLfuLayout.WindowSize(capacity, windowShare);
    }

    /// <summary>The keys held (never more than the capacity).</summary>
    public int Count => _slots.Count;

    /// <summary>Records a request for <paramref name="hash"/>; returns whether it hit.</summary>
    public bool Access(int hash)
    {
        if (_ownsSketch)
        {
            _sketch.Increment(hash);
        }

        if (_slots.TryGetValue(hash, out int slot))
        {
            if (_lastUsed is not null)
            {
                _lastUsed[slot] = _clock;
            }

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
        if (_lastUsed is not null)
        {
            _lastUsed[slot] = ++_clock;
        }

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
        int oldestProtected = _heads[Protected];
        if (victim < 0)
        {
            victim = oldestProtected >= 0 ? oldestProtected : _heads[Window];
        }
        else if (_lastUsed is not null && oldestProtected >= 0 && _lastUsed[oldestProtected] - _lastUsed[victim] < 0
            && _sketch.Frequency(_hashes[oldestProtected]) <= _sketch.Frequency(_hashes[victim]))
        {
            victim = oldestProtected; // the candidate, if any, stays on probation
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
