namespace CachemeNet.Internal.Local;

/// <summary>
/// How a Window TinyLFU divides its capacity, shared by the real policy (<see cref="WindowTinyLfuPolicy{TKey, TValue}"/>)
/// and its keys-only miniatures (<see cref="MiniatureTinyLfu"/>), so a miniature models the cache it advises.
/// </summary>
internal static class WindowTinyLfuLayout
{
    /// <summary>The protected segment's share of the main space (the rest is probation).</summary>
    public const double ProtectedShare = 0.80;

    /// <summary>The admission window for <paramref name="share"/> of <paramref name="capacity"/>: at least one entry and, above one, less than the capacity.</summary>
    public static int WindowSize(int capacity, double share) => Math.Clamp((int)(capacity * share), 1, Math.Max(1, capacity - 1));

    /// <summary>The protected segment's maximum when the window holds <paramref name="windowMaximum"/> of <paramref name="capacity"/>.</summary>
    public static int ProtectedMaximum(int capacity, int windowMaximum) => (int)((capacity - windowMaximum) * ProtectedShare);

    /// <summary>Throws unless <paramref name="share"/> is between 0 and 1.</summary>
    public static void ValidateShare(double share, string parameterName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(share, parameterName);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(share, 1.0, parameterName);
    }
}
