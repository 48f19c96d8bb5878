namespace CachemeNet.Benchmarks.Replay;

/// <summary>
/// Zipf-like integers k in [0, imax] with P(k) proportional to (v + k)^-s, sampled by rejection-inversion
/// (W. Hörmann and G. Derflinger, "Rejection-inversion to generate variates from monotone discrete distributions",
/// ACM TOMACS 6(3), 1996) -- the generator cacheme's benchmark uses, written here from the paper's description.
/// </summary>
internal sealed class ZipfSampler
{
    private readonly double _s;
    private readonly double _v;
    private readonly int _imax;
    private readonly double _oneMinusS;
    private readonly double _oneMinusSInverse;
    private readonly double _hImaxHalf;
    private readonly double _hSpan;
    private readonly double _squeeze;
    private readonly Random _random;

    public ZipfSampler(double s, double v, int imax, int seed)
    {
        if (s <= 1 || v < 1 || imax < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(s), "Needs s > 1, v >= 1 and imax >= 1.");
        }

        (_s, _v, _imax) = (s, v, imax);
        _oneMinusS = 1 - s;
        _oneMinusSInverse = 1 / _oneMinusS;
        _hImaxHalf = H(imax + 0.5);
        _hSpan = H(0.5) - Math.Exp(Math.Log(v) * -s) - _hImaxHalf;
        _squeeze = 1 - HInverse(H(1.5) - Math.Exp(-s * Math.Log(v + 1)));
        _random = new Random(seed);
    }

    public int Next()
    {
        while (true)
        {
            double u = _hImaxHalf + (_random.NextDouble() * _hSpan);
            double x = HInverse(u);
            double k = Math.Floor(x + 0.5);
            if (k - x <= _squeeze || u >= H(k + 0.5) - Math.Exp(-Math.Log(k + _v) * _s))
            {
                return (int)Math.Clamp(k, 0, _imax);
            }
        }
    }

    // H(x) = (v + x)^(1 - s) / (1 - s): the integral of the hat function (v + x)^-s.
    private double H(double x) => Math.Exp(_oneMinusS * Math.Log(_v + x)) * _oneMinusSInverse;

    private double HInverse(double y) => Math.Exp(_oneMinusSInverse * Math.Log(_oneMinusS * y)) - _v;
}
