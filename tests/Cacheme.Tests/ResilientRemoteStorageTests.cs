using CachemeNet.Internal;
using CachemeNet.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace CachemeNet.Tests;

public sealed class ResilientRemoteStorageTests
{
    private static readonly TierResilienceOptions Options = new()
    {
        OperationTimeout = TimeSpan.FromMilliseconds(500),
        MinimumThroughput = 5,
        FailureRatio = 0.5,
        BreakDuration = TimeSpan.FromSeconds(2),
    };

    private readonly ManualTimeProvider _time = new();

    private (ResilientRemoteStorage Tier, RecordingRemoteStorage Inner) Create(bool honoursCancellation = false)
    {
        var inner = new RecordingRemoteStorage(_time) { HonoursCancellation = honoursCancellation };
        return (new ResilientRemoteStorage("remote", inner, Options, _time, NullLogger.Instance), inner);
    }

    [Fact]
    public async Task Failures_of_concurrent_operations_open_the_circuit_and_every_operation_is_counted_once()
    {
        var (tier, inner) = Create();
        inner.Failure = new IOException("connection refused");
        const int Calls = 400;

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<Exception?>[] calls = [.. Enumerable.Range(0, Calls).Select(i => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await tier.GetAsync($"k{i}", default);
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        }))];
        start.SetResult();
        Exception?[] outcomes = await Task.WhenAll(calls);

        TierStatus status = tier.Status();
        Assert.Equal("open", status.Circuit);
        Assert.All(outcomes, e => Assert.True(e is IOException or BrokenCircuitException, e?.ToString()));
        Assert.Equal(Calls, status.Operations);
        Assert.Equal(outcomes.Count(e => e is IOException), status.Failures);
        Assert.Equal(outcomes.Count(e => e is BrokenCircuitException), status.Rejected);
        Assert.Equal(inner.Gets, status.Failures); // a rejected call never reaches the storage
        Assert.True(status.Rejected > 0);
    }

    [Fact]
    public async Task A_half_open_circuit_lets_exactly_one_trial_through_and_closes_when_it_succeeds()
    {
        var (tier, inner) = Create();
        await OpenAsync(tier, inner);
        inner.Failure = null;
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        inner.Hang = answer.Task;
        _time.Advance(Options.BreakDuration);
        int before = inner.Gets;

        ValueTask<byte[]?> trial = tier.GetAsync("trial", default);
        for (int i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<BrokenCircuitException>(() => tier.GetAsync($"other{i}", default).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal(before + 1, inner.Gets);
        Assert.Equal("half-open", tier.Status().Circuit);
        answer.SetResult();
        Assert.Null(await trial);
        Assert.Equal("closed", tier.Status().Circuit);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_operation_that_overruns_the_timeout_fails_with_a_timeout_and_counts_as_a_failure(bool honoursCancellation)
    {
        var (tier, inner) = Create(honoursCancellation);
        inner.Hang = new TaskCompletionSource().Task;
        ValueTask<byte[]?> call = tier.GetAsync("k", default);
        Assert.False(call.IsCompleted);

        _time.Advance(Options.OperationTimeout);
        await Assert.ThrowsAsync<TimeoutRejectedException>(async () => await call);
        Assert.Equal(1, tier.Status().Failures);
        Assert.Equal(0, _time.ActiveTimers);
    }

    [Fact]
    public async Task A_caller_that_cancels_gets_its_cancellation_and_the_tier_is_not_blamed()
    {
        var (tier, inner) = Create(honoursCancellation: true);
        inner.Hang = new TaskCompletionSource().Task;
        using var caller = new CancellationTokenSource();
        ValueTask<byte[]?> call = tier.GetAsync("k", caller.Token);

        caller.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await call);
        TierStatus status = tier.Status();
        Assert.Equal(0, status.Failures);
        Assert.Equal("closed", status.Circuit);
        Assert.Equal(0, _time.ActiveTimers);
    }

    [Fact]
    public async Task A_write_that_fails_is_counted_as_dropped_and_a_failed_read_is_not()
    {
        var (tier, inner) = Create();
        inner.Failure = new IOException("connection refused");
        await Assert.ThrowsAsync<IOException>(async () => await tier.GetAsync("k", default));
        await Assert.ThrowsAsync<IOException>(async () => await tier.SetAsync("k", new byte[] { 1 }, null, default));

        TierStatus status = tier.Status();
        Assert.Equal(2, status.Failures);
        Assert.Equal(1, status.DroppedWrites);
    }

    private static async Task OpenAsync(ResilientRemoteStorage tier, RecordingRemoteStorage inner)
    {
        inner.Failure = new IOException("connection refused");
        for (int i = 0; tier.Status().Circuit != "open"; i++)
        {
            Assert.True(i < 100, "the circuit never opened");
            await Assert.ThrowsAnyAsync<Exception>(async () => await tier.GetAsync($"warm{i}", default));
        }
    }
}
