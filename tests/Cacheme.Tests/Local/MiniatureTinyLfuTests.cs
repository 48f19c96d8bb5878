using CachemeNet.Internal.Local;

namespace CachemeNet.Tests.Local;

public sealed class MiniatureTinyLfuTests
{
    [Fact]
    public void Never_holds_more_keys_than_its_capacity()
    {
        var miniature = new MiniatureTinyLfu(50, 0.2, 3);
        var random = new Random(1);
        for (int i = 0; i < 20_000; i++)
        {
            miniature.Access(random.Next(500));
            Assert.True(miniature.Count <= 50, $"held {miniature.Count} keys");
        }

        Assert.Equal(50, miniature.Count);
    }

    [Fact]
    public void A_key_requested_again_while_held_hits()
    {
        var miniature = new MiniatureTinyLfu(10, 0.5, 3);
        Assert.False(miniature.Access(42));
        Assert.True(miniature.Access(42));
        Assert.True(miniature.Access(42));
    }

    [Fact]
    public void A_capacity_of_one_keeps_the_last_key()
    {
        var miniature = new MiniatureTinyLfu(1, 0.01, 3);
        Assert.False(miniature.Access(1));
        Assert.True(miniature.Access(1));
        Assert.False(miniature.Access(2));
        Assert.True(miniature.Access(2));
        Assert.Equal(1, miniature.Count);
    }

    [Fact]
    public void A_small_window_keeps_frequent_keys_through_a_scan_and_a_large_one_does_not()
    {
        static int HotHitsAfterScan(double windowShare)
        {
            var miniature = new MiniatureTinyLfu(100, windowShare, 3);
            for (int round = 0; round < 20; round++)
            {
                for (int hot = 0; hot < 50; hot++)
                {
                    miniature.Access(hot);
                }
            }

            for (int scan = 1000; scan < 3000; scan++)
            {
                miniature.Access(scan);
            }

            return Enumerable.Range(0, 50).Count(miniature.Access);
        }

        Assert.True(HotHitsAfterScan(0.01) >= 45, "a 1 % window let the scan flush the hot keys");
        Assert.True(HotHitsAfterScan(0.99) <= 5, "a 99 % window should behave like LRU and lose them");
    }

    [Fact]
    public void A_large_window_catches_reuse_that_a_small_one_refuses_to_admit()
    {
        // Every key is used twice, 40 requests apart, then never again: only recency helps.
        static int Hits(double windowShare)
        {
            var miniature = new MiniatureTinyLfu(100, windowShare, 3);
            int hits = 0;
            for (int i = 0; i < 20_000; i++)
            {
                int key = i % 2 == 0 ? i / 2 : (i / 2) - 20;
                hits += miniature.Access(key) ? 1 : 0;
            }

            return hits;
        }

        int small = Hits(0.01);
        int large = Hits(0.99);
        Assert.True(large > 9_000, $"99 % window: {large} hits");
        Assert.True(large > small * 2, $"99 % window {large} hits, 1 % window {small}");
    }

    /// <summary>
    /// Phases of Zipf(0.9) requests over <paramref name="keys"/> keys, each phase with its own order of popularity and its
    /// key range moved by half its width (so half the keys carry over with new popularity, half are new).
    /// </summary>
    internal static IEnumerable<int> PopularityShifts(int phases, int requestsPerPhase, int keys)
    {
        var cumulative = new double[keys];
        double total = 0;
        for (int rank = 0; rank < keys; rank++)
        {
            total += 1 / Math.Pow(rank + 1, 0.9);
            cumulative[rank] = total;
        }

        var random = new Random(7);
        for (int phase = 0; phase < phases; phase++)
        {
            int[] order = [.. Enumerable.Range(phase * keys / 2, keys)];
            random.Shuffle(order);
            for (int i = 0; i < requestsPerPhase; i++)
            {
                int rank = Array.BinarySearch(cumulative, random.NextDouble() * total);
                yield return order[rank < 0 ? ~rank : rank];
            }
        }
    }

    /// <summary>Hits of the plain miniature and its stale-evicting twin, fed the same requests (the plain one first).</summary>
    private static (int Plain, int Twin) HitsOfPair(int capacity, double windowShare, IEnumerable<int> requests)
    {
        var plain = new MiniatureTinyLfu(capacity, windowShare, 3);
        MiniatureTinyLfu twin = plain.StaleEvictingTwin();
        int plainHits = 0;
        int twinHits = 0;
        foreach (int key in requests)
        {
            plainHits += plain.Access(key) ? 1 : 0;
            twinHits += twin.Access(key) ? 1 : 0;
        }

        return (plainHits, twinHits);
    }

    [Fact]
    public void A_stale_evicting_twin_wins_when_popularity_shifts_often_and_loses_on_a_loop()
    {
        // Phases of 50,000 requests: the previous phase's keys fill protected, and the twin lets them go sooner.
        (int plain, int twin) = HitsOfPair(1000, 0.01, PopularityShifts(5, 50_000, 20_000));
        Assert.True(twin > plain + 2_000, $"twin {twin} hits, plain {plain}");

        // A loop a little longer than the capacity: protected's oldest key is the next one read, so evicting it costs.
        (plain, twin) = HitsOfPair(200, 0.01, Enumerable.Range(0, 100_000).Select(i => i % 230));
        Assert.True(plain > twin + 10_000, $"plain {plain} hits, twin {twin}");
    }

    [Fact]
    public void A_twin_is_made_from_a_miniature_that_keeps_its_own_sketch()
    {
        var plain = new MiniatureTinyLfu(10, 0.1, 3);
        MiniatureTinyLfu twin = plain.StaleEvictingTwin();
        Assert.False(plain.EvictsStaleProtected);
        Assert.True(twin.EvictsStaleProtected);
        Assert.Throws<InvalidOperationException>(twin.StaleEvictingTwin);
    }
}
