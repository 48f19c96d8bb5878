namespace CachemeNet.Benchmarks.HitRate;

/// <summary>
/// A textbook least-recently-used cache over keys (a dictionary into a linked list, every hit moved to the front),
/// the reference the library's CLOCK-based <c>lru</c> approximates and the anchors' LRU column was measured with, so
/// matching that column checks the trace readers.
/// </summary>
internal static class ExactLruSimulator
{
    /// <summary>Replays <paramref name="trace"/> at <paramref name="capacity"/>; returns the hits.</summary>
    public static long Hits(long[] trace, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        var order = new LinkedList<long>();
        var nodes = new Dictionary<long, LinkedListNode<long>>(capacity);
        long hits = 0;
        foreach (long key in trace)
        {
            if (nodes.TryGetValue(key, out LinkedListNode<long>? node))
            {
                hits++;
                order.Remove(node);
                order.AddFirst(node);
                continue;
            }

            if (nodes.Count == capacity)
            {
                nodes.Remove(order.Last!.Value);
                order.RemoveLast();
            }

            nodes[key] = order.AddFirst(key);
        }

        return hits;
    }
}
