using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace CachemeNet.Internal.Local;

/// <summary>
/// A thread-safe cache bounded to a number of entries, with per-entry expiry. Reads take no lock: they look the
/// entry up in an <see cref="EntryTable{TKey, TValue}"/>, check its expiry (on the coarse clock while the entry is far
/// from it, see <see cref="CoarseExpiry"/>) and count the hit on the entry; only the
/// reads the policy asks for (<see cref="EvictionPolicy{TKey, TValue}.BuffersReadsOf"/>) are also recorded in a lossy
/// striped buffer, which the next write drains (reads past a full stripe are dropped, so a read-only phase never
/// wakes a maintenance thread).
/// Writes, removals and the draining of those buffers run under one maintenance lock, which owns the eviction
/// policy and the timer wheel, except an update of a live key without a TTL to a value of reference type, which
/// writes the value in place (<see cref="LocalEntry{TKey, TValue}.Overwrite"/>) and counts as a use. New keys are
/// linked and the excess evicted before they become visible, so the table never holds more than the capacity.
/// </summary>
internal sealed class BoundedLocalCache<TKey, TValue> : IThreadPoolWorkItem
    where TKey : notnull
{
    private const int Idle = 0;
    private const int Scheduled = 1;

    private readonly EntryTable<TKey, TValue> _table;
    private readonly EvictionPolicy<TKey, TValue> _policy;
    private readonly StripedReadBuffer<LocalEntry<TKey, TValue>> _reads;
    private readonly TimerWheel<TKey, TValue> _wheel;
    private readonly Action<TimedLocalEntry<TKey, TValue>> _expire;
    private readonly TimeProvider _time;
    private readonly double _ticksPerTimestamp;
    private readonly MaintenanceMode _mode;
    private readonly Lock _lock = new();
    private int _drainStatus;
    private int _drainsScheduled;

    public BoundedLocalCache(EvictionPolicy<TKey, TValue> policy, TimeProvider time, MaintenanceMode mode, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(time);
        _policy = policy;
        _time = time;
        _mode = mode;
        _ticksPerTimestamp = (double)TimeSpan.TicksPerSecond / time.TimestampFrequency;
        _table = new EntryTable<TKey, TValue>(policy.Capacity, comparer);
        _reads = new StripedReadBuffer<LocalEntry<TKey, TValue>>(Environment.ProcessorCount * 4);
        _wheel = new TimerWheel<TKey, TValue>(Now());
        _expire = ExpireLocked;
    }

    public int Capacity => _policy.Capacity;

    /// <summary>Entries held; never more than <see cref="Capacity"/>. Expired entries not yet collected are included.</summary>
    public int Count => _table.Count;

    /// <summary>How many drains have been queued to the thread pool (for tests).</summary>
    internal int DrainsScheduled => Volatile.Read(ref _drainsScheduled);

    /// <summary>The policy (for tests and the simulator; touch it only through this cache).</summary>
    internal EvictionPolicy<TKey, TValue> Policy => _policy;

    /// <summary>Looks up a live entry without taking a lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGet(TKey key, [MaybeNullWhen(false)] out TValue value) => TryRead(_table.Find(key), out value);

    /// <summary>
    /// Looks up the live entry whose key <paramref name="probe"/> matches, without taking a lock and without the key;
    /// <paramref name="hash"/> is the hash of that key (see <see cref="EntryTable{TKey, TValue}.Find{TProbe}"/>).
    /// </summary>
    public bool TryGet<TProbe>(TProbe probe, int hash, [MaybeNullWhen(false)] out TValue value)
        where TProbe : struct, IKeyProbe<TKey> => TryRead(_table.Find(probe, hash), out value);

    /// <summary>The value of <paramref name="entry"/> when it is there and fresh, its use counted; an expired one wakes maintenance.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryRead(LocalEntry<TKey, TValue>? entry, [MaybeNullWhen(false)] out TValue value)
    {
        if (entry is not null)
        {
            if (entry is not TimedLocalEntry<TKey, TValue> timed || CoarseExpiry.IsFresh(timed.CoarseFreshUntil) || timed.Deadline > Now())
            {
                CountUse(entry);
                value = entry.Value;
                return true;
            }

            ScheduleDrain();
        }

        value = default;
        return false;
    }

    /// <summary>Adds or replaces the value of <paramref name="key"/>; a non-positive TTL removes it instead.</summary>
    public void Set(TKey key, TValue value, TimeSpan? ttl)
    {
        ArgumentNullException.ThrowIfNull(key);
        int hash = _table.HashOf(key);
        if (ttl is null && LocalEntry<TKey, TValue>.CanOverwrite && _table.Find(key, hash) is { } live && live is not TimedLocalEntry<TKey, TValue>)
        {
            // An update that changes neither the TTL nor the entry's shape writes the value in place, without the lock:
            // to the policy the write is a use, as a read is. If the entry is being evicted or removed meanwhile, this
            // update simply came first.
            live.Overwrite(value);
            CountUse(live);
            return;
        }

        LocalEntry<TKey, TValue> entry;
        if (ttl is not { } timeToLive)
        {
            entry = new LocalEntry<TKey, TValue>(key, value, hash);
        }
        else
        {
            if (timeToLive <= TimeSpan.Zero)
            {
                Remove(key);
                return;
            }

            long coarseFreshUntil = CoarseExpiry.For(_time, timeToLive); // before the precise clock: see CoarseExpiry
            long now = Now();
            long deadline = timeToLive.Ticks >= LocalEntry<TKey, TValue>.NoExpiry - now ? LocalEntry<TKey, TValue>.NoExpiry - 1 : now + timeToLive.Ticks;
            entry = new TimedLocalEntry<TKey, TValue>(key, value, hash, deadline, coarseFreshUntil);
        }

        entry.BuffersReads = _policy.BuffersReadsOf(hash);
        lock (_lock)
        {
            MaintainLocked();
            LocalEntry<TKey, TValue>? existing = _table.FindLocked(key, hash);
            if (existing is not null)
            {
                _table.Replace(existing, entry);
                Deschedule(existing);
                _policy.OnReplace(existing, entry);
                Schedule(entry);
                return;
            }

            _policy.OnAdd(entry);
            bool admitted = true;
            while (_policy.Count > _policy.Capacity)
            {
                LocalEntry<TKey, TValue> victim = _policy.EvictOne();
                if (victim == entry)
                {
                    admitted = false;
                }
                else
                {
                    _table.Remove(victim);
                    Deschedule(victim);
                }
            }

            if (admitted)
            {
                _table.Add(entry);
                Schedule(entry);
            }
        }
    }

    /// <summary>Removes <paramref name="key"/>; returns whether a live entry was removed.</summary>
    public bool Remove(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            LocalEntry<TKey, TValue>? entry = _table.FindLocked(key, _table.HashOf(key));
            if (entry is null)
            {
                return false;
            }

            _table.Remove(entry);
            _policy.OnRemove(entry);
            Deschedule(entry);
            return entry.ExpiresAt == LocalEntry<TKey, TValue>.NoExpiry || entry.ExpiresAt > Now();
        }
    }

    /// <summary>Removes every entry.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _reads.Clear();
            _table.Clear();
            _policy.Clear();
            _wheel.Clear();
        }
    }

    /// <summary>Applies buffered reads, expires due entries and adapts the policy now.</summary>
    public void Maintain()
    {
        lock (_lock)
        {
            MaintainLocked();
        }
    }

    void IThreadPoolWorkItem.Execute()
    {
        lock (_lock)
        {
            Volatile.Write(ref _drainStatus, Idle);
            MaintainLocked();
        }
    }

    /// <summary>Counts a read or an in-place write on the entry, and buffers it if the policy asked for this key's reads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountUse(LocalEntry<TKey, TValue> entry)
    {
        entry.MarkRead();
        if (entry.BuffersReads)
        {
            RecordRead(entry);
        }
    }

    private long Now() => (long)(_time.GetTimestamp() * _ticksPerTimestamp);

    private void RecordRead(LocalEntry<TKey, TValue> entry)
    {
        ReadBufferStatus status = _reads.TryAdd(entry);
        if (status == ReadBufferStatus.Recorded)
        {
            return;
        }

        if (_mode == MaintenanceMode.Synchronous)
        {
            lock (_lock)
            {
                MaintainLocked();
                if (_policy.IsLinked(entry))
                {
                    _policy.OnAccess(entry);
                }
            }
        }
    }

    private void ScheduleDrain()
    {
        if (_mode == MaintenanceMode.Synchronous)
        {
            if (_lock.TryEnter())
            {
                try
                {
                    MaintainLocked();
                }
                finally
                {
                    _lock.Exit();
                }
            }
        }
        else if (Volatile.Read(ref _drainStatus) == Idle && Interlocked.CompareExchange(ref _drainStatus, Scheduled, Idle) == Idle)
        {
            Interlocked.Increment(ref _drainsScheduled);
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    private void MaintainLocked()
    {
        var consumer = new AccessConsumer(_policy);
        _reads.Drain(ref consumer);
        if (_wheel.Count > 0)
        {
            _wheel.Advance(Now(), _expire);
        }

        _policy.Maintain();
    }

    private void Schedule(LocalEntry<TKey, TValue> entry)
    {
        if (entry is TimedLocalEntry<TKey, TValue> timed)
        {
            _wheel.Schedule(timed);
        }
    }

    private void Deschedule(LocalEntry<TKey, TValue> entry)
    {
        if (entry is TimedLocalEntry<TKey, TValue> timed)
        {
            _wheel.Deschedule(timed);
        }
    }

    private void ExpireLocked(TimedLocalEntry<TKey, TValue> entry)
    {
        if (_table.Remove(entry))
        {
            _policy.OnRemove(entry);
        }
    }

    private readonly struct AccessConsumer(EvictionPolicy<TKey, TValue> policy) : IReadConsumer<LocalEntry<TKey, TValue>>
    {
        public void Consume(LocalEntry<TKey, TValue> item)
        {
            if (policy.IsLinked(item))
            {
                policy.OnAccess(item);
            }
        }
    }
}
