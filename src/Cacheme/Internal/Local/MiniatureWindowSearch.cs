namespace CachemeNet.Internal.Local;

/// <summary>
/// Chooses the admission window's size by miniature simulation: a few keys-only caches
/// (<see cref="MiniatureTinyLfu"/>), each with a different fixed window share, replay a hash-sampled slice of the
/// requests beside the real cache. After every period the share whose miniature earned the most hits (exponentially
/// decayed over periods, so an old phase fades) becomes the real cache's target, if its lead over the current share
/// is larger than counting noise. Unlike hill climbing, which probes
/// one neighbouring size at a time and needs many samples to cross a plateau, every candidate size is measured at
/// once, so a recency workload (reuse soon or never) moves the window to LRU-like sizes after one period, and a
/// frequency workload keeps it small. Miniatures hold at most <see cref="MiniatureCapacity"/> keys each (one request
/// in <c>rate</c> is sampled, by hash, once the cache is larger), so the search costs a fixed amount of memory,
/// and a sampled request costs one update per miniature.
/// <para>
/// The three smallest shares also have a stale-evicting twin (<see cref="MiniatureTinyLfu.StaleEvictingTwin"/>): when a
/// twin wins, the real cache uses that share and evicts protected's oldest entry instead of the probation victim when it
/// was last used earlier and is no more popular (<see cref="EvictsStaleProtected"/>). That rule lets a popularity shift
/// flush the previous phase's keys from protected, which otherwise leave only as new keys are promoted, and costs a
/// loop longer than the cache its hits (protected's oldest entry is the next one read), so only the miniatures can tell
/// when it pays.
/// </para>
/// <para>
/// Until the miniatures are full they evict nothing, so every share scores the same hits and the search cannot move
/// before the cache itself has filled: a recency workload on a cache much larger than its working set then runs with
/// the smallest window for a period after the fill. So while the miniatures fill, <em>scouts</em> (the same shares and
/// twins at half the miniatures' capacity, which fill twice as soon) are scored in their place; once the miniatures
/// are full the scouts are dropped. Not thread-safe (used under the maintenance lock).
/// </para>
/// </summary>
internal sealed class MiniatureWindowSearch
{
    /// <summary>The window shares measured, smallest first (the choice when scores tie).</summary>
    public static readonly double[] WindowShares = [0.001, 0.01, 0.05, 0.20, 0.50, 0.99];

    /// <summary>How many of the smallest shares have a stale-evicting twin.</summary>
    public const int StaleEvictingShares = 3;

    /// <summary>Miniatures are scaled down to between this and twice this many keys.</summary>
    public const int MiniatureCapacity = 512;

    private const int MinimumPeriod = 250;
    private const int PeriodsPerCapacity = 1;
    private const double ScoreDecay = 0.97;
    private const int ScoutDivisor = 2;
    private const int MinimumScoutCapacity = 16;

    private readonly MiniatureTinyLfu[] _miniatures;
    private readonly long[] _hits;
    private readonly double[] _scores;
    private readonly int _capacity;
    private readonly int _sampleMask;
    private readonly ulong _sampleSeed;
    private readonly int _period;
    private readonly int _miniatureCapacity;
    private MiniatureTinyLfu[]? _scouts; // half-size stand-ins, scored until the miniatures fill, then dropped
    private int _sampled;
    private int _choice;

    /// <param name="capacity">The real cache's capacity.</param>
    /// <param name="seed">Seed for sampling and the miniatures' sketches.</param>
    public MiniatureWindowSearch(int capacity, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        int rate = 1;
        while (capacity / ((long)rate * 2) >= MiniatureCapacity)
        {
            rate *= 2;
        }

        _capacity = capacity;
        _sampleMask = rate - 1;
        _sampleSeed = (seed * 0x9E37_79B9_7F4A_7C15UL) | 1;
        int miniatureCapacity = Math.Max(1, capacity / rate);
        _miniatures = Miniatures(miniatureCapacity, seed);
        _miniatureCapacity = miniatureCapacity;
        int scoutCapacity = miniatureCapacity / ScoutDivisor;
        _scouts = scoutCapacity >= MinimumScoutCapacity ? Miniatures(scoutCapacity, seed + (ulong)_miniatures.Length) : null;

        _hits = new long[_miniatures.Length];
        _scores = new double[_miniatures.Length];
        _period = Math.Max(MinimumPeriod, PeriodsPerCapacity * miniatureCapacity);
        SampleRate = rate;
    }

