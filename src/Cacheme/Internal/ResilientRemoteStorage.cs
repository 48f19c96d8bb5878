using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace CachemeNet.Internal;

/// <summary>
/// Wraps a remote storage with a per-operation timeout and a circuit breaker (Polly), so a tier that is down or slow is
/// skipped quickly and let back in when it answers again. Counts operations, failures, rejections and dropped writes.
/// </summary>
internal sealed class ResilientRemoteStorage : IRemoteStorage
{
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly StripedCounter _operations = new();
    private readonly StripedCounter _failures = new();
    private readonly StripedCounter _rejected = new();
    private readonly StripedCounter _droppedWrites = new();

    public ResilientRemoteStorage(string name, IRemoteStorage inner, TierResilienceOptions options, TimeProvider time, ILogger logger)
    {
        Name = name;
        Inner = inner;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
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
            .AddTimeout(options.OperationTimeout)
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

    private async ValueTask<TResult> RunAsync<TState, TResult>(
        Func<ResilientRemoteStorage, TState, CancellationToken, ValueTask<TResult>> operation,
        TState state,
        bool write,
        CancellationToken cancellationToken)
    {
        _operations.Increment();
        try
        {
            // WaitAsync enforces the timeout even against a client library that ignores cancellation tokens; a storage
            // that honours them needs no wait of its own.
            return Inner.HonoursCancellation
                ? await _pipeline.ExecuteAsync(
                    static (context, ct) => context.operation(context.self, context.state, ct),
                    (self: this, operation, state),
                    cancellationToken).ConfigureAwait(false)
                : await _pipeline.ExecuteAsync(
                    static async (context, ct) => await context.operation(context.self, context.state, ct).AsTask().WaitAsync(ct).ConfigureAwait(false),
                    (self: this, operation, state),
                    cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException)
        {
            _rejected.Increment();
            Dropped(write);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _failures.Increment();
            Dropped(write);
            throw;
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
