using CachemeNet;

namespace CachemeNet.Tests;

public sealed class BloomFilterTests
{
    [Fact]
    public void Added_keys_are_always_found()
    {
        var filter = new BloomFilter(10_000, 0.01);
        for (int i = 0; i < 5_000; i++)
        {
            Assert.False(filter.CheckAndAdd($"k{i}") && i == 0);
        }

        for (int i = 0; i < 5_000; i++)
        {
            Assert.True(filter.Contains($"k{i}"));
        }
    }

    [Fact]
    public void False_positive_rate_is_near_the_configured_rate()
    {
        var filter = new BloomFilter(10_000, 0.01);
        for (int i = 0; i < 9_999; i++)
        {
            filter.CheckAndAdd($"in{i}");
        }

        int falsePositives = Enumerable.Range(0, 100_000).Count(i => filter.Contains($"out{i}"));
        Assert.InRange(falsePositives / 100_000.0, 0, 0.02);
    }

    [Fact]
    public void Check_and_add_reports_whether_the_key_was_seen()
    {
        var filter = new BloomFilter(100, 0.01);
        Assert.False(filter.CheckAndAdd("a"));
        Assert.True(filter.CheckAndAdd("a"));
        Assert.Equal(1, filter.Insertions);
    }

    [Fact]
    public void Filter_clears_itself_when_insertions_reach_capacity()
    {
        var filter = new BloomFilter(10, 0.01);
        for (int i = 0; i < 9; i++)
        {
            filter.CheckAndAdd($"k{i}");
        }

        Assert.True(filter.Contains("k0"));
        filter.CheckAndAdd("k9");
        Assert.Equal(0, filter.Insertions);
        Assert.False(filter.Contains("k0"));
    }

    [Fact]
    public void Concurrent_adds_lose_no_key()
    {
        var filter = new BloomFilter(1_000_000, 0.001);
        Parallel.For(0, 4, t =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                filter.CheckAndAdd($"{t}:{i}");
            }
        });
        for (int t = 0; t < 4; t++)
        {
            for (int i = 0; i < 20_000; i++)
            {
                Assert.True(filter.Contains($"{t}:{i}"));
            }
        }
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BloomFilter(0, 0.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BloomFilter(10, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BloomFilter(10, 1));
    }
}
