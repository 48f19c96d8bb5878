namespace CachemeNet.Internal;

/// <summary>
/// One in-flight read of one full key, shared by every caller that asks for the key while it runs. The leader that
/// created it fills it in; joiners wait on <see cref="Task"/>, or, with a cancellable token, in a
/// <see cref="FlightWaiter{T}"/> the flight completes when it settles (<see cref="Attach"/>). When every waiter has cancelled before a value is ready,
/// the flight is abandoned: it leaves the table and its <see cref="Token"/> is cancelled so the loader can stop.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The CancellationTokenSource has no timer; nothing unmanaged to release.")]
internal sealed class Flight<T>(string key, Action<Flight<T>, int, bool>? countDeferred = null, object? node = null, int nodeHash = 0, bool leaderDeferred = false)
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>
    /// Cancelled when the flight is abandoned. None when the leader is deferred: it never leaves, so the flight can never
    /// be abandoned and its loader's token never needs to fire.
    /// </summary>
    private readonly CancellationTokenSource? _abandon = leaderDeferred && countDeferred is not null ? null : new();
    private int _waiters = 1;
    private int _deferred;
    private bool _abandoned;
    private bool _settled;
    private FlightWaiter<T>? _waiterList; // callers with a token, completed when the flight settles (Attach)
    private int _listed; // waiters in _waiterList
    private int _listedCancelled; // of those, the ones whose token fired (pruned once they are half the list)

    public string Key { get; } = key;

    /// <summary>The node the leader asked for, when the flight can be joined by node (<see cref="SingleFlight{T}.TryJoinRecent"/>).</summary>
    public object? Node { get; } = node;

    /// <summary>The hash of <see cref="Node"/> (given by the leader, which has computed it already), or 0.</summary>
    public int NodeHash { get; } = nodeHash;

    public Task<T> Task => _completion.Task;

    /// <summary>
    /// Whether the leader handed its statistics to the flight and waits on <see cref="Task"/> itself: its read is counted
    /// at settlement, with the deferred joiners (only with a <c>countDeferred</c> callback).
    /// </summary>
    public bool LeaderDeferred { get; } = leaderDeferred && countDeferred is not null;

    public CancellationToken Token => _abandon?.Token ?? CancellationToken.None;

    /// <summary>
    /// Set when the key was invalidated while this flight ran: its value must not be written back to remote tiers, or an
    /// old value could land after the invalidation's delete.
    /// </summary>
    public bool Forgotten => Volatile.Read(ref _forgotten);

    private bool _forgotten;

    /// <summary>Marks the flight forgotten, fenced so that what the caller does next (clearing local tiers) comes after it.</summary>
    public void Forget()
    {
        Volatile.Write(ref _forgotten, true);
        Interlocked.MemoryBarrier();
    }

    /// <summary>The tier that served the value, or -1 when the loader produced it.</summary>
    public int HitTier { get; set; } = -1;

    private Flight<T>? _standing;

    /// <summary>
    /// For an eager refresh's flight: a settled flight holding the value the refresh started from, which
    /// <see cref="SingleFlight{T}.JoinOrLead(string, object?, int, bool, out bool, out bool)"/> hands to callers instead
    /// of this one while that value is fresh (<see cref="StandsUntilUtcTicks"/>), so a read does not wait for the reload.
    /// </summary>
    public Flight<T>? Standing => Volatile.Read(ref _standing);

    /// <summary>For a <see cref="Standing"/> flight: until when (UTC ticks) its value is fresh.</summary>
    public long StandsUntilUtcTicks { get; private init; }

    /// <summary>Gives this flight a <see cref="Standing"/> value, fresh until <paramref name="freshUntilUtcTicks"/>.</summary>
    public void Stand(T current, long freshUntilUtcTicks)
    {
        var standing = new Flight<T>(Key) { StandsUntilUtcTicks = freshUntilUtcTicks };
        standing.SetResult(current);
        Volatile.Write(ref _standing, standing);
    }

    /// <summary>
    /// Takes a seat for one more waiter; false when the flight was abandoned. With <paramref name="defer"/>, the joiner
    /// also hands its statistics to the flight when it can (<paramref name="deferred"/>): when the flight settles, before
    /// any waiter resumes, it passes the number of such joiners to its <c>countDeferred</c> callback (with whether it
    /// failed), so a joiner with nothing of its own to watch can wait on <see cref="Task"/> itself. Not deferred once the
    /// flight is settling, or without a callback: the joiner counts itself. One lock for both.
    /// </summary>
    public bool TryJoin(bool defer, out bool deferred)
    {
        lock (_completion)
        {
            deferred = false;
            if (_abandoned)
            {
                return false;
            }

            _waiters++;
            if (defer && !_settled && countDeferred is not null)
            {
                _deferred++;
                deferred = true;
            }

            return true;
        }
    }

    /// <summary>A waiter gives up; returns true when it was the last one and the flight is now abandoned.</summary>
    public bool Leave()
    {
        lock (_completion)
        {
            _waiters--;
            if (_waiters == 0 && !_completion.Task.IsCompleted)
            {
                _abandoned = true;
                return true;
            }

            return false;
        }
    }

    public void CancelWork() => _abandon?.Cancel();

    /// <summary>
    /// Adds a waiter for the flight's outcome, completed (<see cref="FlightWaiter{T}.Complete"/>) once <see cref="Task"/>
    /// has it; false when the outcome is out already (the caller completes the waiter from <see cref="Task"/>). A waiter
    /// whose token fired stays in the list, done, until <see cref="WaiterCancelled"/> prunes it or the flight settles.
    /// </summary>
    public bool Attach(FlightWaiter<T> waiter)
    {
        lock (_completion)
        {
            if (_completion.Task.IsCompleted)
            {
                return false; // the outcome is out: ReleaseWaiters has taken, or is about to take, the list
            }

            waiter.Next = _waiterList;
            _waiterList = waiter;
            _listed++;
            return true;
        }
    }

    /// <summary>The waiters in the list (for tests): cancelled ones included until they are pruned.</summary>
    internal int ListedWaiters
    {
        get
        {
            lock (_completion)
            {
                return _listed;
            }
        }
    }

    /// <summary>
    /// An attached waiter's token fired (it is done and will ignore the flight's outcome). Once the cancelled waiters are
    /// half the list, and more than a few, the list is walked once and they are unlinked: a loader that runs for a long
    /// time does not hold every caller that gave up on it, and each waiter is walked past a bounded number of times
    /// (amortised O(1) per cancellation).
    /// </summary>
    internal void WaiterCancelled()
    {
        lock (_completion)
        {
            if (_waiterList is null)
            {
                return; // released: the list is gone
            }

            _listedCancelled++;
            if (_listedCancelled < 16 || _listedCancelled * 2 < _listed)
            {
                return;
            }

            FlightWaiter<T>? kept = null;
            int count = 0;
            FlightWaiter<T>? waiter = _waiterList;
            while (waiter is not null)
            {
                FlightWaiter<T>? next = waiter.Next;
                if (waiter.IsDone)
                {
                    waiter.Next = null;
                }
                else
                {
                    waiter.Next = kept; // the order of release does not matter
                    kept = waiter;
                    count++;
                }

                waiter = next;
            }

            _waiterList = kept;
            _listed = count;
            _listedCancelled = 0;
        }
    }

    /// <summary>
    /// Completes every attached waiter from the settled <see cref="Task"/> (called after it completed, so no waiter
    /// attaches after the list is taken; later ones complete themselves).
    /// </summary>
    private void ReleaseWaiters()
    {
        FlightWaiter<T>? waiter;
        lock (_completion)
        {
            waiter = _waiterList;
            _waiterList = null;
            _listed = 0;
            _listedCancelled = 0;
        }

        while (waiter is not null)
        {
            FlightWaiter<T>? next = waiter.Next;
            waiter.Next = null;
            waiter.Complete(_completion.Task);
            waiter = next;
        }
    }

    /// <summary>Whether the value given to waiters was a stale one (fail-safe).</summary>
    public bool ServedStale { get; private set; }

    public void SetResult(T value)
    {
        if (Settle(stale: false, failed: false))
        {
            _completion.TrySetResult(value);
            ReleaseWaiters();
        }
    }

    /// <summary>Serves a stale value to the waiters, unless they already have a value.</summary>
    public void SetStale(T value)
    {
        if (Settle(stale: true, failed: false))
        {
            _completion.TrySetResult(value);
            ReleaseWaiters();
        }
    }

    public void SetException(Exception exception)
    {
        if (!Settle(stale: false, failed: true))
        {
            return;
        }

        if (exception is OperationCanceledException canceled)
        {
            _completion.TrySetCanceled(canceled.CancellationToken);
        }
        else
        {
            _completion.TrySetException(exception);
        }

        // Mark the exception observed: an abandoned flight may fail with nobody waiting.
        _ = _completion.Task.Exception;
        ReleaseWaiters();
    }

    /// <summary>Claims the one settlement and counts the deferred joiners (and leader) before anyone can see the outcome.</summary>
    private bool Settle(bool stale, bool failed)
    {
        int deferred;
        lock (_completion)
        {
            if (_settled)
            {
                return false;
            }

            _settled = true;
            ServedStale = stale;
            deferred = _deferred;
        }

        if (deferred > 0 || LeaderDeferred)
        {
            countDeferred!(this, deferred, failed);
        }

        return true;
    }
}
