using CachemeNet.Internal.Local;

namespace CachemeNet.Tests.Local;

public sealed class AccessOrderDequeTests
{
    private readonly AccessOrderLinks<int, int> _links = new(100);

    private LocalEntry<int, int> Linked(int key)
    {
        var entry = new LocalEntry<int, int>(key, key, key);
        _links.Link(entry);
        return entry;
    }

    private static List<int> Keys(AccessOrderDeque<int, int> queue)
    {
        var keys = new List<int>();
        for (LocalEntry<int, int>? entry = queue.First; entry is not null; entry = queue.NextOf(entry))
        {
            keys.Add(entry.Key);
        }

        return keys;
    }

    [Fact]
    public void Keeps_access_order_through_appends_moves_and_removals()
    {
        var queue = new AccessOrderDeque<int, int>(_links, EntryQueue.Window);
        LocalEntry<int, int>[] entries = [.. Enumerable.Range(1, 4).Select(Linked)];
        foreach (LocalEntry<int, int> entry in entries)
        {
            queue.AddLast(entry);
        }

        queue.MoveToLast(entries[0]); // 2 3 4 1
        queue.MoveToLast(entries[0]); // already last: unchanged
        queue.Remove(entries[2]); // 2 4 1
        queue.Remove(entries[1]); // head: 4 1

        Assert.Equal([4, 1], Keys(queue));
        Assert.Equal(2, queue.Count);
        Assert.Same(entries[3], queue.First);
        Assert.Same(entries[0], queue.Last);
        Assert.Equal(EntryQueue.None, _links.QueueOf(entries[2]));
        Assert.Equal(EntryQueue.Window, _links.QueueOf(entries[3]));
    }

    [Fact]
    public void Queues_sharing_links_move_entries_between_them()
    {
        var probation = new AccessOrderDeque<int, int>(_links, EntryQueue.Probation);
        var protectedQueue = new AccessOrderDeque<int, int>(_links, EntryQueue.Protected);
        LocalEntry<int, int> a = Linked(1);
        LocalEntry<int, int> b = Linked(2);
        probation.AddLast(a);
        probation.AddLast(b);

        probation.Remove(a);
        protectedQueue.AddLast(a);

        Assert.Equal([2], Keys(probation));
        Assert.Equal([1], Keys(protectedQueue));
        Assert.Equal(EntryQueue.Protected, _links.QueueOf(a));
        Assert.Null(protectedQueue.NextOf(a));

        probation.Clear();
        Assert.Null(probation.First);
        Assert.Equal(0, probation.Count);
    }

    [Fact]
    public void AddNew_links_and_appends_and_Release_removes_and_unlinks()
    {
        var queue = new AccessOrderDeque<int, int>(_links, EntryQueue.Window);
        var entry = new LocalEntry<int, int>(7, 7, 7);

        queue.AddNew(entry);
        Assert.True(_links.IsLinked(entry));
        Assert.Same(entry, queue.Last);

        queue.Release(entry);
        Assert.False(_links.IsLinked(entry));
        Assert.Equal(0, queue.Count);
        Assert.Null(queue.First);
    }
}
