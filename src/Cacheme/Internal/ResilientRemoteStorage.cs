using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace CachemeNet.Internal;

/// <summary>
/// Wraps a remote storage with a per-operation timeout and a circuit breaker (Polly's), so a tier that is down or slow is
/// skipped quickly and let back in when it answers again. Counts operations, failures, rejections and dropped writes.
/// </summary>
/// <remarks>
/// While the circuit is closed, which is nearly always, an operation runs outside Polly's asynchronous pipeline under a
/// pooled <see cref="OperationTimeout"/> and then reports its outcome to the breaker synchronously: the breaker sees every
/// outcome as if it had run the operation, and the hot path skips the pipeline's per-call state machines, which cost
/// about 1 KB and a microsecond per strategy and call. Once the circuit is not closed, operations run through the
/// breaker itself, so it alone rejects them or picks the half-open trial.
/// </remarks>
internal sealed class ResilientRemoteStorage : IRemoteStorage
{
    private readonly ResiliencePipeline _breaker;
    private readonly OperationTimeout _timeout;
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly StripedCounter _operations = new();
    private readonly StripedCounter _failures = new();
    private readonly StripedCounter _rejected = new();
    private readonly StripedCounter _droppedWrites = new();

    public ResilientRemoteStorage(string name, IRemoteStorage inner, TierResilienceOptions options, TimeProvider time, ILogger logger)
    {
        Name = name;
        Inner = inner;
        _timeout = new OperationTimeout(options.OperationTimeout, time);
        _breaker = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.FailureRatio,
                MinimumThroughput = Math.Max(2, options.MinimumThroughput),
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                StateProvider = _state,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
                OnOpened = args =>
                {
                    Log.CircuitOpened(logger, name, args.BreakDuration, args.Outcome.Exception);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    Log.CircuitClosed(logger, name);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        Lock = inner is IRemoteLockStorage backend ? new ResilientLock(this, backend) : null; // inner is the backend itself: resilience is the first wrapper
    }

    public string Name { get; }

    public IRemoteStorage Inner { get; }

    /// <summary>
    /// The backend's leases (<see cref="NodeMeta.DistributedLoadLease"/>) through this tier's timeout and circuit
    /// breaker, so a leased load against a tier that is down or hung is not held up by the lease; null when the backend
    /// has none.
    /// </summary>
    public IRemoteLockStorage? Lock { get; private init; }

    public TierStatus Status() => new()
    {
        Name = Name,
        Kind = "remote",
        Circuit = _state.CircuitState switch
        {
            CircuitState.Open => "open",
            CircuitState.HalfOpen => "half-open",
            CircuitState.Isolated => "isolated",
            _ => "closed",
        },
        Operations = _operations.Sum(),
        Failures = _failures.Sum(),
        Rejected = _rejected.Sum(),
        DroppedWrites = _droppedWrites.Sum(),
    };

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) =>
        RunAsync(static (s, k, ct) => s.Inner.GetAsync(k, ct), key, write: false, cancellationToken);

    public ValueTask<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        RunAsync(static (s, k, ct) => s.Inner.GetManyAsync(k, ct), keys, write: false, cancellationToken);

