namespace CachemeNet.Internal.Local;

/// <summary>
/// A hierarchical timer wheel of expiring entries: four levels of 64 buckets whose spans are 2^24, 2^30, 2^36
/// and 2^42 ticks (about 1.7 s, 1.8 min, 1.9 h and 5 days). Scheduling and descheduling are O(1); advancing the
/// clock visits only the buckets whose time has passed, expiring what is due and moving the rest to a finer
/// level. Not thread-safe (used under the maintenance lock).
/// </summary>
internal sealed class TimerWheel<TKey, TValue>
    where TKey : notnull
{
    private const int BucketBits = 6;
    private const int BucketsPerLevel = 1 << BucketBits;
    private static readonly int[] s_shifts = [24, 30, 36, 42];

    private readonly TimedLocalEntry<TKey, TValue>[] _sentinels;
    private long _now;

    public TimerWheel(long now)
    {
        _now = now;
        _sentinels = new TimedLocalEntry<TKey, TValue>[s_shifts.Length * BucketsPerLevel];
        for (int i = 0; i < _sentinels.Length; i++)
        {
            var sentinel = new TimedLocalEntry<TKey, TValue>(default!, default!, 0, LocalEntry<TKey, TValue>.NoExpiry);
            sentinel.TimerPrevious = sentinel;
            sentinel.TimerNext = sentinel;
            _sentinels[i] = sentinel;
        }
    }

    /// <summary>The number of entries scheduled.</summary>
    public int Count { get; private set; }

    /// <summary>Adds an expiring entry.</summary>
    public void Schedule(TimedLocalEntry<TKey, TValue> entry)
    {
        TimedLocalEntry<TKey, TValue> sentinel = _sentinels[BucketOf(entry.Deadline)];
        TimedLocalEntry<TKey, TValue> last = sentinel.TimerPrevious!;
        entry.TimerPrevious = last;
        entry.TimerNext = sentinel;
        last.TimerNext = entry;
        sentinel.TimerPrevious = entry;
        Count++;
    }

    /// <summary>Removes an entry if it is scheduled.</summary>
    public void Deschedule(TimedLocalEntry<TKey, TValue> entry)
    {
        if (entry.TimerNext is null)
        {
            return;
        }

        entry.TimerPrevious!.TimerNext = entry.TimerNext;
        entry.TimerNext.TimerPrevious = entry.TimerPrevious;
        entry.TimerPrevious = null;
        entry.TimerNext = null;
        Count--;
    }

    /// <summary>Moves the wheel to <paramref name="now"/>, passing every entry that expired to <paramref name="expired"/>.</summary>
    public void Advance(long now, Action<TimedLocalEntry<TKey, TValue>> expired)
    {
        long previous = _now;
        if (now <= previous)
        {
            return;
        }

        _now = now;
        for (int level = 0; level < s_shifts.Length; level++)
        {
            long from = previous >> s_shifts[level];
            long to = now >> s_shifts[level];
            if (to <= from)
            {
                break;
            }

            // Level 0 expires the buckets it has left behind. A coarser level also opens the bucket it has just
            // entered, cascading those entries down to finer levels, so none waits a whole coarse span past its time.
            long first = level == 0 ? from : from + 1;
            long buckets = Math.Min(to - from, BucketsPerLevel);
            for (long i = 0; i < buckets; i++)
            {
                ExpireBucket((level * BucketsPerLevel) + (int)((first + i) & (BucketsPerLevel - 1)), now, expired);
            }
        }
    }

    /// <summary>Unschedules every entry.</summary>
    public void Clear()
    {
        foreach (TimedLocalEntry<TKey, TValue> sentinel in _sentinels)
        {
            TimedLocalEntry<TKey, TValue> entry = sentinel.TimerNext!;
            while (entry != sentinel)
            {
                TimedLocalEntry<TKey, TValue> next = entry.TimerNext!;
                entry.TimerPrevious = null;
                entry.TimerNext = null;
                entry = next;
            }

            sentinel.TimerPrevious = sentinel;
            sentinel.TimerNext = sentinel;
        }

        Count = 0;
    }

    private void ExpireBucket(int bucket, long now, Action<TimedLocalEntry<TKey, TValue>> expired)
    {
        TimedLocalEntry<TKey, TValue> sentinel = _sentinels[bucket];
        TimedLocalEntry<TKey, TValue> entry = sentinel.TimerNext!;
        sentinel.TimerPrevious = sentinel;
        sentinel.TimerNext = sentinel;
        while (entry != sentinel)
        {
            TimedLocalEntry<TKey, TValue> next = entry.TimerNext!;
            entry.TimerPrevious = null;
            entry.TimerNext = null;
            Count--;
            if (entry.Deadline <= now)
            {
                expired(entry);
            }
            else
            {
                Schedule(entry);
            }

            entry = next;
        }
    }

    private int BucketOf(long expiresAt)
    {
        long delta = expiresAt - _now;
        int last = s_shifts.Length - 1;
        for (int level = 0; level < last; level++)
        {
            if (delta < 1L << (s_shifts[level] + BucketBits))
            {
                return (level * BucketsPerLevel) + (int)((expiresAt >> s_shifts[level]) & (BucketsPerLevel - 1));
            }
        }

        // Beyond the last level's span the entry waits in the bucket for its time modulo the wheel; it is
        // rescheduled (not expired) each time that bucket comes round early.
        return (last * BucketsPerLevel) + (int)((Math.Min(expiresAt, _now + (1L << (s_shifts[last] + BucketBits)) - 1) >> s_shifts[last]) & (BucketsPerLevel - 1));
    }
}
