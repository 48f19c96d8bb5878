using CachemeNet.Internal.Local;

namespace CachemeNet.Tests.Local;

public sealed class LruPolicyTests
{
    /// <summary>A full policy with entries 0 to <paramref name="count"/> - 1 added in order, each read once if <paramref name="read"/>.</summary>
    private static (LruPolicy<int, int> Policy, LocalEntry<int, int>[] Entries) Filled(int count, bool read = false)
    {
        var policy = new LruPolicy<int, int>(count);
        LocalEntry<int, int>[] entries = [.. Enumerable.Range(0, count).Select(k => new LocalEntry<int, int>(k, k, k))];
        foreach (LocalEntry<int, int> entry in entries)
        {
            policy.OnAdd(entry);
            if (read)
            {
                entry.MarkRead();
            }
        }

        return (policy, entries);
    }

    [Fact]
    public void Evicts_in_insertion_order_when_nothing_was_read()
    {
        (LruPolicy<int, int> policy, LocalEntry<int, int>[] entries) = Filled(4);
        Assert.Same(entries[0], policy.EvictOne());
        Assert.Same(entries[1], policy.EvictOne());
        Assert.False(policy.IsLinked(entries[0]));
        Assert.Equal(2, policy.Count);
    }

    [Fact]
    public void A_read_entry_gets_a_second_chance_and_its_reads_are_cleared()
    {
        (LruPolicy<int, int> policy, LocalEntry<int, int>[] entries) = Filled(4);
        entries[0].MarkRead();
        entries[1].MarkRead();
        entries[1].MarkRead();

        Assert.Same(entries[2], policy.EvictOne());
        Assert.Equal(0, entries[0].PendingReads);
        Assert.Equal(0, entries[1].PendingReads);

        // Passed over once, they are now the most recent after 3: unread since, 3 goes first, then 0 and 1 in turn.
        Assert.Same(entries[3], policy.EvictOne());
        Assert.Same(entries[0], policy.EvictOne());
        Assert.Same(entries[1], policy.EvictOne());
    }

    [Fact]
    public void When_every_entry_was_read_one_pass_clears_them_and_the_oldest_leaves()
    {
        (LruPolicy<int, int> policy, LocalEntry<int, int>[] entries) = Filled(5, read: true);

        Assert.Same(entries[0], policy.EvictOne());
        Assert.All(entries.Skip(1), entry => Assert.Equal(0, entry.PendingReads));
    }

    [Fact]
    public void One_eviction_passes_over_at_most_a_thousand_read_entries()
    {
        (LruPolicy<int, int> policy, LocalEntry<int, int>[] entries) = Filled(1500, read: true);

        // 0 to 999 get their second chance; then the head leaves although it was read.
        Assert.Same(entries[1000], policy.EvictOne());
        Assert.Equal(0, entries[999].PendingReads);
        Assert.Equal(1, entries[1001].PendingReads);
    }

    [Fact]
    public void An_update_makes_the_entry_the_most_recent()
    {
        (LruPolicy<int, int> policy, LocalEntry<int, int>[] entries) = Filled(3);
        var updated = new LocalEntry<int, int>(0, 100, 0);
        policy.OnReplace(entries[0], updated);

        Assert.False(policy.IsLinked(entries[0]));
        Assert.Same(entries[1], policy.EvictOne());
        Assert.Same(entries[2], policy.EvictOne());
        Assert.Same(updated, policy.EvictOne());
    }

    [Fact]
    public void Reads_are_counted_on_the_entries_and_never_buffered()
    {
        var policy = new LruPolicy<int, int>(10);
        Assert.All(Enumerable.Range(-500, 1000), hash => Assert.False(policy.BuffersReadsOf(hash)));
    }

    [Fact]
    public void Through_the_cache_a_key_read_since_the_last_eviction_outlives_older_unread_keys()
    {
        var cache = new BoundedLocalCache<int, string>(new LruPolicy<int, string>(3), new ManualTimeProvider(), MaintenanceMode.ThreadPool);
        cache.Set(1, "a", null);
        cache.Set(2, "b", null);
        cache.Set(3, "c", null);
        Assert.True(cache.TryGet(1, out _));

        cache.Set(4, "d", null);

        Assert.False(cache.TryGet(2, out _));
        Assert.True(cache.TryGet(1, out string? kept));
        Assert.Equal("a", kept);
        Assert.Equal(0, cache.DrainsScheduled);
    }
}
