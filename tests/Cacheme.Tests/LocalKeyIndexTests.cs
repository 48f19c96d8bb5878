using CachemeNet.Internal;

namespace CachemeNet.Tests;

public sealed class LocalKeyIndexTests
{
    [Fact]
    public void Take_returns_the_tracked_node_once()
    {
        var index = new LocalKeyIndex(_ => true);
        var node = new object();
        index.Track("k", node);
        Assert.Same(node, index.Take("k"));
        Assert.Null(index.Take("k"));
    }

    [Fact]
    public void Entries_whose_node_left_the_local_tiers_are_swept_when_the_index_grows()
    {
        var live = new HashSet<object>();
        var index = new LocalKeyIndex(live.Contains);
        for (int i = 0; i < 5000; i++)
        {
            var node = new object();
            if (i % 10 == 0)
            {
                live.Add(node);
            }

            index.Track($"k{i}", node);
        }

        Assert.InRange(index.Count, 500, 1500); // swept once past 4,096: only live entries and later ones remain
        Assert.NotNull(index.Take("k0"));
    }
}
