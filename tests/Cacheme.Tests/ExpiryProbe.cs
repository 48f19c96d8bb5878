using System.Diagnostics;

namespace CachemeNet.Tests;

/// <summary>
/// Checks that a value written with a TTL on the system clock is served until its deadline and never after: the write
/// happens inside <see cref="WriteAsync"/>'s bracket of timestamps, then reads run in a tight loop across the deadline.
/// No read of the old value may start after the latest possible deadline, and the first read past it may not end before
/// the earliest. Polls with a 10 s limit instead of sleeping.
/// </summary>
internal static class ExpiryProbe
{
    /// <param name="ttl">The TTL the write used.</param>
    /// <param name="write">Writes the value.</param>
    /// <param name="readsOld">Reads once; true while the written value is still served.</param>
    /// <returns>How many reads were served the old value.</returns>
    public static async Task<int> AssertExactAsync(TimeSpan ttl, Func<Task> write, Func<ValueTask<bool>> readsOld)
    {
        long before = Stopwatch.GetTimestamp();
        await write();
        long after = Stopwatch.GetTimestamp();
        long ttlTimestamps = (long)(ttl.TotalSeconds * Stopwatch.Frequency);
        long giveUp = after + (10 * Stopwatch.Frequency);
        int served = 0;
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            bool old = await readsOld();
            long end = Stopwatch.GetTimestamp();
            if (!old)
            {
                Assert.True(end >= before + ttlTimestamps, "expired before its deadline");
                return served;
            }

            Assert.True(start < after + ttlTimestamps, "served after its deadline");
            served++;
            Assert.True(end < giveUp, "never expired");
        }
    }
}
