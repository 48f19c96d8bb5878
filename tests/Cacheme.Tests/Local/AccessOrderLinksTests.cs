using CachemeNet.Internal.Local;

namespace CachemeNet.Tests.Local;

public sealed class AccessOrderLinksTests
{
    private static LocalEntry<int, int> Entry(int key) => new(key, key, key);

    [Fact]
    public void A_new_entry_is_not_linked_until_it_gets_a_slot()
    {
        var links = new AccessOrderLinks<int, int>(100);
        LocalEntry<int, int> entry = Entry(1);
        Assert.False(links.IsLinked(entry));
        Assert.Equal(EntryQueue.None, links.QueueOf(entry));

        links.Link(entry);
        Assert.True(links.IsLinked(entry));
        Assert.Equal(EntryQueue.None, links.QueueOf(entry));
    }

    [Fact]
    public void An_unlinked_entry_stays_unlinked_after_its_slot_is_reused()
    {
        var links = new AccessOrderLinks<int, int>(100);
        LocalEntry<int, int> old = Entry(1);
        links.Link(old);
        int slot = old.Slot;
        links.Unlink(old);

        LocalEntry<int, int> reuser = Entry(2);
        links.Link(reuser);

        Assert.Equal(slot, reuser.Slot); // the free list hands the slot out again
        Assert.Equal(slot, old.Slot); // the late reader's view of the old entry still names it
        Assert.False(links.IsLinked(old));
        Assert.True(links.IsLinked(reuser));
    }

    [Fact]
    public void Replace_hands_the_slot_and_queue_position_to_the_replacement()
    {
        var links = new AccessOrderLinks<int, int>(100);
        var queue = new AccessOrderDeque<int, int>(links, EntryQueue.Protected);
        LocalEntry<int, int> first = Entry(1);
        LocalEntry<int, int> existing = Entry(2);
        LocalEntry<int, int> last = Entry(3);
        foreach (LocalEntry<int, int> entry in new[] { first, existing, last })
        {
            links.Link(entry);
            queue.AddLast(entry);
        }

        LocalEntry<int, int> replacement = Entry(2);
        links.Replace(existing, replacement);

        Assert.False(links.IsLinked(existing));
        Assert.True(links.IsLinked(replacement));
        Assert.Equal(EntryQueue.Protected, links.QueueOf(replacement));
        Assert.Same(replacement, queue.NextOf(first));
        Assert.Same(last, queue.NextOf(replacement));
    }

    [Fact]
    public void Grows_past_its_first_arrays_and_clear_unlinks_everything()
    {
        var links = new AccessOrderLinks<int, int>(999);
        var entries = Enumerable.Range(0, 1_000).Select(Entry).ToList();
        entries.ForEach(links.Link);
        Assert.All(entries, entry => Assert.True(links.IsLinked(entry)));
        Assert.Equal(1_000, entries.Select(entry => entry.Slot).Distinct().Count());
        Assert.Equal(1_000, links.Length); // doubled from 16, then capped at capacity + 1 instead of 1,024

        links.Clear();
        Assert.All(entries, entry => Assert.False(links.IsLinked(entry)));
    }
}
