namespace CachemeNet.Internal.Local;

/// <summary>
/// Lets a read of an entry with a TTL skip the precise clock while the entry is far from its expiry. Reading the precise
/// monotonic clock (<see cref="System.Diagnostics.Stopwatch"/>, CLOCK_MONOTONIC) costs 20-30 ns on a virtual machine, as
/// much as the rest of a hit; <see cref="Environment.TickCount64"/> costs about 5 ns but advances only every 1-16 ms.
/// At write, read before the precise clock, the coarse clock gives the entry a time until which it is certainly fresh:
/// its TTL less <see cref="MarginMilliseconds"/>, more than the coarse clock's step on any platform. A read before then
/// is a hit without the precise clock; in the last <see cref="MarginMilliseconds"/>, and always under a
/// <see cref="TimeProvider"/> other than <see cref="TimeProvider.System"/> (a fake clock in tests), it checks the precise
/// deadline, so an entry is never served past its TTL.
/// </summary>
internal static class CoarseExpiry
{
    /// <summary>How long before the precise deadline reads go back to the precise clock.</summary>
    public const long MarginMilliseconds = 32;

    /// <summary>A coarse freshness that never holds: every read checks the precise deadline.</summary>
    public const long Never = long.MinValue;

    /// <summary>The coarse clock, in milliseconds.</summary>
    public static long Now => Environment.TickCount64;

    /// <summary>
    /// Until when (coarse milliseconds) an entry written at coarse time <paramref name="coarseNow"/> with
    /// <paramref name="timeToLive"/> is certainly fresh, or <see cref="Never"/> when the TTL is within the margin.
    /// </summary>
    public static long FreshUntil(long coarseNow, TimeSpan timeToLive)
    {
        long certain = (timeToLive.Ticks / TimeSpan.TicksPerMillisecond) - MarginMilliseconds;
        if (certain <= 0)
        {
            return Never;
        }

        return certain < long.MaxValue - coarseNow ? coarseNow + certain : long.MaxValue;
    }

    /// <summary>
    /// Until when a value written now under <paramref name="time"/> with <paramref name="timeToLive"/> (null: none) is
    /// certainly fresh: <see cref="Never"/> under any clock but <see cref="TimeProvider.System"/>, which must then decide
    /// every expiry itself. Read it before the precise clock.
    /// </summary>
    public static long For(TimeProvider time, TimeSpan? timeToLive) =>
        !ReferenceEquals(time, TimeProvider.System) ? Never
        : timeToLive is { } ttl ? FreshUntil(Now, ttl)
        : long.MaxValue;

    /// <summary>Whether an entry certainly fresh until <paramref name="freshUntil"/> is still so by the coarse clock.</summary>
    public static bool IsFresh(long freshUntil) => freshUntil > Now;
}
