using System.Collections.Concurrent;

namespace CachemeNet.Internal;

/// <summary>
/// Maps full keys to the node records their local entries are stored under, so an invalidation that arrives from another
/// process as a key string can drop the local entry. Kept only while a backplane is attached; entries whose node has left
/// every local tier are swept once the index doubles, so it stays proportional to the local tiers' contents.
/// </summary>
internal sealed class LocalKeyIndex(Func<object, bool> isStillLocal)
{
    private const int MinimumSweep = 4096;
    private readonly ConcurrentDictionary<string, object> _nodes = new(StringComparer.Ordinal);
    private int _sweepAt = MinimumSweep;
    private int _sweeping;

    public int Count => _nodes.Count;

    public void Track(string key, object node)
    {
        _nodes[key] = node;
        if (_nodes.Count > Volatile.Read(ref _sweepAt) && Interlocked.Exchange(ref _sweeping, 1) == 0)
        {
            try
            {
                foreach (KeyValuePair<string, object> entry in _nodes)
                {
                    if (!isStillLocal(entry.Value))
                    {
                        _nodes.TryRemove(entry);
                    }
                }

                Volatile.Write(ref _sweepAt, Math.Max(MinimumSweep, _nodes.Count * 2));
            }
            finally
            {
                Volatile.Write(ref _sweeping, 0);
            }
        }
    }

    public object? Take(string key) => _nodes.TryRemove(key, out object? node) ? node : null;
}
