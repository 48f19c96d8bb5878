using System.Collections.Concurrent;

namespace CachemeNet.Internal;

/// <summary>The table of in-flight reads by full key: the first caller for a key leads, later callers join.</summary>
/// <param name="countDeferred">
/// Counts the joiners that handed their statistics to a flight (<see cref="Flight{T}.TryJoin"/>) when it settles: the
/// flight, how many, and whether it failed. Without it no joiner can defer.
/// </param>
/// <param name="time">The clock that tells whether an eager refresh's standing value is still fresh (<see cref="Flight{T}.Standing"/>).</param>
internal sealed class SingleFlight<T>(Action<Flight<T>, int, bool>? countDeferred = null, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>How many recent flights can be found by node (a power of two).</summary>
    private const int RecentSlots = 64;

    private readonly ConcurrentDictionary<string, Flight<T>> _flights = new(StringComparer.Ordinal);

    /// <summary>
    /// Flights whose leader gave its node, by the node's hash: a lossy direct-mapped table (a newer flight takes the slot
    /// of an older one with the same low hash bits) that lets a joiner find a flight without building the full key.
    /// </summary>
    private readonly Flight<T>?[] _recent = new Flight<T>?[RecentSlots];

    public int Count => _flights.Count;

    /// <summary>Joins the key's flight, or creates one and makes the caller its leader.</summary>
    public Flight<T> JoinOrLead(string key, out bool leader) => JoinOrLead(key, node: null, nodeHash: 0, defer: false, out leader, out _);

    /// <summary>
    /// Joins the flight led for a node equal to <paramref name="node"/> if it is still in the recent table, not forgotten
    /// and not abandoned, without the full key (which the caller then need not build); null otherwise, and the caller
    /// goes on to <see cref="JoinOrLead(string, object?, int, bool, out bool, out bool)"/> with the same
    /// <paramref name="nodeHash"/> (<c>node.GetHashCode()</c>). Only for nodes whose full key is determined by the node
    /// (no namespace), so equal nodes mean the same key.
    /// </summary>
    public Flight<T>? TryJoinRecent(object node, int nodeHash, bool defer, out bool deferred)
    {
        Flight<T>? flight = Volatile.Read(ref _recent[nodeHash & (RecentSlots - 1)]);
        if (flight is not null && flight.NodeHash == nodeHash && !flight.Forgotten && node.Equals(flight.Node) && flight.TryJoin(defer, out deferred))
        {
            return flight;
        }

        deferred = false;
        return null;
    }

    /// <summary>
    /// Joins the key's flight, handing the joiner's statistics to it when <paramref name="defer"/> and it still can
    /// (<paramref name="deferred"/>), or creates one and makes the caller its leader; a leader with <paramref name="defer"/>
    /// hands its statistics to the flight too (<see cref="Flight{T}.LeaderDeferred"/>, reported as <paramref name="deferred"/>)
    /// and waits on the flight's task after starting its work. A leader that gives its
    /// <paramref name="node"/> (one without a namespace) and its <paramref name="nodeHash"/> (<c>node.GetHashCode()</c>)
    /// makes the flight joinable by node (<see cref="TryJoinRecent"/>). While an eager refresh of the key runs and the
    /// value it started from is fresh, the caller gets that value's settled <see cref="Flight{T}.Standing"/> flight
    /// instead of a seat (nothing to leave).
    /// </summary>
    public Flight<T> JoinOrLead(string key, object? node, int nodeHash, bool defer, out bool leader, out bool deferred)
    {
        while (true)
        {
            if (_flights.TryGetValue(key, out Flight<T>? existing))
            {
                if (existing.Standing is { } standing && standing.StandsUntilUtcTicks > _time.GetUtcNow().UtcTicks)
                {
                    // An eager refresh runs: the value it started from is still fresh, so the caller need not wait.
                    (leader, deferred) = (false, false);
                    return standing;
                }

                if (existing.TryJoin(defer, out deferred))
                {
                    leader = false;
                    return existing;
                }

                // Abandoned but not yet removed: take it out and try again.
                _flights.TryRemove(KeyValuePair.Create(key, existing));
                continue;
            }

            var created = new Flight<T>(key, countDeferred, node, nodeHash, leaderDeferred: defer);
            if (_flights.TryAdd(key, created))
            {
                if (node is not null)
                {
                    Volatile.Write(ref _recent[created.NodeHash & (RecentSlots - 1)], created);
                }

                leader = true;
                deferred = created.LeaderDeferred;
                return created;
            }
        }
    }

    /// <summary>
    /// Creates the flight of an eager refresh of <paramref name="key"/>, its leader the refresh, standing on
    /// <paramref name="current"/> until <paramref name="freshUntilUtcTicks"/> from the start (<see cref="Flight{T}.Stand"/>
    /// before it enters the table, so no caller can find it without its standing value); null when the key has a flight
    /// already (a load that will refresh the tiers itself).
    /// </summary>
    public Flight<T>? TryLeadStanding(string key, T current, long freshUntilUtcTicks)
    {
        if (_flights.ContainsKey(key))
        {
            return null;
        }

        var created = new Flight<T>(key, countDeferred);
        created.Stand(current, freshUntilUtcTicks);
        return _flights.TryAdd(key, created) ? created : null;
    }

    /// <summary>Removes this flight, never another one that has since taken its key.</summary>
    public void Remove(Flight<T> flight)
    {
        _flights.TryRemove(KeyValuePair.Create(flight.Key, flight));
        RemoveRecent(flight);
    }

    /// <summary>Detaches the key's current flight so later callers start afresh (used by invalidation).</summary>
    public void Forget(string key)
    {
        if (_flights.TryRemove(key, out Flight<T>? flight))
        {
            flight.Forget();
            RemoveRecent(flight);
        }
    }

    /// <summary>Detaches every flight (used when the key prefix changes: their values were read under the old one).</summary>
    public void ForgetAll()
    {
        foreach (string key in _flights.Keys)
        {
            Forget(key);
        }
    }

    /// <summary>Clears the flight's slot in the recent table if it still holds it.</summary>
    private void RemoveRecent(Flight<T> flight)
    {
        if (flight.Node is not null)
        {
            Interlocked.CompareExchange(ref _recent[flight.NodeHash & (RecentSlots - 1)], null, flight);
        }
    }

    /// <summary>
    /// What a caller awaits for the flight: the flight's own task when the caller has nothing of its own to watch (no
    /// state machine per waiter), otherwise one that also ends at the caller's token or hard timeout. When awaiting it
    /// throws, pass the exception to <see cref="GiveUp"/>, which leaves the caller's seat if the caller gave up.
    /// </summary>
    /// <param name="flight">The flight.</param>
    /// <param name="timeout">An optional hard limit on the wait; past it the wait fails with a <see cref="TimeoutException"/>.</param>
    /// <param name="time">The clock for the limit.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public static Task<T> Wait(Flight<T> flight, TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken) =>
        flight.Task.IsCompleted || WaitsOnSharedTask(timeout, cancellationToken) ? flight.Task
        : timeout is { } limit ? flight.Task.WaitAsync(limit, time, cancellationToken)
        : flight.Task.WaitAsync(cancellationToken);

    /// <summary>Whether a waiter has nothing of its own to watch (no hard timeout, no token that can cancel), so it can wait on the flight's task itself.</summary>
    public static bool WaitsOnSharedTask(TimeSpan? timeout, CancellationToken cancellationToken) => timeout is null && !cancellationToken.CanBeCanceled;

    /// <summary>
    /// Handles <paramref name="error"/>, thrown by awaiting <see cref="Wait"/>: when the caller gave up before the flight
    /// finished (its token, or its hard timeout), leaves only the caller's seat (the last one abandons the flight and
    /// cancels its work). Returns what to throw: a <see cref="TimeoutException"/> naming the key for a hard timeout,
    /// otherwise <paramref name="error"/> itself.
    /// </summary>
    public Exception GiveUp(Flight<T> flight, Exception error, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (flight.Task.IsCompleted)
        {
            return error;
        }

        if (error is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            Leave(flight);
            return error;
        }

        if (error is TimeoutException)
        {
            Leave(flight);
            return new TimeoutException($"No value for {flight.Key} within the hard timeout of {timeout}.", error);
        }

        return error;
    }

    /// <summary>A waiter gives up; the last one abandons the flight and cancels its work.</summary>
    public void Leave(Flight<T> flight)
    {
        if (flight.Leave())
        {
            Remove(flight);
            flight.Forget(); // out of the table, no invalidation can reach it: a loader that ignores the token must not write back
            flight.CancelWork();
        }
    }
}
