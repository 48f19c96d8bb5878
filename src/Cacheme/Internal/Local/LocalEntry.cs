using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace CachemeNet.Internal.Local;

/// <summary>Which access-order queue an entry is linked into.</summary>
internal enum EntryQueue : byte
{
    /// <summary>In no queue: not linked by a policy, or between two queues.</summary>
    None,

    /// <summary>The W-TinyLFU admission window (also the single LRU queue).</summary>
    Window,

    /// <summary>The probation segment of the main space.</summary>
    Probation,

    /// <summary>The protected segment of the main space.</summary>
    Protected,
}

/// <summary>
/// One key/value pair, which is also its own node in the cache's hash table (<see cref="EntryTable{TKey, TValue}"/>),
/// so an entry costs one object; its access-order links are kept apart, in the policy's <see cref="AccessOrderLinks{TKey, TValue}"/>,
/// so the maintenance thread relinking it never writes the cache line readers read. Updating a key writes a reference-type value
/// in place (<see cref="Overwrite"/>: a reference is written whole) when the TTL stays absent, and otherwise replaces
/// the whole entry, so a reader never sees a torn value. An entry with a TTL is a <see cref="TimedLocalEntry{TKey, TValue}"/>, which adds its
/// expiry and timer-wheel links; entries without one do not pay for them.
/// </summary>
internal class LocalEntry<TKey, TValue>(TKey key, TValue value, int hash)
    where TKey : notnull
{
    /// <summary>The expiry of an entry that never expires.</summary>
    public const long NoExpiry = long.MaxValue;

    /// <summary>The next entry in the same hash bucket; written under the maintenance lock, read without it.</summary>
    public LocalEntry<TKey, TValue>? HashNext;

    public TKey Key { get; } = key;

    private TValue _value = value;

    /// <summary>
    /// The value. Written once at construction, or by <see cref="Overwrite"/> when <typeparamref name="TValue"/> is a
    /// reference type (a reference is written whole, so a reader never sees a torn value); an entry whose value type
    /// could tear is replaced instead.
    /// </summary>
    public TValue Value => _value;

    /// <summary>The key's hash from the cache's comparer, computed once on write.</summary>
    public int Hash { get; } = hash;

    /// <summary>Clock ticks (100 ns) after which the entry is expired, or <see cref="NoExpiry"/>.</summary>
    public long ExpiresAt => this is TimedLocalEntry<TKey, TValue> timed ? timed.Deadline : NoExpiry;

    /// <summary>
    /// The entry's slot in its policy's <see cref="AccessOrderLinks{TKey, TValue}"/>, where its queue links live; written
    /// under the maintenance lock when the entry is linked, before a reader can see it, and never read by readers.
    /// </summary>
    public int Slot { get; set; } = AccessOrderLinks<TKey, TValue>.None;

    /// <summary>
    /// Whether reads of this entry are also recorded in the cache's read buffer (set by the cache from
    /// <see cref="EvictionPolicy{TKey, TValue}.BuffersReadsOf(int)"/> before the entry is published). W-TinyLFU buffers
    /// the reads its window search samples; LRU (CLOCK) buffers none.
    /// </summary>
    public bool BuffersReads { get; set; }

    /// <summary>
    /// Whether the policy has taken a read of this entry since it was added (written and read under the maintenance
    /// lock only). W-TinyLFU takes it as evidence of reuse when a window candidate competes for the main space.
    /// </summary>
    public bool HasBeenRead { get; set; }

    /// <summary>
    /// Whether W-TinyLFU already let this entry, as probation's victim, go to probation's tail for being popular (written
    /// and read under the maintenance lock only); cleared when it is read. One such second chance per read, as CLOCK
    /// clears a page's reference bit: the sketch's estimate does not fall when the chance is given, so without the flag
    /// a probation full of popular entries would be walked again on every eviction. Fits in the object's padding.
    /// </summary>
    public bool HadSecondChance { get; set; }

    /// <summary>
    /// The policy's clock when it last saw this entry used: added, replaced, or found read when it looked (written and
    /// read under the maintenance lock only). W-TinyLFU compares a candidate's reuse gap with the victim's idle time
    /// by it. With <see cref="HasBeenRead"/> it fits in the object's padding when the key is a reference (as the node
    /// records of Cacheme's tiers are); with a 4-byte key the entry grows from 48 to 56 bytes.
    /// </summary>
    public int LastUsed { get; set; }

    /// <summary>
    /// Reads since the policy last looked at this entry, saturating at <see cref="MaxPendingReads"/>. Readers bump it
    /// with a plain store and stop writing once it saturates, so a hot entry's cache line stays shared between reader
    /// cores; the policy takes and clears it under the maintenance lock (<see cref="TakePendingReads"/>). A read that
    /// races with the take may be lost or counted twice: reads are hints.
    /// </summary>
    public byte PendingReads => _pendingReads;

    /// <summary>
    /// The most reads an entry remembers between two looks by the policy: a frequency-sketch counter's maximum, so a
    /// key read often while resident reaches the sketch's top count when the policy looks at it, and a scan of
    /// one-time keys cannot displace it. Lower caps score slightly higher on ANCHORS.csv (1, 2, 3, 7, 15: +1.21, +1.18,
    /// +1.14, +1.08, +1.06 points over ConcurrentLfu) but caps of 2, 3 and 7 leave 0, 10 and 33 of 50 hot keys after a
    /// 2,000-key scan against 38 at 15 (<c>WindowTinyLfuPolicyTests</c>), and resisting scans is the frequency filter's
    /// whole point. Once saturated, a hot entry's reads write nothing.
    /// </summary>
    public const int MaxPendingReads = 15;

    private byte _pendingReads;

    /// <summary>Whether <see cref="Overwrite"/> may be used: <typeparamref name="TValue"/> is a reference type, written whole.</summary>
    public static bool CanOverwrite => !typeof(TValue).IsValueType;

    /// <summary>
    /// Replaces the value in place, without the maintenance lock (only when <see cref="CanOverwrite"/>). The store has
    /// release semantics, so a reader that sees the new reference also sees the object it points to fully built.
    /// </summary>
    public void Overwrite(TValue value)
    {
        Debug.Assert(CanOverwrite, "A value type could tear; replace the entry instead.");
        Volatile.Write(ref Unsafe.As<TValue, object?>(ref _value), value);
    }

    /// <summary>Counts a read (lock-free; no write once saturated).</summary>
    public void MarkRead()
    {
        byte reads = _pendingReads;
        if (reads < MaxPendingReads)
        {
            _pendingReads = (byte)(reads + 1);
        }
    }

    /// <summary>Returns the reads counted since the last take and clears them; maintenance lock only.</summary>
    public int TakePendingReads()
    {
        byte reads = _pendingReads;
        if (reads != 0)
        {
            _pendingReads = 0;
        }

        return reads;
    }

    /// <summary>Carries the pending reads of the entry this one replaces, plus the replacing write; maintenance lock only.</summary>
    public void InheritPendingReads(LocalEntry<TKey, TValue> replaced) =>
        _pendingReads = (byte)Math.Min(MaxPendingReads, replaced._pendingReads + 1);
}

/// <summary>An entry with a time to live: its expiry and its links in the <see cref="TimerWheel{TKey, TValue}"/>.</summary>
internal sealed class TimedLocalEntry<TKey, TValue>(TKey key, TValue value, int hash, long deadline, long coarseFreshUntil = CoarseExpiry.Never) : LocalEntry<TKey, TValue>(key, value, hash)
    where TKey : notnull
{
    /// <summary>Clock ticks (100 ns) after which the entry is expired.</summary>
    public long Deadline { get; } = deadline;

    /// <summary>Until when, on <see cref="CoarseExpiry"/>'s clock, the entry is certainly fresh, or <see cref="CoarseExpiry.Never"/>.</summary>
    public long CoarseFreshUntil { get; } = coarseFreshUntil;

    public TimedLocalEntry<TKey, TValue>? TimerPrevious { get; set; }

    public TimedLocalEntry<TKey, TValue>? TimerNext { get; set; }
}
