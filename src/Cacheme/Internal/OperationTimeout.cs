using System.Collections.Concurrent;

namespace CachemeNet.Internal;

/// <summary>
/// Hands out cancellation sources that fire after a fixed timeout or when the caller's token fires, whichever is first.
/// On the system clock the sources are reset and reused (<see cref="CancellationTokenSource.TryReset"/>), so a timed
/// operation allocates nothing here once the pool is warm; any other <see cref="TimeProvider"/> (a test's fake clock)
/// gets a fresh source on that provider's timers.
/// </summary>
internal sealed class OperationTimeout
{
    private const int MaxPooled = 256;

    /// <summary>The longest timeout accepted.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    private readonly ConcurrentQueue<CancellationTokenSource> _pool = new();
    private readonly TimeProvider? _customClock; // null on the system clock, whose sources are pooled
    private int _pooled;

    public OperationTimeout(TimeSpan timeout, TimeProvider time)
    {
        if (timeout <= TimeSpan.Zero || timeout > MaxTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, $"{nameof(TierResilienceOptions)}.{nameof(TierResilienceOptions.OperationTimeout)} must be more than zero and at most {MaxTimeout}.");
        }

        Timeout = timeout;
        _customClock = ReferenceEquals(time, TimeProvider.System) ? null : time;
    }

    /// <summary>How long an operation may run.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Starts timing one operation; pass the result to <see cref="Stop"/> when the operation has ended.</summary>
    public Scope Start(CancellationToken caller)
    {
        CancellationTokenSource source;
        if (_customClock is null)
        {
            if (_pool.TryDequeue(out CancellationTokenSource? pooled))
            {
                Interlocked.Decrement(ref _pooled);
                source = pooled;
            }
            else
            {
                source = new CancellationTokenSource();
            }

            source.CancelAfter(Timeout);
        }
        else
        {
            source = new CancellationTokenSource(Timeout, _customClock);
        }

        CancellationTokenRegistration link = caller.CanBeCanceled
            ? caller.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), source)
            : default;
        return new Scope(source, link);
    }

    /// <summary>Ends timing: unlinks the caller's token and returns the source to the pool when it never fired.</summary>
    public void Stop(in Scope scope)
    {
        scope.Link.Dispose();
        CancellationTokenSource source = scope.Source;
        if (_customClock is null && source.TryReset())
        {
            if (Interlocked.Increment(ref _pooled) <= MaxPooled)
            {
                _pool.Enqueue(source);
                return;
            }

            Interlocked.Decrement(ref _pooled);
        }

        source.Dispose();
    }

    /// <summary>One timed operation: the source whose token the operation runs under, and the link to the caller's token.</summary>
    internal readonly record struct Scope(CancellationTokenSource Source, CancellationTokenRegistration Link)
    {
        /// <summary>The token the operation runs under.</summary>
        public CancellationToken Token => Source.Token;

        /// <summary>Whether the timeout (not the caller) ended the operation.</summary>
        public bool TimedOut(CancellationToken caller) => Source.IsCancellationRequested && !caller.IsCancellationRequested;
    }
}
