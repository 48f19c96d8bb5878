using System.Numerics;

namespace CachemeNet.Internal.Local;

/// <summary>
/// A count-min sketch of 4-bit counters estimating how often a key hash was seen recently. Each 64-bit slot
/// holds sixteen counters; a hash picks one counter in each of four slots. After a sample of ten increments per
/// cache entry every counter is halved, so old popularity fades. Hashes are mixed with a per-instance random
/// seed, so an attacker cannot choose keys that collide. Not thread-safe (used under the maintenance lock).
/// </summary>
internal sealed class FrequencySketch
{
    private const long HalfMask = 0x7777_7777_7777_7777L;
    private const long OneMask = 0x1111_1111_1111_1111L;
    private const int MaxCount = 15;

    private readonly long[] _table;
    private readonly int _tableMask;
    private readonly ulong _seed;
    private int _additions;

    /// <param name="capacity">
    /// The cache capacity; the sketch holds 16 counters per entry, rounded up to a power of two, and ages after ten
    /// increments per entry.
    /// </param>
    /// <param name="seed">Random seed that keys the hash mixing.</param>
    /// <param name="minimumSlots">
    /// The fewest 64-bit slots (of sixteen counters each) the table has, whatever the capacity: a small cache's sketch
    /// can be wider than its capacity asks, for fewer collisions, while it still ages after ten increments per entry.
    /// </param>
    public FrequencySketch(int capacity, ulong seed, int minimumSlots = 8)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minimumSlots);
        int length = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Math.Max(capacity, minimumSlots), 8, 1 << 28));
        _table = new long[length];
        _tableMask = length - 1;
        _seed = seed | 1;
        SampleSize = (int)Math.Min(10L * capacity, int.MaxValue);
    }

    /// <summary>The table's 64-bit slots, sixteen 4-bit counters each.</summary>
    public int Slots => _table.Length;

    /// <summary>The number of counted increments after which every counter is halved.</summary>
    public int SampleSize { get; }

    /// <summary>The estimated recent frequency of <paramref name="hash"/>, 0 to 15.</summary>
    public int Frequency(int hash)
    {
        ulong mixed = SeededHash.Mix(hash, _seed);
        int min = MaxCount;
        for (int depth = 0; depth < 4; depth++)
        {
            (int index, int shift) = Slot(mixed, depth);
            min = Math.Min(min, (int)((ulong)_table[index] >> shift) & MaxCount);
        }

        return min;
    }

    /// <summary>Counts one occurrence of <paramref name="hash"/> in each of its four counters that is not saturated.</summary>
    public void Increment(int hash)
    {
        ulong mixed = SeededHash.Mix(hash, _seed);
        bool added = false;
        for (int depth = 0; depth < 4; depth++)
        {
            (int index, int shift) = Slot(mixed, depth);
            if (((ulong)_table[index] >> shift & MaxCount) != MaxCount)
            {
                _table[index] += 1L << shift;
                added = true;
            }
        }

        if (added && ++_additions >= SampleSize)
        {
            Halve();
        }
    }

    /// <summary>
    /// Counts <paramref name="count"/> occurrences of <paramref name="hash"/> at once: the same counters and the same
    /// progress towards halving as that many calls to <see cref="Increment"/>.
    /// </summary>
    public void Add(int hash, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return;
        }

        ulong mixed = SeededHash.Mix(hash, _seed);
        int added = 0;
        for (int depth = 0; depth < 4; depth++)
        {
            (int index, int shift) = Slot(mixed, depth);
            int current = (int)((ulong)_table[index] >> shift) & MaxCount;
            int raised = Math.Min(MaxCount, current + count);
            _table[index] += (long)(raised - current) << shift;
            added = Math.Max(added, raised - current);
        }

        _additions += added;
        if (_additions >= SampleSize)
        {
            Halve();
        }
    }

    /// <summary>Halves every counter (the "reset" that ages the sketch).</summary>
    public void Halve()
    {
        int odd = 0;
        for (int i = 0; i < _table.Length; i++)
        {
            odd += BitOperations.PopCount((ulong)(_table[i] & OneMask));
            _table[i] = (_table[i] >>> 1) & HalfMask;
        }

        _additions = Math.Max(0, (_additions - (odd >> 2)) >> 1);
    }

    /// <summary>Sets every counter to zero.</summary>
    public void Clear()
    {
        Array.Clear(_table);
        _additions = 0;
    }

    private (int Index, int Shift) Slot(ulong mixed, int depth)
    {
        ulong h = (mixed + ((ulong)depth * 0xD6E8_FEB8_6659_FD93UL)) * 0x94D0_49BB_1331_11EBUL;
        h ^= h >> 31;
        int index = (int)(h >> 34) & _tableMask;
        int shift = (int)(h & 15) << 2;
        return (index, shift);
    }
}
