using CachemeNet.Internal.Local;

namespace CachemeNet.Tests.Local;

public sealed class LocalEntryTests
{
    [Fact]
    public void Pending_reads_count_up_and_saturate()
    {
        var entry = new LocalEntry<int, int>(1, 1, 1);
        for (int i = 1; i <= 20; i++)
        {
            entry.MarkRead();
            Assert.Equal(Math.Min(i, LocalEntry<int, int>.MaxPendingReads), entry.PendingReads);
        }
    }

    [Fact]
    public void Taking_pending_reads_returns_them_and_clears_them()
    {
        var entry = new LocalEntry<int, int>(1, 1, 1);
        entry.MarkRead();
        entry.MarkRead();
        Assert.Equal(2, entry.TakePendingReads());
        Assert.Equal(0, entry.PendingReads);
        Assert.Equal(0, entry.TakePendingReads());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(LocalEntry<int, int>.MaxPendingReads)]
    public void A_replacement_inherits_the_pending_reads_plus_its_own_write(int reads)
    {
        int expected = Math.Min(reads + 1, LocalEntry<int, int>.MaxPendingReads);
        var replaced = new LocalEntry<int, int>(1, 1, 1);
        for (int i = 0; i < reads; i++)
        {
            replaced.MarkRead();
        }

        var replacement = new LocalEntry<int, int>(1, 2, 1);
        replacement.InheritPendingReads(replaced);
        Assert.Equal(expected, replacement.PendingReads);
    }

    [Fact]
    public async Task Concurrent_reads_never_push_the_count_past_its_maximum()
    {
        var entry = new LocalEntry<int, int>(1, 1, 1);
        using var start = new Barrier(2);
        int taken = 0;
        var reader = Task.Run(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < 200_000; i++)
            {
                entry.MarkRead();
            }
        });
        start.SignalAndWait();
        while (!reader.IsCompleted)
        {
            int reads = entry.TakePendingReads();
            Assert.InRange(reads, 0, LocalEntry<int, int>.MaxPendingReads);
            taken += reads;
        }

        await reader;
        Assert.InRange(entry.PendingReads, 0, LocalEntry<int, int>.MaxPendingReads);
        Assert.True(taken + entry.PendingReads > 0);
    }
}
