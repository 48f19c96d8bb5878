using CachemeNet.Internal.Local;

namespace CachemeNet.Tests.Local;

public sealed class EntryTableTests
{
    private static LocalEntry<int, int> Entry(EntryTable<int, int> table, int key, int value) => new(key, value, table.HashOf(key));

    [Fact]
    public void Adds_finds_replaces_and_removes_across_growth()
    {
        var table = new EntryTable<int, int>(10_000, null);
        for (int k = 0; k < 10_000; k++)
        {
            table.Add(Entry(table, k, k));
        }

        Assert.Equal(10_000, table.Count);
        for (int k = 0; k < 10_000; k++)
        {
            Assert.Equal(k, table.Find(k)!.Value);
        }

        LocalEntry<int, int> old = table.Find(42)!;
        table.Replace(old, Entry(table, 42, -42));
        Assert.Equal(-42, table.Find(42)!.Value);
        Assert.False(table.Remove(old));
        Assert.True(table.Remove(table.Find(42)!));
        Assert.Null(table.Find(42));
        Assert.Null(table.Find(10_001));
        Assert.Equal(9_999, table.Count);
    }

    [Theory]
    [InlineData(0)] // dense ids 0, 1, 2, ...
    [InlineData(16)] // hashes that differ only above the low 16 bits the bucket mask keeps
    public void Spreads_dense_and_high_bit_keys_one_per_bucket(int shift)
    {
        var table = new EntryTable<int, int>(4_096, null);
        for (int k = 0; k < 4_096; k++)
        {
            table.Add(Entry(table, k << shift, k));
        }

        Assert.Equal(1, table.LongestChain());
        Assert.Equal(4_095, table.Find(4_095 << shift)!.Value);
    }

    [Fact]
    public void A_probe_finds_the_entry_it_matches_among_keys_of_the_same_hash()
    {
        var table = new EntryTable<string, int>(100, StringComparer.Ordinal);
        table.Add(new LocalEntry<string, int>("a:1", 1, 7)); // three keys given one hash, so one chain
        table.Add(new LocalEntry<string, int>("b:2", 2, 7));
        table.Add(new LocalEntry<string, int>("c:3", 3, 7));

        Assert.Equal(2, table.Find(new PrefixProbe("b"), 7)!.Value);
        Assert.Equal(1, table.Find(new PrefixProbe("a"), 7)!.Value);
        Assert.Null(table.Find(new PrefixProbe("d"), 7));
        Assert.Null(table.Find(new PrefixProbe("b"), 8)); // the probe is asked only about keys of its hash
    }

    private readonly struct PrefixProbe(string prefix) : IKeyProbe<string>
    {
        public bool Matches(string candidate) => candidate.StartsWith(prefix + ":", StringComparison.Ordinal);
    }

    [Fact]
    public void Uses_the_given_comparer()
    {
        var table = new EntryTable<string, int>(4, StringComparer.OrdinalIgnoreCase);
        table.Add(new LocalEntry<string, int>("Key", 1, table.HashOf("Key")));
        Assert.Equal(1, table.Find("KEY")!.Value);
        Assert.NotNull(table.FindLocked("key", table.HashOf("key")));
    }

    [Fact]
    public async Task Readers_never_miss_a_present_key_while_the_writer_grows_replaces_and_removes()
    {
        const int Stable = 1_000;
        var table = new EntryTable<int, int>(1 << 17, null);
        var writerLock = new Lock();
        for (int k = 0; k < Stable; k++)
        {
            table.Add(Entry(table, k, k));
        }

        int misses = 0;
        Task writer = Task.Run(() =>
        {
            for (int k = Stable; k < 100_000; k++)
            {
                lock (writerLock)
                {
                    table.Add(Entry(table, k, k)); // grows the table 7 times
                    int stable = k % Stable;
                    table.Replace(table.FindLocked(stable, table.HashOf(stable))!, Entry(table, stable, stable));
                    if (k % 3 == 0)
                    {
                        table.Remove(table.FindLocked(k, table.HashOf(k))!);
                    }
                }
            }
        });
        Task reader = Task.Run(() =>
        {
            while (!writer.IsCompleted)
            {
                for (int k = 0; k < Stable; k++)
                {
                    if (table.Find(k) is not { } entry || entry.Value != k)
                    {
                        Interlocked.Increment(ref misses);
                    }
                }
            }
        });
        await Task.WhenAll(writer, reader);
        Assert.Equal(0, misses);
        Assert.Equal(Stable + 99_000 - 33_000, table.Count);
    }
}
