using CachemeNet.Internal.Local;

namespace CachemeNet.Tests.Local;

public sealed class CoarseExpiryTests
{
    [Fact]
    public void An_entry_is_certainly_fresh_until_its_ttl_less_the_margin()
    {
        Assert.Equal(1_000 + 60_000 - CoarseExpiry.MarginMilliseconds, CoarseExpiry.FreshUntil(1_000, TimeSpan.FromMinutes(1)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    public void A_ttl_within_the_margin_always_checks_the_precise_deadline(int milliseconds)
    {
        long freshUntil = CoarseExpiry.FreshUntil(CoarseExpiry.Now, TimeSpan.FromMilliseconds(milliseconds));

        Assert.Equal(CoarseExpiry.Never, freshUntil);
        Assert.False(CoarseExpiry.IsFresh(freshUntil));
    }

    [Fact]
    public void A_huge_ttl_saturates_instead_of_overflowing()
    {
        Assert.Equal(long.MaxValue, CoarseExpiry.FreshUntil(long.MaxValue - 10, TimeSpan.MaxValue));
        Assert.True(CoarseExpiry.IsFresh(CoarseExpiry.FreshUntil(CoarseExpiry.Now, TimeSpan.MaxValue)));
    }

    [Fact]
    public void Only_the_system_clock_gets_a_coarse_freshness_and_no_ttl_is_fresh_for_ever()
    {
        Assert.Equal(CoarseExpiry.Never, CoarseExpiry.For(new ManualTimeProvider(), TimeSpan.FromMinutes(1)));
        Assert.Equal(long.MaxValue, CoarseExpiry.For(TimeProvider.System, null));
        Assert.True(CoarseExpiry.IsFresh(CoarseExpiry.For(TimeProvider.System, TimeSpan.FromMinutes(1))));
    }
}
