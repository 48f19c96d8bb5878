using CachemeNet.Internal.Local;

namespace CachemeNet.Tests.Local;

public sealed class TimerWheelTests
{
    private static TimedLocalEntry<int, int> Entry(int key, long expiresAt) => new(key, key, key, expiresAt);

    [Theory]
    [InlineData(1)]
    [InlineData(20_000_000)] // 2 s: level 0
    [InlineData(3_000_000_000)] // 5 min: level 1
    [InlineData(500_000_000_000)] // 14 h: level 2
    [InlineData(80_000_000_000_000)] // 93 days: level 3
    [InlineData(long.MaxValue - 1)] // beyond the wheel
    public void Expires_an_entry_at_its_time_and_not_before(long delay)
    {
        const long Start = 1_000_000_000;
        var wheel = new TimerWheel<int, int>(Start);
        var expired = new List<int>();
        long at = delay >= long.MaxValue - Start ? long.MaxValue - 1 : Start + delay;
        wheel.Schedule(Entry(1, at));

        // Walk the clock in coarse, uneven steps up to just before expiry: nothing may expire.
        long now = Start;
        long step = Math.Max(1, delay / 7);
        while (at - now > step && now < long.MaxValue / 2)
        {
            now += step;
            wheel.Advance(now, e => expired.Add(e.Key));
        }

        Assert.Empty(expired);
        if (at < long.MaxValue / 2)
        {
            // Once past the expiry (plus the bucket granularity of the finest level) it is gone.
            wheel.Advance(at + (1L << 25), e => expired.Add(e.Key));
            Assert.Equal([1], expired);
            Assert.Equal(0, wheel.Count);
        }
    }

    [Fact]
    public void Deschedule_removes_an_entry_and_is_idempotent()
    {
        var wheel = new TimerWheel<int, int>(0);
        var entry = Entry(1, 100);
        wheel.Schedule(entry);
        wheel.Schedule(Entry(2, 100));
        wheel.Deschedule(entry);
        wheel.Deschedule(entry);
        var expired = new List<int>();
        wheel.Advance(1L << 30, e => expired.Add(e.Key));
        Assert.Equal([2], expired);
    }

    [Fact]
    public void Many_entries_expire_in_order_of_their_buckets_and_none_is_lost()
    {
        var wheel = new TimerWheel<int, int>(0);
        var random = new Random(3);
        var expiries = Enumerable.Range(0, 10_000).Select(i => (Key: i, At: 1 + (long)(random.NextDouble() * 1e12))).ToArray();
        foreach ((int key, long at) in expiries)
        {
            wheel.Schedule(Entry(key, at));
        }

        var seen = new HashSet<int>();
        for (long now = 0; now <= 1_100_000_000_000; now += 7_777_777_777)
        {
            wheel.Advance(now, e =>
            {
                Assert.True(e.ExpiresAt <= now);
                Assert.True(seen.Add(e.Key));
            });
        }

        Assert.Equal(10_000, seen.Count);
    }
}
