namespace CachemeNet;

/// <summary>
/// A thread-safe Bloom filter used as a node's doorkeeper (from the TinyLFU paper): a key loaded for the first time is only
/// remembered here, not cached, so keys requested once never displace useful entries. The filter clears itself when its
/// insertions reach <see cref="Capacity"/>, so it keeps tracking recent keys.
/// </summary>
public sealed class BloomFilter
{
    private readonly long[] _words;
    private readonly int _hashCount;
    private readonly ulong _bitCount;
    private long _insertions;

    /// <summary>Creates a filter sized for <paramref name="capacity"/> keys at the given false-positive rate.</summary>
    /// <param name="capacity">Insertions before the filter clears itself; at least 1.</param>
    /// <param name="falsePositiveRate">Wanted false-positive rate at capacity, between 0 and 1 exclusive.</param>
    public BloomFilter(int capacity, double falsePositiveRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        if (!(falsePositiveRate > 0 && falsePositiveRate < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(falsePositiveRate), falsePositiveRate, "The false-positive rate must be between 0 and 1, exclusive.");
        }

        double bits = Math.Ceiling(-capacity * Math.Log(falsePositiveRate) / (Math.Log(2) * Math.Log(2)));
        long words = Math.Max(1, (long)Math.Ceiling(bits / 64));
        _words = new long[words];
        _bitCount = (ulong)words * 64;
        _hashCount = Math.Clamp((int)Math.Round(bits / capacity * Math.Log(2)), 1, 16);
        Capacity = capacity;
        FalsePositiveRate = falsePositiveRate;
    }

    /// <summary>Insertions after which the filter clears itself.</summary>
    public int Capacity { get; }

    /// <summary>The configured false-positive rate.</summary>
    public double FalsePositiveRate { get; }

    /// <summary>Insertions since the last clear.</summary>
    public long Insertions => Interlocked.Read(ref _insertions);

    /// <summary>Whether the key may have been added (false positives at the configured rate; no false negatives).</summary>
    /// <param name="key">The key.</param>
    public bool Contains(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        (ulong h1, ulong h2) = Hash(key);
        for (int i = 0; i < _hashCount; i++)
        {
            ulong bit = (h1 + ((ulong)i * h2)) % _bitCount;
            if ((Volatile.Read(ref _words[bit >> 6]) & (1L << (int)(bit & 63))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Adds the key and returns whether it was (probably) present before.</summary>
    /// <param name="key">The key.</param>
    public bool CheckAndAdd(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        (ulong h1, ulong h2) = Hash(key);
        bool present = true;
        for (int i = 0; i < _hashCount; i++)
        {
            ulong bit = (h1 + ((ulong)i * h2)) % _bitCount;
            long mask = 1L << (int)(bit & 63);
            long before = Interlocked.Or(ref _words[bit >> 6], mask);
            present &= (before & mask) != 0;
        }

        if (!present && Interlocked.Increment(ref _insertions) >= Capacity)
        {
            Clear();
        }

        return present;
    }

    /// <summary>Forgets every key.</summary>
    public void Clear()
    {
        Array.Clear(_words);
        Interlocked.Exchange(ref _insertions, 0);
    }

    private static (ulong, ulong) Hash(string key)
    {
        // FNV-1a over UTF-16 code units, then two SplitMix64 finalisers for double hashing.
        ulong h = 14695981039346656037UL;
        foreach (char c in key)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        ulong h1 = Mix(h);
        ulong h2 = Mix(h ^ 0x9E3779B97F4A7C15UL) | 1;
        return (h1, h2);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
