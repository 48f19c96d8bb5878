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
}
