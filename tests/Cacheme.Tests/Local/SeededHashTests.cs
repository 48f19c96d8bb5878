using System.Numerics;
using CachemeNet.Internal.Local;

namespace CachemeNet.Tests.Local;

public sealed class SeededHashTests
{
    [Fact]
    public void The_same_hash_and_seed_always_mix_to_the_same_value()
    {
        Assert.Equal(SeededHash.Mix(12345, 7), SeededHash.Mix(12345, 7));
    }

    [Fact]
    public void Another_seed_mixes_the_same_hashes_to_other_values()
    {
        int same = Enumerable.Range(0, 1000).Count(h => SeededHash.Mix(h, 7) == SeededHash.Mix(h, 8));
        Assert.Equal(0, same);
    }

    [Fact]
    public void Consecutive_hashes_differ_in_about_half_of_the_bits()
    {
        // Dense integer keys (ids) must not land on neighbouring counters or filter bits.
        double averageFlips = Enumerable.Range(0, 10_000)
            .Average(h => BitOperations.PopCount(SeededHash.Mix(h, 7) ^ SeededHash.Mix(h + 1, 7)));
        Assert.InRange(averageFlips, 28, 36);
    }
}