    /// <summary>One request in this many is replayed in the miniatures.</summary>
    public int SampleRate { get; }

    /// <summary>The window share currently chosen.</summary>
    public double WindowShare => WindowShares[_choice < WindowShares.Length ? _choice : _choice - WindowShares.Length];

    /// <summary>Whether the miniature chosen is a stale-evicting twin: the real cache should evict stale protected entries.</summary>
    public bool EvictsStaleProtected => _choice >= WindowShares.Length;

    /// <summary>The window size the real cache should move to: the chosen share of its capacity, at least one entry and, above one, less than the capacity.</summary>
    public int WindowTarget => WindowTinyLfuLayout.WindowSize(_capacity, WindowShare);

    /// <summary>Whether requests for <paramref name="hash"/> are replayed in the miniatures (a pure function of the hash).</summary>
    public bool Samples(int hash) => _sampleMask == 0 || (Sample(hash) & _sampleMask) == 0;

    /// <summary>Records a request (hit or miss) for <paramref name="hash"/>; returns whether a period ended and the choice was revisited.</summary>
    public bool Record(int hash)
    {
        if (!Samples(hash))
        {
            return false;
        }

        MiniatureTinyLfu[]? scouts = _scouts;
        if (scouts is not null && _miniatures[0].Count >= _miniatureCapacity)
        {
            _scouts = scouts = null;
        }

        for (int i = 0; i < _miniatures.Length; i++)
        {
            if (_miniatures[i].Access(hash) && scouts is null)
            {
                _hits[i]++;
            }
        }

        if (scouts is not null)
        {
            for (int i = 0; i < scouts.Length; i++)
            {
                if (scouts[i].Access(hash))
                {
                    _hits[i]++;
                }
            }
        }

        if (++_sampled < _period)
        {
            return false;
        }

        _sampled = 0;
        int best = 0;
        for (int i = 0; i < _scores.Length; i++)
        {
            _scores[i] = (_scores[i] * ScoreDecay) + _hits[i];
            _hits[i] = 0;
            if (_scores[i] > _scores[best])
            {
                best = i;
            }
        }

        // Move only when the lead is larger than the noise of counting hits (one standard deviation of the
        // difference of two Poisson counts), so sampling luck on a short or sparse trace does not thrash the window.
        double lead = _scores[best] - _scores[_choice];
        if (lead > Math.Sqrt(_scores[best] + _scores[_choice] + 1))
        {
            _choice = best;
        }

        return true;
    }

    /// <summary>One miniature per share, then a stale-evicting twin for each of the smallest shares.</summary>
    private static MiniatureTinyLfu[] Miniatures(int capacity, ulong seed)
    {
        // The twins come after every plain miniature: each reads its partner's sketch, which the partner counts first.
        var miniatures = new MiniatureTinyLfu[WindowShares.Length + StaleEvictingShares];
        for (int i = 0; i < WindowShares.Length; i++)
        {
            miniatures[i] = new MiniatureTinyLfu(capacity, WindowShares[i], seed + (ulong)i);
        }

        for (int i = 0; i < StaleEvictingShares; i++)
        {
            miniatures[WindowShares.Length + i] = miniatures[i].StaleEvictingTwin();
        }

        return miniatures;
    }

    private int Sample(int hash)
    {
        ulong x = ((ulong)(uint)hash ^ _sampleSeed) * 0x9E37_79B9_7F4A_7C15UL;
        return (int)((x ^ (x >> 31)) >> 20);
    }
}
