using CachemeNet.Internal.Local;

namespace CachemeNet.Tests.Local;

public sealed class WindowClimberTests
{
    private static WindowClimber Create() =>
        new(capacity: 1000, sampleSize: 100, stepPercent: 0.0625, restartThreshold: 0.05, decay: 0.98, negligibleShare: 0.05, boostPercent: 0.25);

    private static void Sample(WindowClimber climber, int windowHits, int mainHits, int misses)
    {
        for (int i = 0; i < windowHits; i++)
        {
            climber.RecordHit(inWindow: true);
        }

        for (int i = 0; i < mainHits; i++)
        {
            climber.RecordHit(inWindow: false);
        }

        for (int i = 0; i < misses; i++)
        {
            climber.RecordMiss();
        }
    }

    [Fact]
    public void Makes_no_adjustment_before_a_sample_is_complete()
    {
        var climber = Create();
        Sample(climber, 10, 10, 79);
        Assert.Equal(0, climber.TakeAdjustment());
    }

    [Fact]
    public void Grows_the_window_by_the_boost_when_the_main_space_earns_almost_no_hits()
    {
        var climber = Create();
        Sample(climber, windowHits: 40, mainHits: 1, misses: 59);
        Assert.Equal(250, climber.TakeAdjustment());
        Sample(climber, windowHits: 40, mainHits: 2, misses: 58);
        Assert.Equal(250, climber.TakeAdjustment());
    }

    [Fact]
    public void Hill_climbs_when_both_regions_earn_hits()
    {
        var climber = Create();
        Sample(climber, windowHits: 10, mainHits: 30, misses: 60);
        int first = climber.TakeAdjustment();
        Assert.True(first < 0, $"first adjustment {first}"); // Caffeine's start: a full step down

        Sample(climber, windowHits: 5, mainHits: 20, misses: 75); // worse: turn round
        Assert.True(climber.TakeAdjustment() > 0);
    }

    [Fact]
    public void Does_not_boost_when_nothing_hits()
    {
        var climber = Create();
        Sample(climber, 0, 0, 100);
        Assert.NotEqual(250, climber.TakeAdjustment());
    }
}
