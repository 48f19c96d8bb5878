using System.Numerics;
using System.Runtime.CompilerServices;

namespace CachemeNet.Internal.Local;

/// <summary>
/// A chained hash table whose nodes are the entries themselves (linked by <see cref="LocalEntry{TKey, TValue}.HashNext"/>),
/// so an entry costs one object and one bucket slot. Lookups take no lock; every change is made by one writer at a
/// time (the cache's maintenance lock). A writer publishes a new node only after linking it, and an unlinked node keeps
/// its link onward, so a reader walking a chain never falls off it. Growing the table relinks nodes, so it is guarded
/// by a sequence number: a reader that misses while the table grew looks again.
/// </summary>
internal sealed class EntryTable<TKey, TValue>
    where TKey : notnull
{
    private const int MinimumLength = 16;

    /// <summary>Null when the key type is a value type using the default comparer (the JIT then inlines it).</summary>
    private readonly IEqualityComparer<TKey>? _comparer;
    private readonly int _maximumLength;
    private LocalEntry<TKey, TValue>?[] _buckets;
    private int _count;
    private int _version;

    /// <param name="capacity">The most entries the table will hold: it never grows beyond one bucket per entry.</param>
    /// <param name="comparer">The key comparer, or null for the default.</param>
    public EntryTable(int capacity, IEqualityComparer<TKey>? comparer)
    {
        _comparer = typeof(TKey).IsValueType && (comparer is null || ReferenceEquals(comparer, EqualityComparer<TKey>.Default))
            ? null
            : comparer ?? EqualityComparer<TKey>.Default;
        _maximumLength = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(capacity, MinimumLength, 1 << 30));
        _buckets = new LocalEntry<TKey, TValue>?[MinimumLength];
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>The hash of <paramref name="key"/> under this table's comparer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int HashOf(TKey key) => typeof(TKey).IsValueType && _comparer is null
        ? EqualityComparer<TKey>.Default.GetHashCode(key)
        : _comparer!.GetHashCode(key);

    /// <summary>Finds the entry of <paramref name="key"/> without taking a lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public LocalEntry<TKey, TValue>? Find(TKey key) => Find(key, HashOf(key));

    /// <summary>Finds the entry of <paramref name="key"/>, whose <see cref="HashOf"/> is <paramref name="hash"/>, without taking a lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public LocalEntry<TKey, TValue>? Find(TKey key, int hash) => Find(new SameKey(this, key), hash);

    /// <summary>
    /// Finds the entry whose key <paramref name="probe"/> matches, without taking a lock and without the key itself: a
    /// caller that knows a key's parts (a node definition and a key string) looks its entry up without building the key.
    /// <paramref name="hash"/> must be the <see cref="HashOf"/> of the keys the probe matches.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public LocalEntry<TKey, TValue>? Find<TProbe>(TProbe probe, int hash)
        where TProbe : struct, IKeyProbe<TKey>
    {
        while (true)
        {
            int version = Volatile.Read(ref _version);
            LocalEntry<TKey, TValue>?[] buckets = Volatile.Read(ref _buckets);
            LocalEntry<TKey, TValue>? entry = Volatile.Read(ref buckets[Index(hash, buckets.Length)]);
            while (entry is not null)
            {
                if (entry.Hash == hash && probe.Matches(entry.Key))
                {
                    return entry;
                }

                entry = Volatile.Read(ref entry.HashNext);
            }

            if ((version & 1) == 0 && version == Volatile.Read(ref _version))
            {
                return null;
            }

            Thread.SpinWait(1); // the table grew under us: look again
        }
    }

    /// <summary>Finds the entry of <paramref name="key"/>; writer only.</summary>
    public LocalEntry<TKey, TValue>? FindLocked(TKey key, int hash)
    {
        for (LocalEntry<TKey, TValue>? entry = _buckets[Index(hash, _buckets.Length)]; entry is not null; entry = entry.HashNext)
        {
            if (entry.Hash == hash && KeyEquals(entry.Key, key))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>Adds <paramref name="entry"/>, whose key is not in the table; writer only.</summary>
    public void Add(LocalEntry<TKey, TValue> entry)
    {
        if (_count >= _buckets.Length && _buckets.Length < _maximumLength)
        {
            Grow();
        }

        ref LocalEntry<TKey, TValue>? head = ref _buckets[Index(entry.Hash, _buckets.Length)];
        entry.HashNext = head;
        Volatile.Write(ref head, entry);
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>Puts <paramref name="replacement"/> (same key) in the place of <paramref name="existing"/>; writer only.</summary>
    public void Replace(LocalEntry<TKey, TValue> existing, LocalEntry<TKey, TValue> replacement)
    {
        replacement.HashNext = existing.HashNext;
        Volatile.Write(ref LinkTo(existing), replacement);
    }

    /// <summary>Unlinks <paramref name="entry"/> if it is in the table; writer only.</summary>
    public bool Remove(LocalEntry<TKey, TValue> entry)
    {
        ref LocalEntry<TKey, TValue>? link = ref LinkTo(entry);
        if (Unsafe.IsNullRef(ref link))
        {
            return false;
        }

        // The unlinked entry keeps its HashNext, so a reader standing on it still reaches the rest of the chain.
        Volatile.Write(ref link, entry.HashNext);
        Volatile.Write(ref _count, _count - 1);
        return true;
    }

    /// <summary>The length of the longest bucket chain (for tests of the bucket spread); writer only.</summary>
    internal int LongestChain()
    {
        int longest = 0;
        foreach (LocalEntry<TKey, TValue>? head in _buckets)
        {
            int length = 0;
            for (LocalEntry<TKey, TValue>? entry = head; entry is not null; entry = entry.HashNext)
            {
                length++;
            }

            longest = Math.Max(longest, length);
        }

        return longest;
    }

    /// <summary>Removes every entry; writer only. Readers may still see the old entries until they look again.</summary>
    public void Clear()
    {
        Volatile.Write(ref _buckets, new LocalEntry<TKey, TValue>?[MinimumLength]);
        Volatile.Write(ref _count, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Index(int hash, int length)
    {
        // Fold the high half into the low bits that the mask keeps (as java.util.HashMap does), so hashes that differ
        // only above the mask still spread. No multiplication: consecutive integer keys stay in consecutive buckets
        // without collisions, which is 3x faster on lookups of dense ids than scattering them, and already
        // well-mixed hashes (strings, records, HashCode.Combine) lose nothing.
        return (hash ^ (int)((uint)hash >> 16)) & (length - 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool KeyEquals(TKey stored, TKey key) => typeof(TKey).IsValueType && _comparer is null
        ? EqualityComparer<TKey>.Default.Equals(stored, key)
        : _comparer!.Equals(stored, key);

    /// <summary>The slot (bucket head or predecessor's HashNext) that points at <paramref name="entry"/>, or a null ref.</summary>
    private ref LocalEntry<TKey, TValue>? LinkTo(LocalEntry<TKey, TValue> entry)
    {
        ref LocalEntry<TKey, TValue>? link = ref _buckets[Index(entry.Hash, _buckets.Length)];
        while (link is not null)
        {
            if (link == entry)
            {
                return ref link;
            }

            link = ref link.HashNext;
        }

        return ref Unsafe.NullRef<LocalEntry<TKey, TValue>?>();
    }

    private void Grow()
    {
        LocalEntry<TKey, TValue>?[] old = _buckets;
        var buckets = new LocalEntry<TKey, TValue>?[old.Length * 2];
        Volatile.Write(ref _version, _version + 1); // odd: relinking
        foreach (LocalEntry<TKey, TValue>? head in old)
        {
            LocalEntry<TKey, TValue>? entry = head;
            while (entry is not null)
            {
                LocalEntry<TKey, TValue>? next = entry.HashNext;
                ref LocalEntry<TKey, TValue>? slot = ref buckets[Index(entry.Hash, buckets.Length)];
                Volatile.Write(ref entry.HashNext, slot);
                slot = entry;
                entry = next;
            }
        }

        Volatile.Write(ref _buckets, buckets);
        Volatile.Write(ref _version, _version + 1); // even: stable
    }

    /// <summary>The probe of <see cref="Find(TKey, int)"/>: the key itself, under the table's comparer.</summary>
    private readonly struct SameKey(EntryTable<TKey, TValue> table, TKey key) : IKeyProbe<TKey>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Matches(TKey candidate) => table.KeyEquals(candidate, key);
    }
}
