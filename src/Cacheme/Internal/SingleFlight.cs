using System.Collections.Concurrent;

namespace CachemeNet.Internal;

/// <summary>The table of in-flight reads by full key: the first caller for a key leads, later callers join.</summary>
/// <param name="countDeferred">
/// Counts the joiners that handed their statistics to a flight (<see cref="Flight{T}.TryJoin"/>) when it settles: the
/// flight, how many, and whether it failed. Without it no joiner can defer.
/// </param>
internal sealed class SingleFlight<T>(Action<Flight<T>, int, bool>? countDeferred = null)
{
    private readonly ConcurrentDictionary<string, Flight<T>> _flights = new(StringComparer.Ordinal);

    public int Count => _flights.Count;

    /// <summary>Joins the key's flight, or creates one and makes the caller its leader.</summary>
    public Flight<T> JoinOrLead(string key, out bool leader) => JoinOrLead(key, defer: false, out leader, out _);

    /// <summary>
    /// Joins the key's flight, handing the joiner's statistics to it when <paramref name="defer"/> and it still can
    /// (<paramref name="deferred"/>), or creates one and makes the caller its leader.
    /// </summary>
    public Flight<T> JoinOrLead(string key, bool defer, out bool leader, out bool deferred)
    {
        while (true)
        {
            if (_flights.TryGetValue(key, out Flight<T>? existing))
            {
                if (existing.TryJoin(defer, out deferred))
                {
                    leader = false;
                    return existing;
                }

                // Abandoned but not yet removed: take it out and try again.
                _flights.TryRemove(KeyValuePair.Create(key, existing));
                continue;
            }

            var created = new Flight<T>(key, countDeferred);
            if (_flights.TryAdd(key, created))
            {
                leader = true;
                deferred = false;
                return created;
            }
        }
    }

    /// <summary>Removes this flight, never another one that has since taken its key.</summary>
    public void Remove(Flight<T> flight) => _flights.TryRemove(KeyValuePair.Create(flight.Key, flight));

    /// <summary>Detaches the key's current flight so later callers start afresh (used by invalidation).</summary>
    public void Forget(string key)
    {
        if (_flights.TryRemove(key, out Flight<T>? flight))
        {
            flight.Forget();
        }
    }

    /// <summary>Waits for the flight with the caller's own token; a cancelled wait leaves only this caller's seat.</summary>
    /// <param name="flight">The flight.</param>
    /// <param name="timeout">An optional hard limit on the wait; past it the caller leaves with a <see cref="TimeoutException"/>.</param>
    /// <param name="time">The clock for the limit.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public ValueTask<T> WaitAsync(Flight<T> flight, TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken) =>
        flight.Task.IsCompleted || WaitsOnSharedTask(timeout, cancellationToken)
            ? new ValueTask<T>(flight.Task) // nothing of the caller's own to watch: wait on the shared task, no state machine per waiter
            : WaitWithTokenAsync(flight, timeout, time, cancellationToken);

    /// <summary>Whether a waiter has nothing of its own to watch (no hard timeout, no token that can cancel), so it can wait on the flight's task itself.</summary>
    public static bool WaitsOnSharedTask(TimeSpan? timeout, CancellationToken cancellationToken) => timeout is null && !cancellationToken.CanBeCanceled;

    private async ValueTask<T> WaitWithTokenAsync(Flight<T> flight, TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            return timeout is { } limit
                ? await flight.Task.WaitAsync(limit, time, cancellationToken).ConfigureAwait(false)
                : await flight.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !flight.Task.IsCompleted)
        {
            Leave(flight);
            throw;
        }
        catch (TimeoutException e) when (!flight.Task.IsCompleted)
        {
            Leave(flight);
            throw new TimeoutException($"No value for {flight.Key} within the hard timeout of {timeout}.", e);
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
