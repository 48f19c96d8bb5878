using CachemeNet.Internal.Local;

namespace CachemeNet.Tests.Local;

public sealed class MiniatureWindowSearchTests
{
    [Fact]
    public void Starts_with_the_smallest_window()
    {
        var search = new MiniatureWindowSearch(1000, 7);
        Assert.Equal(MiniatureWindowSearch.WindowShares[0], search.WindowShare);
        Assert.Equal(1, search.WindowTarget);
    }

    [Fact]
    public void Moves_to_a_large_window_on_a_recency_workload()
    {
        var search = new MiniatureWindowSearch(1000, 7);
        bool revisited = false;
        for (int i = 0; i < 20_000; i++)
        {
            // Used twice, 300 requests apart, then never again.
            revisited |= search.Record(i % 2 == 0 ? i / 2 : (i / 2) - 150);
        }

        Assert.True(revisited);
        Assert.True(search.WindowShare >= 0.5, $"chose {search.WindowShare}");
    }

    [Fact]
    public void Moves_on_a_recency_workload_before_the_cache_has_filled()
    {
        // Each key is used three times, 100 and 200 keys after its first use, then never again: a new key every third
        // request. The 1,000-key miniatures (every key sampled) evict nothing, so every share scores the same hits,
        // until the 1,000th key; the 500-key scouts fill after about 900 requests and tell the shares apart.
        var search = new MiniatureWindowSearch(1000, 7);
        var seen = new HashSet<int>();
        int requests = 0;
        int periods = 0;
        while (seen.Count < 1000)
        {
            int key = (requests / 3) - (100 * (requests % 3));
            requests++;
            seen.Add(key);
            periods += search.Record(key) ? 1 : 0;
        }

        Assert.True(periods > 0, "no period ended before the cache filled");
        Assert.True(search.WindowShare >= 0.5, $"chose {search.WindowShare} after {requests} requests and {periods} periods");
    }

    [Fact]
    public void Keeps_a_small_window_on_a_frequency_workload_with_scans()
    {
        var search = new MiniatureWindowSearch(200, 7);
        var random = new Random(3);
        int scan = 1_000_000;
        for (int i = 0; i < 50_000; i++)
        {
            int key = i % 3 == 0 ? scan++ : (int)(2000 * Math.Pow(random.NextDouble(), 4));
            search.Record(key);
        }

        Assert.True(search.WindowShare <= 0.05, $"chose {search.WindowShare}");
    }

    [Fact]
    public void Samples_large_caches_so_each_miniature_stays_small()
    {
        var search = new MiniatureWindowSearch(1_000_000, 7);
        Assert.True(search.SampleRate >= 256, $"rate {search.SampleRate}");
        Assert.InRange(1_000_000 / search.SampleRate, MiniatureWindowSearch.MiniatureCapacity, 2 * MiniatureWindowSearch.MiniatureCapacity);

        var small = new MiniatureWindowSearch(300, 7);
        Assert.Equal(1, small.SampleRate);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(100, 1)]
    [InlineData(1000, 1)]
    [InlineData(10_000, 10)]
    public void The_target_is_at_least_one_entry_and_below_the_capacity(int capacity, int expected)
    {
        var search = new MiniatureWindowSearch(capacity, 7);
        Assert.Equal(expected, search.WindowTarget);
    }

    [Fact]
    public void Samples_every_key_of_a_small_cache_and_one_in_the_rate_of_a_large_one()
    {
        var small = new MiniatureWindowSearch(1000, 7);
        Assert.Equal(1, small.SampleRate);
        Assert.All(Enumerable.Range(0, 1000), hash => Assert.True(small.Samples(hash)));

        var large = new MiniatureWindowSearch(100_000, 7);
        int sampled = Enumerable.Range(0, 100_000).Count(large.Samples);
        Assert.InRange(sampled, 100_000 / large.SampleRate * 0.8, 100_000 / large.SampleRate * 1.2);
    }

    [Fact]
    public void Records_only_the_requests_it_samples()
    {
        // A period is 2 x the miniature capacity sampled requests; unsampled keys never end one.
        var search = new MiniatureWindowSearch(100_000, 7);
        int unsampled = Enumerable.Range(0, 1_000_000).First(hash => !search.Samples(hash));
        for (int i = 0; i < 100_000; i++)
        {
            Assert.False(search.Record(unsampled));
        }
    }

    [Fact]
    public void Chooses_stale_eviction_when_popularity_shifts_often_and_never_on_a_loop()
    {
        var shifting = new MiniatureWindowSearch(1000, 7);
        int periodsWithTwin = 0;
        int periods = 0;
        foreach (int key in MiniatureTinyLfuTests.PopularityShifts(5, 50_000, 20_000))
        {
            if (shifting.Record(key))
            {
                periods++;
                periodsWithTwin += shifting.EvictsStaleProtected ? 1 : 0;
                Assert.True(!shifting.EvictsStaleProtected || shifting.WindowShare <= MiniatureWindowSearch.WindowShares[MiniatureWindowSearch.StaleEvictingShares - 1]);
            }
        }

        Assert.True(periodsWithTwin > periods / 4, $"stale eviction chosen after {periodsWithTwin} of {periods} periods");

        var looping = new MiniatureWindowSearch(200, 7);
        for (int i = 0; i < 100_000; i++)
        {
            looping.Record(i % 230);
            Assert.False(looping.EvictsStaleProtected);
        }
    }
}
