namespace CachemeNet.Internal.Local;

/// <summary>
/// Window TinyLFU: new entries enter a small LRU admission window; entries leaving it compete for the main
/// space, a segmented LRU (probation, then protected once hit again). A window candidate replaces the probation
/// victim on two signals: popularity (the frequency sketch rates it higher) and reuse (read again in the window, or
/// back after a gap since its previous use, from an <see cref="EvictionHistory"/>, shorter than the time since the
/// victim's last use: LIRS's test). A cold candidate (an estimate below <see cref="WarmFrequency"/>) needs both, as a
/// cold key one count above a cold victim is too weak a signal alone; a warm one needs either. To resist hash
/// flooding (an attacker raising a victim's estimate), a warm candidate that wins neither is still admitted at random
/// once in 128 times, and the sketch is seeded per instance. The window's share of the capacity is chosen by a
/// <see cref="MiniatureWindowSearch"/>;
/// growing only raises the window's limit (while the window fills up to it, its oldest entry competes with the
/// probation victim: the older goes unless the sketch rates it higher), and shrinking moves entries out in bounded
/// steps, so resizing a large cache never stalls one maintenance pass. When the search's winner is one of its
/// stale-evicting miniatures (popularity that shifts, where protected keeps the previous phase's keys until new ones are
/// promoted), protected's oldest entry competes with the victim the same way. Measured with `hitrate --suite` over the
/// synthetic workloads: a Zipf whose popularity reshuffles every 200,000 requests at 5,000 entries 53.73 → 55.47 (ARC
/// 56.85), a moving loop in noise at 1,000 entries 43.25 → 44.87; on ANCHORS.csv over three seeds +1.47 points over
/// ConcurrentLfu against +1.46, rows missed unchanged.
/// </summary>
internal sealed class WindowTinyLfuPolicy<TKey, TValue> : EvictionPolicy<TKey, TValue>
    where TKey : notnull
{
    /// <summary>
    /// The sketch estimate from which a candidate is warm: it may win admission on frequency or on reuse alone, and if
    /// it wins neither it is still admitted once in 128 times (the hash-flooding guard).
    /// </summary>
    private const int WarmFrequency = 6;

    /// <summary>
    /// The sketch estimate from which a probation victim facing a candidate rated under it gets a second chance (to
    /// probation's tail) instead of the candidate being turned away against it: the next entry then competes, so a
    /// colder one leaves in its place, a frequency-aware CLOCK. One such chance per entry until it is read again
    /// (<see cref="LocalEntry{TKey, TValue}.HadSecondChance"/>): with chances repeated, a probation full of popular
    /// entries and a stream of one-time keys made every eviction walk up to 1,000 entries (a cold-key stampede through
    /// `GetAsync` at 100,000 entries: 2-12 µs per caller instead of 0.3 µs). Measured with `hitrate --anchors` over the seeds
    /// 25214903917 / 7 / 99: +1.67 / +1.65 / +1.66 points over ConcurrentLfu against +1.63 / +1.61 / +1.62, no row
    /// missed; seeds 1 / 2 / 3 +1.69 / +1.64 / +1.64 against +1.63 / +1.59 / +1.57; the synthetic suite +7.54 over exact
    /// LRU against +7.43. From 4 +1.68 / +1.64 / +1.68 with oltp 500 missed on seed 7; from 2 +1.54; from 6 +1.63.
    /// </summary>
    private const int SecondChanceFrequency = 3;

    /// <summary>
    /// The fewest slots in the frequency sketch (4,096 × 8 bytes = 32 KiB): below 4,096 entries the sketch is wider than
    /// sixteen counters per entry, so one-time keys collide less with the keys they compete against, while it still
    /// ages after ten increments per entry. Measured with `hitrate --anchors` over three seeds: +1.46 points over
    /// ConcurrentLfu on average against +1.41 with sixteen counters per entry (2,048 slots: +1.44), 3.7 rows missed on
    /// average against 4.3; gli 250-1,000 +0.37 to +0.78 with the default seed. Larger caches keep sixteen counters per
    /// entry (the memory bound per entry). Aging after ten increments per slot instead gained nothing beside the wider
    /// table (+1.54 against +1.53, default seed) and lost 0.2 points with the narrow one (sprite 100 and oltp 250).
    /// </summary>
    internal const int MinimumSketchSlots = 4096;

    private readonly AccessOrderDeque<TKey, TValue> _window;
    private readonly AccessOrderDeque<TKey, TValue> _probation;
    private readonly AccessOrderDeque<TKey, TValue> _protected;
    private readonly FrequencySketch _sketch;
    private readonly MiniatureWindowSearch? _search;
    private ulong _random;
    private int _windowMaximum;
    private int _protectedMaximum;
    private LocalEntry<TKey, TValue>? _candidate;
    private LocalEntry<TKey, TValue>? _sweep; // the probation entry the sweep looks at next; null: probation's head
    private readonly EvictionHistory _history;
    private int _clock; // one tick per added entry; wraps, compared by subtraction

    /// <param name="capacity">The most entries held.</param>
    /// <param name="seed">Random seed for the sketch's hashing and the flood guard.</param>
    /// <param name="fixedWindowShare">
    /// A fixed share of the capacity for the admission window (0 to 1), or null (the default) to let a
    /// <see cref="MiniatureWindowSearch"/> choose it; fixed shares are for the simulator's comparisons.
    /// </param>
    public WindowTinyLfuPolicy(int capacity, ulong seed, double? fixedWindowShare = null)
        : base(capacity)
    {
        if (fixedWindowShare is { } share)
        {
            WindowTinyLfuLayout.ValidateShare(share, nameof(fixedWindowShare));
        }

        // Without a fixed share, start where the search starts: its smallest share.
        _windowMaximum = WindowTinyLfuLayout.WindowSize(capacity, fixedWindowShare ?? MiniatureWindowSearch.WindowShares[0]);
        _protectedMaximum = WindowTinyLfuLayout.ProtectedMaximum(capacity, _windowMaximum);
        _window = new(Links, EntryQueue.Window);
        _probation = new(Links, EntryQueue.Probation);
        _protected = new(Links, EntryQueue.Protected);
        _sketch = new FrequencySketch(capacity, seed, MinimumSketchSlots);
        _history = new EvictionHistory(capacity, seed);
        _search = fixedWindowShare is null ? new MiniatureWindowSearch(capacity, seed) : null;
        _random = seed | 1;
    }

    public override int Count => _window.Count + _probation.Count + _protected.Count;

    /// <summary>The admission window's current maximum (for tests and the simulator).</summary>
    public int WindowMaximum => _windowMaximum;

    /// <summary>The entries in the admission window (for tests).</summary>
    public int WindowCount => _window.Count;

    /// <summary>The entries in the protected segment (for tests).</summary>
    public int ProtectedCount => _protected.Count;

    /// <summary>The frequency sketch (for tests).</summary>
    internal FrequencySketch Sketch => _sketch;

    /// <summary>
    /// How many times a popular probation victim went to probation's tail instead of facing a colder candidate (for tests:
    /// at most once per entry between reads, so evictions never walk probation again and again).
    /// </summary>
    internal long SecondChancesGiven { get; private set; }

    /// <summary>The next probation victim (for tests).</summary>
    public LocalEntry<TKey, TValue>? ProbationHead => _probation.First;

    public override void OnAdd(LocalEntry<TKey, TValue> entry)
    {
        _candidate = null;
        entry.LastUsed = ++_clock;
        _history.Advance(_clock);
        _sketch.Increment(entry.Hash);
        _search?.Record(entry.Hash);
        _window.AddNew(entry);
    }

    /// <summary>
    /// A buffered hit, which reaches the policy only for the keys the window search samples: it is replayed in the
    /// miniatures. Its effect on the sketch and the queues comes from the entry's pending reads, which the policy
    /// takes when it next looks at the entry (<see cref="TakeReads"/>).
    /// </summary>
    public override void OnAccess(LocalEntry<TKey, TValue> entry) => _search?.Record(entry.Hash);

    /// <inheritdoc/>
    public override bool BuffersReadsOf(int hash) => _search?.Samples(hash) ?? false;

    public override void OnRemove(LocalEntry<TKey, TValue> entry)
    {
        AccessOrderDeque<TKey, TValue> queue = QueueOf(entry);
        StepCursorsPast(queue, entry);
        queue.Release(entry);
    }

    public override void OnReplace(LocalEntry<TKey, TValue> existing, LocalEntry<TKey, TValue> replacement)
    {
        if (existing == _candidate)
        {
            _candidate = replacement;
        }

        if (existing == _sweep)
        {
            _sweep = replacement;
        }

        Links.Replace(existing, replacement);
        replacement.InheritPendingReads(existing);
        replacement.LastUsed = _clock;
        replacement.HasBeenRead = existing.HasBeenRead;
        replacement.HadSecondChance = existing.HadSecondChance;
        _search?.Record(replacement.Hash);
    }

    public override LocalEntry<TKey, TValue> EvictOne()
    {
        MoveWindowOverflowToProbation();
        SweepProbation();

        int secondChances = Math.Min(_probation.Count, StepLimit);
        while (true)
        {
            LocalEntry<TKey, TValue>? victim = _probation.First;
            LocalEntry<TKey, TValue>? candidate = _candidate;
            if (victim is null)
            {
                victim = _protected.First ?? _window.First ?? throw new InvalidOperationException("Nothing to evict.");
                return Evict(QueueOf(victim), victim);
            }

            // An entry read while on probation is promoted when the policy reaches it, as an access would have done.
            if (secondChances > 0 && TakeReads(victim))
            {
                secondChances--;
                Promote(victim);
                continue;
            }

            if (secondChances > 0 && candidate is not null && candidate != victim && TakeReads(candidate))
            {
                secondChances--;
                Promote(candidate);
                continue;
            }

            // While the window fills up to a raised limit nothing leaves it through admission, so its oldest entry
            // competes with the victim directly: the older of the two goes, unless the sketch rates it higher.
            if (candidate is null && _window.Count < _windowMaximum && _window.First is { } windowOldest
                && windowOldest.LastUsed - victim.LastUsed < 0)
            {
                switch (Challenge(_window, windowOldest, victim, ref secondChances))
                {
                    case Challenger.ReadMeanwhile:
                        continue;
                    case Challenger.Leaves:
                        return Evict(_window, windowOldest);
                }
            }

            // When the window search finds it pays (a popularity shift, not a loop), protected's oldest entry competes
            // the same way, so the previous phase's keys leave protected without waiting for new keys to be promoted.
            if (_search is { EvictsStaleProtected: true } && _protected.First is { } protectedOldest
                && protectedOldest.LastUsed - victim.LastUsed < 0)
            {
                switch (Challenge(_protected, protectedOldest, victim, ref secondChances))
                {
                    case Challenger.ReadMeanwhile:
                        continue;
                    case Challenger.Leaves:
                        return Evict(_protected, protectedOldest);
                }
            }

            // Whichever leaves, Evict steps the candidate past it; an admitted candidate stays, and the next one in
            // probation competes next.
            LocalEntry<TKey, TValue> evicted = victim;
            if (candidate is not null && candidate != victim)
            {
                int candidateFrequency = _sketch.Frequency(candidate.Hash);
                int victimFrequency = _sketch.Frequency(victim.Hash);
                if (secondChances > 0 && !victim.HadSecondChance && victimFrequency >= SecondChanceFrequency && candidateFrequency < SecondChanceFrequency)
                {
                    secondChances--;
                    victim.HadSecondChance = true;
                    SecondChancesGiven++;
                    StepCursorsPast(_probation, victim);
                    _probation.MoveToLast(victim);
                    continue;
                }

                if (Admit(candidate, victim, candidateFrequency, victimFrequency))
                {
                    _candidate = _probation.NextOf(candidate);
                }
                else
                {
                    evicted = candidate;
                }
            }

            TakeReads(evicted); // its history outlives it
            return Evict(_probation, evicted);
        }
    }

    /// <summary>
    /// The outcome for the oldest entry of a queue that was used before the probation victim: read since the policy last
    /// looked (it took its second chance, to the end of its queue), or evicted in the victim's place if the sketch rates
    /// it no higher, or it stays.
    /// </summary>
    private Challenger Challenge(AccessOrderDeque<TKey, TValue> queue, LocalEntry<TKey, TValue> challenger, LocalEntry<TKey, TValue> victim, ref int secondChances)
    {
        if (secondChances > 0 && TakeReads(challenger))
        {
            secondChances--;
            queue.MoveToLast(challenger);
            return Challenger.ReadMeanwhile;
        }

        return _sketch.Frequency(challenger.Hash) <= _sketch.Frequency(victim.Hash) ? Challenger.Leaves : Challenger.Stays;
    }

    private enum Challenger
    {
        Stays,
        Leaves,
        ReadMeanwhile,
    }

    /// <summary>Unlinks <paramref name="entry"/> from <paramref name="queue"/>, recording its last use in the history first.</summary>
    private LocalEntry<TKey, TValue> Evict(AccessOrderDeque<TKey, TValue> queue, LocalEntry<TKey, TValue> entry)
    {
        StepCursorsPast(queue, entry);
        _history.Record(entry.Hash, entry.LastUsed);
        queue.Release(entry);
        return entry;
    }

    public override void Maintain()
    {
        if (_search is null)
        {
            return;
        }

        ResizeWindow(_search.WindowTarget);
    }

    /// <summary>
    /// Moves the window's maximum towards <paramref name="target"/>: growing only raises the limit (new arrivals fill
    /// the window); shrinking moves the window's oldest entries to probation at once, at most 1,000 per call.
    /// </summary>
    public void ResizeWindow(int target)
    {
        if (target > _windowMaximum)
        {
            GrowWindow(target - _windowMaximum);
        }
        else if (target < _windowMaximum)
        {
            ShrinkWindow(_windowMaximum - target);
        }
    }

    public override void Clear()
    {
        _window.Clear();
        _probation.Clear();
        _protected.Clear();
        Links.Clear();
        _history.Clear();
        _candidate = null;
        _sweep = null;
    }

    private bool Admit(LocalEntry<TKey, TValue> candidate, LocalEntry<TKey, TValue> victim, int candidateFrequency, int victimFrequency)
    {
        bool warm = candidateFrequency >= WarmFrequency;
        bool morePopular = candidateFrequency > victimFrequency;

        // A cold candidate needs both signals, popularity and reuse; a warm one either.
        if (warm ? morePopular || ReusedWithinVictimsIdleTime(candidate, victim) : morePopular && ReusedWithinVictimsIdleTime(candidate, victim))
        {
            return true;
        }

        if (!warm)
        {
            return false;
        }

        return (NextRandom() & 127) == 0;
    }

    /// <summary>
    /// Whether a candidate shows it is reused: it was read again in the window, or the gap between its previous use
    /// (from the <see cref="EvictionHistory"/>) and its return is shorter than the time since the victim's last use,
    /// LIRS's test (an inter-reference recency shorter than the victim's recency). Measured with `hitrate --anchors`:
    /// +1.39 points over ConcurrentLfu on average against +1.12 without reuse, +1.32 when only cold candidates used it
    /// (as a second condition), and +0.46 with the window read alone.
    /// </summary>
    private bool ReusedWithinVictimsIdleTime(LocalEntry<TKey, TValue> candidate, LocalEntry<TKey, TValue> victim) =>
        candidate.HasBeenRead
        || (_history.TryGetLastUsed(candidate.Hash, out int previousUse)
            && candidate.LastUsed - previousUse < _clock - victim.LastUsed);

    /// <summary>
    /// Takes the reads counted on <paramref name="entry"/> since the policy last looked at it into the sketch;
    /// returns whether there were any (the entry was read meanwhile).
    /// </summary>
    private bool TakeReads(LocalEntry<TKey, TValue> entry)
    {
        int reads = entry.TakePendingReads();
        if (reads == 0)
        {
            return false;
        }

        _sketch.Add(entry.Hash, reads);
        entry.HasBeenRead = true;
        entry.HadSecondChance = false;
        entry.LastUsed = _clock;
        return true;
    }

    /// <summary>
    /// While protected has room, looks at one more probation entry per eviction, walking from the head to the tail
    /// and around again, and promotes it if it was read since the policy last looked. Without this, an entry read on
    /// probation is promoted only when it reaches the head; after the window shrinks (probation then holds most of
    /// the cache) or a phase change, protected refilled only as fast as probation turned over: on p3 at 200,000
    /// entries it held 1,760 of its 128,000 entries after the search moved the window from 99 % to 20 %, and 56,000
    /// three chunks of 200,000 requests later (119,000 with the sweep). Measured with `hitrate --anchors`: +1.46
    /// points over ConcurrentLfu against +1.43, worst row −1.31 against −1.78 (p3 200,000 +0.47, p3 300,000 +0.83,
    /// every other row within 0.3); 2, 4 or 8 entries per eviction +1.46, +1.46, +1.45 with one more row missed (gli
    /// 1000 at −0.56).
    /// </summary>
    private void SweepProbation()
    {
        if (_protected.Count >= _protectedMaximum)
        {
            return;
        }

        LocalEntry<TKey, TValue>? entry = _sweep ?? _probation.First;
        if (entry is null)
        {
            return;
        }

        _sweep = _probation.NextOf(entry);
        if (TakeReads(entry))
        {
            Promote(entry);
        }
    }

    /// <summary>
    /// Moves the admission candidate and the sweep, which point into probation, past <paramref name="entry"/> before it
    /// leaves <paramref name="queue"/> (evicted, removed or promoted), so neither is left on an unlinked entry.
    /// </summary>
    private void StepCursorsPast(AccessOrderDeque<TKey, TValue> queue, LocalEntry<TKey, TValue> entry)
    {
        if (entry == _candidate)
        {
            _candidate = queue.NextOf(entry);
        }

        if (entry == _sweep)
        {
            _sweep = queue.NextOf(entry);
        }
    }

    private void Promote(LocalEntry<TKey, TValue> entry)
    {
        StepCursorsPast(_probation, entry);
        _probation.Remove(entry);
        _protected.AddLast(entry);
        DemoteFromProtected();
    }

    /// <summary>Moves the window's overflow to probation; the first one moved is this round's admission candidate.</summary>
    private void MoveWindowOverflowToProbation()
    {
        LocalEntry<TKey, TValue>? firstMoved = MoveOverflowToProbation(_window, _windowMaximum);
        _candidate ??= firstMoved;
    }

    /// <summary>
    /// Moves protected's overflow to probation, at most <see cref="EvictionPolicy{TKey, TValue}.StepLimit"/> entries a call: after the window
    /// grew a lot, protected shrinks over several promotions instead of stalling one.
    /// </summary>
    private void DemoteFromProtected() => MoveOverflowToProbation(_protected, _protectedMaximum);

    /// <summary>
    /// Moves the least recent entries of <paramref name="queue"/> to probation's tail until it fits or
    /// <see cref="EvictionPolicy{TKey, TValue}.StepLimit"/> were moved; returns the first moved.
    /// </summary>
    private LocalEntry<TKey, TValue>? MoveOverflowToProbation(AccessOrderDeque<TKey, TValue> queue, int maximum)
    {
        LocalEntry<TKey, TValue>? firstMoved = null;
        int secondChances = Math.Min(queue.Count, StepLimit);
        int moved = 0;
        while (queue.Count > maximum && moved < StepLimit)
        {
            LocalEntry<TKey, TValue> entry = queue.First!;
            if (secondChances > 0 && TakeReads(entry))
            {
                secondChances--; // read since the policy last looked: it stays, as in an LRU it would be at the back
                queue.MoveToLast(entry);
                continue;
            }

            queue.Remove(entry);
            _probation.AddLast(entry);
            firstMoved ??= entry;
            moved++;
        }

        return firstMoved;
    }

    /// <summary>
    /// Raises the window's limit and lowers protected's; nothing moves. New arrivals then stay in the window while
    /// the main space sheds its least valuable entries through ordinary eviction (probation's head first, then
    /// protected's), rather than main entries, chosen for their frequency, being moved into an LRU that would flush
    /// them: moving them cost 3.5 points on the p3 trace at 300,000 entries, where the window search changes its mind.
    /// Until the window is full, nothing leaves it through admission, so <see cref="EvictOne"/> lets the window's
    /// oldest entry compete with the probation victim (older and no more popular goes): otherwise one-time arrivals
    /// would sit in the window while the main space's entries in use were evicted (on sprite at 2,000 entries the
    /// window took 60,000 requests to fill, 0.44 points lost).
    /// </summary>
    private void GrowWindow(int amount)
    {
        int quota = Math.Min(amount, Capacity - 1 - _windowMaximum);
        if (quota <= 0)
        {
            return;
        }

        _windowMaximum += quota;
        _protectedMaximum = WindowTinyLfuLayout.ProtectedMaximum(Capacity, _windowMaximum);
    }

    private void ShrinkWindow(int amount)
    {
        int quota = Math.Min(Math.Min(amount, _windowMaximum - 1), StepLimit);
        if (quota <= 0)
        {
            return;
        }

        _windowMaximum -= quota;
        _protectedMaximum = WindowTinyLfuLayout.ProtectedMaximum(Capacity, _windowMaximum);
        MoveWindowOverflowToProbation();
        _candidate = null;
    }

    private AccessOrderDeque<TKey, TValue> QueueOf(LocalEntry<TKey, TValue> entry) => Links.QueueOf(entry) switch
    {
        EntryQueue.Window => _window,
        EntryQueue.Probation => _probation,
        EntryQueue.Protected => _protected,
        _ => throw new InvalidOperationException("Entry is not linked."),
    };

    private ulong NextRandom()
    {
        _random ^= _random << 13;
        _random ^= _random >> 7;
        _random ^= _random << 17;
        return _random;
    }
}
