using System.Threading.Tasks.Sources;

namespace CachemeNet.Internal;

/// <summary>What a <see cref="FlightWaiter{T}"/> reports to the node it reads for: how its wait ended.</summary>
internal interface IFlightWaiterOwner<T>
{
    /// <summary>The flight gave the waiter its value (a leader's read or a joiner's).</summary>
    void Served(Flight<T> flight, bool leader);

    /// <summary>The flight failed; the waiter passes the failure on.</summary>
    void Failed();

    /// <summary>The waiter's token fired first: it leaves its seat (the last one abandons the flight).</summary>
    void GaveUp(Flight<T> flight);
}

/// <summary>
/// One caller with a cancellable token waiting for a <see cref="Flight{T}"/>: a single object that is both what the caller
/// awaits (an <see cref="IValueTaskSource{TResult}"/>) and what the flight completes when it settles (it keeps its
/// waiters in a list threaded through them, <see cref="Flight{T}.Attach"/>), registered on the caller's token. It stands
/// in for an async state machine awaiting <c>Task.WaitAsync(token)</c>, which took 344 B per joiner. Whichever comes
/// first, the flight's outcome or the token, completes it; the other finds it done. Never reused, so a caller may await
/// it like any <see cref="ValueTask{TResult}"/> (its continuations run asynchronously, as the flight's task's do).
/// </summary>
internal sealed class FlightWaiter<T> : IValueTaskSource<T>
{
    private readonly Flight<T> _flight;
    private readonly IFlightWaiterOwner<T> _owner;
    private readonly CancellationToken _cancellationToken;
    private readonly bool _leader;
    private ManualResetValueTaskSourceCore<T> _core;
    private CancellationTokenRegistration _registration;
    private int _done;

    private FlightWaiter(Flight<T> flight, IFlightWaiterOwner<T> owner, bool leader, CancellationToken cancellationToken)
    {
        _flight = flight;
        _owner = owner;
        _leader = leader;
        _cancellationToken = cancellationToken;
        _core.RunContinuationsAsynchronously = true;
    }

    /// <summary>The next waiter in the flight's list (under the flight's lock until the flight releases its waiters).</summary>
    internal FlightWaiter<T>? Next { get; set; }

    /// <summary>Whether the waiter has ended (completed by the flight, or cancelled by its token).</summary>
    internal bool IsDone => Volatile.Read(ref _done) != 0;

    /// <summary>
    /// Waits for <paramref name="flight"/>, which the caller has a seat in (as its leader, whose work has started, or as a
    /// joiner), until it settles or <paramref name="cancellationToken"/> fires; reports the outcome to <paramref name="owner"/>.
    /// </summary>
    public static ValueTask<T> Wait(Flight<T> flight, bool leader, IFlightWaiterOwner<T> owner, CancellationToken cancellationToken)
    {
        var waiter = new FlightWaiter<T>(flight, owner, leader, cancellationToken);
        if (!flight.Attach(waiter))
        {
            waiter.Complete(flight.Task); // settled meanwhile: no registration needed
            return new ValueTask<T>(waiter, waiter._core.Version);
        }

        // Fires at once if the token is already cancelled. If the flight completed the waiter before the registration
        // was stored, that completion could not remove it: remove it here (both may; a second removal does nothing).
        waiter._registration = cancellationToken.UnsafeRegister(static state => ((FlightWaiter<T>)state!).Cancel(), waiter);
        if (Interlocked.CompareExchange(ref waiter._done, 0, 0) != 0)
        {
            waiter._registration.Unregister();
        }

        return new ValueTask<T>(waiter, waiter._core.Version);
    }

    /// <summary>Completes the waiter from the settled flight's task, unless its token fired first.</summary>
    internal void Complete(Task<T> settled)
    {
        if (Interlocked.Exchange(ref _done, 1) != 0)
        {
            return;
        }

        _registration.Unregister();
        T value;
        try
        {
            value = settled.GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            _owner.Failed();
            _core.SetException(e);
            return;
        }

        _owner.Served(_flight, _leader);
        _core.SetResult(value);
    }

    private void Cancel()
    {
        if (Interlocked.Exchange(ref _done, 1) != 0)
        {
            return;
        }

        _flight.WaiterCancelled();
        _owner.GaveUp(_flight);
        _core.SetException(new OperationCanceledException(_cancellationToken));
    }

    /// <inheritdoc />
    public T GetResult(short token) => _core.GetResult(token);

    /// <inheritdoc />
    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    /// <inheritdoc />
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
