using System.Numerics;

namespace CachemeNet.Internal.Local;

/// <summary>
/// Remembers roughly when keys that left the cache were last used, so W-TinyLFU can tell a returning key whose
/// previous use was recent from one seen long ago. Time is the policy's clock (one tick per added entry); it is cut into
/// spans of one capacity of ticks, and each of the last <see cref="Spans"/> spans has a Bloom filter of the keys
/// evicted whose last use fell in it (8 bits per capacity entry, 4 probes: about 2.4 % false positives when full).
/// A look-up answers with the start of the newest span whose filter holds the key, which is never later than the
/// key's own last use there; a false positive can only make a key look used more recently than it was. When the clock
/// enters a new span the oldest filter is cleared and reused, so keys last used more than
/// <see cref="Spans"/> − 1 to <see cref="Spans"/> capacities of ticks ago are forgotten. Memory: 5 bytes per entry of
/// capacity (rounded up to a power of two). Clock stamps are compared by wrapping subtraction, so the 32-bit clock may
/// wrap. Not thread-safe: used under the maintenance lock.
/// </summary>
internal sealed class EvictionHistory
{
    /// <summary>How many spans of one capacity of ticks are remembered.</summary>
    public const int Spans = 5;

    private const int BitsPerEntry = 8;
    private const int Probes = 4;

    private readonly ulong[][] _filters;
    private readonly int[] _starts;
    private readonly int _span;
    private readonly uint _bitMask;
    private readonly ulong _seed;
    private int _newest;

    /// <param name="capacity">The cache's capacity: the length of a span in ticks and the filters' expected keys.</param>
    /// <param name="seed">Seed for the filters' hashing (per instance, so an attacker cannot aim collisions).</param>
    public EvictionHistory(int capacity, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _span = capacity;
        ulong bits = BitOperations.RoundUpToPowerOf2((ulong)Math.Clamp((long)capacity * BitsPerEntry, 64, 1L << 31));
        _bitMask = (uint)(bits - 1);
        _filters = new ulong[Spans][];
        _starts = new int[Spans];
        for (int i = 0; i < Spans; i++)
        {
            _filters[i] = new ulong[bits / 64];
            _starts[i] = (i - (Spans - 1)) * capacity; // the newest span starts at tick 0
        }

        _newest = Spans - 1;
        _seed = (seed * 0xD1B5_4A32_D192_ED03UL) | 1; // not the sketch's seed: its bits and the sketch's counters stay unrelated
    }

    /// <summary>Moves to the span holding <paramref name="clock"/>, forgetting the oldest span for each one entered.</summary>
    public void Advance(int clock)
    {
        for (int entered = 0; clock - _starts[_newest] >= _span && entered < Spans; entered++)
        {
            int oldest = (_newest + 1) % Spans;
            Array.Clear(_filters[oldest]);
            _starts[oldest] = _starts[_newest] + _span;
            _newest = oldest;
        }

        if (clock - _starts[_newest] >= _span)
        {
            // More than the remembered spans passed at once: every filter is already clear, only restart the spans.
            _starts[_newest] = clock;
            for (int age = 1; age < Spans; age++)
            {
                _starts[(_newest - age + Spans) % Spans] = clock - (age * _span);
            }
        }
    }

    /// <summary>Records that the key with <paramref name="hash"/> left the cache, last used at tick <paramref name="lastUsed"/>.</summary>
    public void Record(int hash, int lastUsed)
    {
        for (int age = 0; age < Spans; age++)
        {
            int span = (_newest - age + Spans) % Spans;
            int offset = lastUsed - _starts[span];
            if (offset >= 0)
            {
                if (offset < _span)
                {
                    Add(_filters[span], SeededHash.Mix(hash, _seed));
                }

                return; // in this span, or newer than the clock (not expected): nothing older can hold it
            }
        }

        // Last used before the oldest remembered span: too long ago to matter.
    }

    /// <summary>
    /// The start of the newest remembered span in which the key with <paramref name="hash"/> was last used before it
    /// left, if any filter holds it.
    /// </summary>
    public bool TryGetLastUsed(int hash, out int spanStart)
    {
        ulong mixed = SeededHash.Mix(hash, _seed);
        for (int age = 0; age < Spans; age++)
        {
            int span = (_newest - age + Spans) % Spans;
            if (Contains(_filters[span], mixed))
            {
                spanStart = _starts[span];
                return true;
            }
        }

        spanStart = 0;
        return false;
    }

    /// <summary>Forgets every key.</summary>
    public void Clear()
    {
        foreach (ulong[] filter in _filters)
        {
            Array.Clear(filter);
        }
    }

    private void Add(ulong[] filter, ulong mixed)
    {
        for (int probe = 0; probe < Probes; probe++)
        {
            uint bit = Bit(mixed, probe);
            filter[bit >> 6] |= 1UL << (int)(bit & 63);
        }
    }

    private bool Contains(ulong[] filter, ulong mixed)
    {
        for (int probe = 0; probe < Probes; probe++)
        {
            uint bit = Bit(mixed, probe);
            if ((filter[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Double hashing: probe i is h1 + i × h2 (h2 odd), masked to the filter's power-of-two length.</summary>
    private uint Bit(ulong mixed, int probe) => ((uint)mixed + ((uint)probe * ((uint)(mixed >> 32) | 1))) & _bitMask;
}
