using System.Collections.Concurrent;

namespace CachemeNet.Tests.Fakes;

/// <summary>
/// A local tier over a dictionary (no TTL, no bound) that runs a hook once, right after a lookup has found an entry and
/// before the caller gets it: the moment between a read of this tier and what the reader does with the value.
/// </summary>
public sealed class HookedLocalStorage : ILocalStorage
{
    private readonly ConcurrentDictionary<object, object?> _entries = new();
    private Action? _afterHit;

    /// <summary>Runs <paramref name="hook"/> after the next lookup that finds an entry.</summary>
    public void AfterNextHit(Action hook) => _afterHit = hook;

    public int Count => _entries.Count;

    public bool TryGet(object key, out object? value)
    {
        bool found = _entries.TryGetValue(key, out value);
        if (found && Interlocked.Exchange(ref _afterHit, null) is { } hook)
        {
            hook();
        }

        return found;
    }

    public void Set(object key, object? value, TimeSpan? ttl) => _entries[key] = value;

    public bool Remove(object key) => _entries.TryRemove(key, out _);

    public void Clear() => _entries.Clear();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
