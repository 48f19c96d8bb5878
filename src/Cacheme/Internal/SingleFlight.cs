using System.Collections.Concurrent;

namespace CachemeNet.Internal;

/// <summary>The table of in-flight reads by full key: the first caller for a key leads, later callers join.</summary>
internal sealed class SingleFlight<T>
{
    private readonly ConcurrentDictionary<string, Flight<T>> _flights = new(StringComparer.Ordinal);

    public int Count => _flights.Count;

    /// <summary>Joins the key's flight, or creates one and makes the caller its leader.</summary>
    public Flight<T> JoinOrLead(string key, out bool leader)
    {
        while (true)
        {
            if (_flights.TryGetValue(key, out Flight<T>? existing))
            {
                if (existing.TryJoin())
                {
                    leader = false;
                    return existing;
                }

                // Abandoned but not yet removed: take it out and try again.
                _flights.TryRemove(KeyValuePair.Create(key, existing));
                continue;
            }

            var created = new Flight<T>(key);
            if (_flights.TryAdd(key, created))
            {
                leader = true;
                return created;
            }
        }
    }

    /// <summary>Removes this flight, never another one that has since taken its key.</summary>
    public void Remove(Flight<T> flight) => _flights.TryRemove(KeyValuePair.Create(flight.Key, flight));

    /// <summary>Detaches the key's current flight so later callers start afresh (used by invalidation).</summary>
    public void Forget(string key) => _flights.TryRemove(key, out _);

    /// <summary>Waits for the flight with the caller's own token; a cancelled wait leaves only this caller's seat.</summary>
    public async ValueTask<T> WaitAsync(Flight<T> flight, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled || flight.Task.IsCompleted)
        {
            return await flight.Task.ConfigureAwait(false);
        }

        try
        {
            return await flight.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !flight.Task.IsCompleted)
        {
            Leave(flight);
            throw;
        }
    }

    /// <summary>A waiter gives up; the last one abandons the flight and cancels its work.</summary>
    public void Leave(Flight<T> flight)
    {
        if (flight.Leave())
        {
            Remove(flight);
            flight.CancelWork();
        }
    }
}
