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
}
