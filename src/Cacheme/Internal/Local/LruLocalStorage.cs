namespace CachemeNet.Internal.Local;

/// <summary>A simple, correct LRU with per-entry TTL behind one lock.</summary>
internal sealed class LruLocalStorage(int capacity, TimeProvider time) : ILocalStorage
{
    private readonly Dictionary<object, LinkedListNode<Entry>> _map = new(capacity);
    private readonly LinkedList<Entry> _order = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _map.Count;
            }
        }
    }

    public bool TryGet(object key, out object? value)
    {
        long now = time.GetUtcNow().UtcTicks;
        lock (_lock)
        {
            if (_map.TryGetValue(key, out LinkedListNode<Entry>? node))
            {
                if (node.Value.ExpiresAt > now)
                {
                    _order.Remove(node);
                    _order.AddFirst(node);
                    value = node.Value.Value;
                    return true;
                }

                _order.Remove(node);
                _map.Remove(key);
            }
        }

        value = null;
        return false;
    }

    public void Set(object key, object? value, TimeSpan? ttl)
    {
        long expires = ttl is { } t ? time.GetUtcNow().UtcTicks + t.Ticks : long.MaxValue;
        lock (_lock)
        {
            if (_map.TryGetValue(key, out LinkedListNode<Entry>? node))
            {
                node.Value = new Entry(key, value, expires);
                _order.Remove(node);
                _order.AddFirst(node);
                return;
            }

            if (_map.Count >= capacity)
            {
                LinkedListNode<Entry> last = _order.Last!;
                _order.RemoveLast();
                _map.Remove(last.Value.Key);
            }

            _map[key] = _order.AddFirst(new Entry(key, value, expires));
        }
    }

    public bool Remove(object key)
    {
        lock (_lock)
        {
            if (_map.Remove(key, out LinkedListNode<Entry>? node))
            {
                _order.Remove(node);
                return true;
            }

            return false;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _map.Clear();
            _order.Clear();
        }
    }

    public ValueTask DisposeAsync()
    {
        Clear();
        return ValueTask.CompletedTask;
    }

    private readonly record struct Entry(object Key, object? Value, long ExpiresAt);
}