    public async ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? ttl, CancellationToken cancellationToken) =>
        await RunAsync(
            static async (s, state, ct) =>
            {
                await s.Inner.SetAsync(state.key, state.value, state.ttl, ct).ConfigureAwait(false);
                return true;
            },
            (key, value, ttl),
            write: true,
            cancellationToken).ConfigureAwait(false);

    public async ValueTask SetManyAsync(IReadOnlyList<KeyValuePair<string, ReadOnlyMemory<byte>>> items, TimeSpan? ttl, CancellationToken cancellationToken) =>
        await RunAsync(
            static async (s, state, ct) =>
            {
                await s.Inner.SetManyAsync(state.items, state.ttl, ct).ConfigureAwait(false);
                return true;
            },
            (items, ttl),
            write: true,
            cancellationToken).ConfigureAwait(false);

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken) =>
        RunAsync(static (s, k, ct) => s.Inner.DeleteAsync(k, ct), key, write: false, cancellationToken);

    public ValueTask DisposeAsync() => Inner.DisposeAsync();

    private sealed class ResilientLock(ResilientRemoteStorage tier, IRemoteLockStorage backend) : IRemoteLockStorage
    {
        public ValueTask<string?> TryLockAsync(string key, TimeSpan lease, CancellationToken cancellationToken) =>
            tier.RunAsync(static (_, state, ct) => state.backend.TryLockAsync(state.key, state.lease, ct), (backend, key, lease), write: false, cancellationToken);

        public async ValueTask UnlockAsync(string key, string token, CancellationToken cancellationToken) =>
            await tier.RunAsync(
                static async (_, state, ct) =>
                {
                    await state.backend.UnlockAsync(state.key, state.token, ct).ConfigureAwait(false);
                    return true;
                },
                (backend, key, token),
                write: false,
                cancellationToken).ConfigureAwait(false);
    }

    private ValueTask<TResult> RunAsync<TState, TResult>(
        Func<ResilientRemoteStorage, TState, CancellationToken, ValueTask<TResult>> operation,
        TState state,
        bool write,
        CancellationToken cancellationToken)
    {
        _operations.Increment();
        return _state.CircuitState == CircuitState.Closed
            ? RunTimedAsync(operation, state, write, report: true, cancellationToken)
            : RunThroughBreakerAsync(operation, state, write, cancellationToken);
    }

    private async ValueTask<TResult> RunThroughBreakerAsync<TState, TResult>(
        Func<ResilientRemoteStorage, TState, CancellationToken, ValueTask<TResult>> operation,
        TState state,
        bool write,
        CancellationToken cancellationToken)
    {
        try
        {
            return await _breaker.ExecuteAsync(
                static (context, _) => context.self.RunTimedAsync(context.operation, context.state, context.write, report: false, context.cancellationToken),
                (self: this, operation, state, write, cancellationToken),
                cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException)
        {
            _rejected.Increment();
            Dropped(write);
            throw;
        }
    }

    /// <summary>
    /// Runs one operation under the tier's timeout and counts its failure; <paramref name="report"/> says whether it ran
    /// outside the breaker, so its outcome must be reported to it.
    /// </summary>
    private async ValueTask<TResult> RunTimedAsync<TState, TResult>(
        Func<ResilientRemoteStorage, TState, CancellationToken, ValueTask<TResult>> operation,
        TState state,
        bool write,
        bool report,
        CancellationToken cancellationToken)
    {
        Outcome<TResult> outcome;
        OperationTimeout.Scope scope = _timeout.Start(cancellationToken);
        try
        {
            // WaitAsync enforces the timeout even against a client library that ignores cancellation tokens; a storage
            // that honours them needs no wait of its own.
            ValueTask<TResult> running = operation(this, state, scope.Token);
            outcome = Outcome.FromResult(Inner.HonoursCancellation
                ? await running.ConfigureAwait(false)
                : await running.AsTask().WaitAsync(scope.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException e) when (scope.TimedOut(cancellationToken))
        {
            outcome = Outcome.FromException<TResult>(new TimeoutRejectedException($"The operation did not complete within the tier's timeout of {_timeout.Timeout}.", _timeout.Timeout, e));
        }
        catch (Exception e)
        {
            outcome = Outcome.FromException<TResult>(e);
        }
        finally
        {
            _timeout.Stop(scope);
        }

        if (report)
        {
            await ReportAsync(outcome, cancellationToken).ConfigureAwait(false);
        }

        if (outcome.Exception is { } failure && (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            _failures.Increment();
            Dropped(write);
        }

        outcome.ThrowIfException();
        return outcome.Result!;
    }

    /// <summary>
    /// Tells the breaker how an operation that ran outside it ended, by running a callback that returns that outcome. The
    /// callback completes at once, so this stays synchronous. If the circuit opened meanwhile the breaker rejects the
    /// report, which is ignored: the operation has already ended, and an open breaker does not count outcomes.
    /// </summary>
    private ValueTask ReportAsync<TResult>(Outcome<TResult> outcome, CancellationToken cancellationToken)
    {
        ResilienceContext context = ResilienceContextPool.Shared.Get(cancellationToken);
        ValueTask<Outcome<TResult>> reported = _breaker.ExecuteOutcomeAsync(static (_, o) => ValueTask.FromResult(o), context, outcome);
        if (reported.IsCompletedSuccessfully)
        {
            _ = reported.Result;
            ResilienceContextPool.Shared.Return(context);
            return ValueTask.CompletedTask;
        }

        return AwaitReportAsync(reported, context);

        static async ValueTask AwaitReportAsync(ValueTask<Outcome<TResult>> reported, ResilienceContext context)
        {
            await reported.ConfigureAwait(false);
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private void Dropped(bool write)
    {
        if (write)
        {
            _droppedWrites.Increment();
        }
    }
}
