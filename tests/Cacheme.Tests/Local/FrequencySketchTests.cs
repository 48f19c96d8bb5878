using CachemeNet.Internal.Local;

namespace CachemeNet.Tests.Local;

public sealed class FrequencySketchTests
{
    [Fact]
    public void Counts_up_to_fifteen_and_saturates()
    {
        var sketch = new FrequencySketch(512, 99);
        for (int i = 0; i < 20; i++)
        {
            sketch.Increment(12345);
            Assert.Equal(Math.Min(i + 1, 15), sketch.Frequency(12345));
        }
    }

    [Fact]
    public void Estimates_never_undercount_and_rarely_overcount_unseen_keys()
    {
        var sketch = new FrequencySketch(1024, 7);
        for (int key = 0; key < 500; key++)
        {
            for (int n = 0; n < key % 4; n++)
            {
                sketch.Increment(key);
            }
        }

        for (int key = 0; key < 500; key++)
        {
            Assert.True(sketch.Frequency(key) >= key % 4);
        }

        int overcounted = Enumerable.Range(10_000, 1000).Count(k => sketch.Frequency(k) > 0);
        Assert.True(overcounted < 50, $"{overcounted} of 1000 unseen keys had a non-zero estimate");
    }

    [Fact]
    public void Halve_halves_every_counter()
    {
        var sketch = new FrequencySketch(1024, 1);
        for (int i = 0; i < 9; i++)
        {
            sketch.Increment(42);
        }

        sketch.Halve();
        Assert.Equal(4, sketch.Frequency(42));
    }

    [Fact]
    public void Ages_by_itself_after_ten_increments_per_entry()
    {
        var sketch = new FrequencySketch(1024, 1);
        Assert.Equal(10_240, sketch.SampleSize);
        for (int i = 0; i < 8; i++)
        {
            sketch.Increment(42);
        }

        for (int i = 0; i < sketch.SampleSize; i++)
        {
            sketch.Increment(1_000_000 + i);
        }

        // Without the reset, the estimate could only have grown from 8.
        Assert.True(sketch.Frequency(42) < 8, $"after the reset the estimate is {sketch.Frequency(42)}");
    }

    [Fact]
    public void Different_seeds_place_keys_differently()
    {
        // The per-instance seed is the hash-flooding guard: colliding keys found for one instance do not collide in another.
        var a = new FrequencySketch(64, 1);
        var b = new FrequencySketch(64, 2);
        for (int i = 0; i < 15; i++)
        {
            a.Increment(5);
            b.Increment(5);
        }

        int collidedInA = Enumerable.Range(100, 2000).Where(k => a.Frequency(k) == 15).Count();
        int collidedInBoth = Enumerable.Range(100, 2000).Count(k => a.Frequency(k) == 15 && b.Frequency(k) == 15);
        Assert.True(collidedInBoth < Math.Max(1, collidedInA), $"{collidedInBoth} keys collide under both seeds, {collidedInA} under one");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(15)]
    [InlineData(40)]
    public void Add_counts_like_that_many_increments(int count)
    {
        var added = new FrequencySketch(64, 5);
        var incremented = new FrequencySketch(64, 5);
        added.Add(777, count);
        for (int i = 0; i < count; i++)
        {
            incremented.Increment(777);
        }

        Assert.Equal(Math.Min(count, 15), added.Frequency(777));
        Assert.Equal(incremented.Frequency(777), added.Frequency(777));
    }

    [Fact]
    public void Add_progresses_towards_halving_as_increments_do()
    {
        // Sample size is 10 x 64 = 640 additions; 200 other keys added 5 times each pass it, so the hot key halves.
        var sketch = new FrequencySketch(64, 5);
        sketch.Add(424_242, 15);
        Assert.Equal(15, sketch.Frequency(424_242));
        for (int key = 1; key <= 200; key++)
        {
            sketch.Add(key * 7919, 5);
        }

        Assert.True(sketch.Frequency(424_242) < 15, $"the sketch never aged: {sketch.Frequency(424_242)}");
    }

    [Fact]
    public void Add_refuses_a_negative_count() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrequencySketch(64, 5).Add(1, -1));

    [Fact]
    public void A_minimum_width_widens_a_small_sketch_but_keeps_its_aging()
    {
        var narrow = new FrequencySketch(100, 3);
        var wide = new FrequencySketch(100, 3, minimumSlots: 4096);
        Assert.Equal(128, narrow.Slots);
        Assert.Equal(4096, wide.Slots);
        Assert.Equal(narrow.SampleSize, wide.SampleSize); // still ten increments per entry of capacity

        // 900 one-time keys (below the 1,000 that age the sketch): the narrow table fills up, the wide one stays sparse.
        for (int key = 0; key < 900; key++)
        {
            narrow.Increment(key);
            wide.Increment(key);
        }

        int narrowOvercounts = Enumerable.Range(10_000, 1000).Count(k => narrow.Frequency(k) > 0);
        int wideOvercounts = Enumerable.Range(10_000, 1000).Count(k => wide.Frequency(k) > 0);
        Assert.True(wideOvercounts * 10 < narrowOvercounts, $"unseen keys counted: {wideOvercounts} of 1000 wide, {narrowOvercounts} narrow");
    }

    [Fact]
    public void A_minimum_width_below_one_slot_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrequencySketch(64, 5, minimumSlots: 0));
}
