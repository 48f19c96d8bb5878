namespace CachemeNet.Internal.Local;

/// <summary>
/// Tunes the admission window's size. After each sample of requests it first asks which region earned the hits:
/// if the main space earned almost none while the window did (a recency workload: reuse comes soon or never), the
/// window grows by a large step (the main space is costing nothing it earns, so lending it to the window cannot
/// lose more than those few hits). Otherwise it hill-climbs: it compares the sample's hit ratio with the previous one and keeps
/// stepping the same way if it improved, else turns round. The step decays geometrically so the window settles, and
/// restarts at full size when the hit ratio moves sharply (the workload changed). Not thread-safe (used under the
/// maintenance lock).
/// </summary>
internal sealed class WindowClimber
{
    private const double FlatThreshold = 0.005;
    private readonly int _capacity;
    private readonly int _sampleSize;
    private readonly double _stepPercent;
    private readonly double _restartThreshold;
    private readonly double _decay;
    private readonly double _negligibleShare;
    private readonly double _boostPercent;
    private int _windowHits;
    private int _mainHits;
    private int _misses;
    private double _previousHitRatio;
    private double _step;

    /// <param name="capacity">The cache capacity.</param>
    /// <param name="sampleSize">Requests per sample.</param>
    /// <param name="stepPercent">The full step, as a fraction of the capacity.</param>
    /// <param name="restartThreshold">A change in hit ratio (0..1) that restarts the full step.</param>
    /// <param name="decay">The factor the step shrinks by after each sample.</param>
    /// <param name="negligibleShare">A region earning at most this share of a sample's hits earns "almost none".</param>
    /// <param name="boostPercent">The step, as a fraction of the capacity, by which the window grows when the main space earns almost none.</param>
    public WindowClimber(int capacity, int sampleSize, double stepPercent, double restartThreshold, double decay, double negligibleShare, double boostPercent)
    {
        _capacity = capacity;
        _sampleSize = Math.Max(1, sampleSize);
        _stepPercent = stepPercent;
        _restartThreshold = restartThreshold;
        _decay = decay;
        _negligibleShare = negligibleShare;
        _boostPercent = boostPercent;
        _step = -stepPercent * capacity;
    }

    /// <summary>Records a hit on an entry in the window (<paramref name="inWindow"/>) or in the main space.</summary>
    public void RecordHit(bool inWindow)
    {
        if (inWindow)
        {
            _windowHits++;
        }
        else
        {
            _mainHits++;
        }
    }

    public void RecordMiss() => _misses++;

    /// <summary>
    /// Tells the climber its last adjustment could not be applied because the window is at a bound: it turns
    /// round with a full step, so a flat hit ratio at the bound (e.g. 0 % with a one-entry window on a recency
    /// workload) does not pin the window there.
    /// </summary>
    public void Rebound(int requested)
    {
        _step = _stepPercent * _capacity * (requested > 0 ? -1 : 1);
    }

    /// <summary>
    /// When a sample is complete, returns how many entries to grow (positive) or shrink (negative) the window by,
    /// and starts the next sample; otherwise 0.
    /// </summary>
    public int TakeAdjustment()
    {
        int hits = _windowHits + _mainHits;
        int requests = hits + _misses;
        if (requests < _sampleSize)
        {
            return 0;
        }

        double hitRatio = (double)hits / requests;
        double amount;
        double negligible = _negligibleShare * hits;
        if (hits > 0 && _mainHits <= negligible)
        {
            amount = _boostPercent * _capacity;
            _step = _stepPercent * _capacity;
        }
        else
        {
            double change = hitRatio - _previousHitRatio;
            if (Math.Abs(change) < FlatThreshold)
            {
                // A plateau: keep going the same way at the same pace, so the climber crosses flat stretches
                // instead of wandering on noise.
                amount = _step;
            }
            else
            {
                amount = change >= 0 ? _step : -_step;
                _step = Math.Abs(change) >= _restartThreshold
                    ? _stepPercent * _capacity * (amount >= 0 ? 1 : -1)
                    : _decay * amount;
            }
        }

        _previousHitRatio = hitRatio;
        _windowHits = 0;
        _mainHits = 0;
        _misses = 0;
        return (int)Math.Round(amount);
    }
}
