using CachemeNet.Internal;

namespace CachemeNet.Tests;

public sealed class OperationTimeoutTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);

    [Fact]
    public void The_token_fires_when_the_timeout_passes_on_the_given_clock()
    {
        var time = new ManualTimeProvider();
        var timeout = new OperationTimeout(Timeout, time);
        OperationTimeout.Scope scope = timeout.Start(CancellationToken.None);

        time.Advance(Timeout - TimeSpan.FromTicks(1));
        Assert.False(scope.Token.IsCancellationRequested);
        time.Advance(TimeSpan.FromTicks(1));
        Assert.True(scope.Token.IsCancellationRequested);
        Assert.True(scope.TimedOut(CancellationToken.None));
        timeout.Stop(scope);
        Assert.Equal(0, time.ActiveTimers);
    }

    [Fact]
    public void The_callers_token_cancels_the_operation_and_is_not_a_timeout()
    {
        var time = new ManualTimeProvider();
        var timeout = new OperationTimeout(Timeout, time);
        using var caller = new CancellationTokenSource();
        OperationTimeout.Scope scope = timeout.Start(caller.Token);

        caller.Cancel();
        Assert.True(scope.Token.IsCancellationRequested);
        Assert.False(scope.TimedOut(caller.Token));
        timeout.Stop(scope);
    }

    [Fact]
    public void Stopping_disposes_the_timer_on_a_custom_clock()
    {
        var time = new ManualTimeProvider();
        var timeout = new OperationTimeout(Timeout, time);
        OperationTimeout.Scope scope = timeout.Start(CancellationToken.None);
        Assert.Equal(1, time.ActiveTimers);

        timeout.Stop(scope);
        Assert.Equal(0, time.ActiveTimers);
    }

    [Fact]
    public void On_the_system_clock_a_source_that_never_fired_is_reused_and_unlinked_from_its_old_caller()
    {
        var timeout = new OperationTimeout(TimeSpan.FromMinutes(5), TimeProvider.System);
        using var first = new CancellationTokenSource();
        OperationTimeout.Scope scope = timeout.Start(first.Token);
        CancellationTokenSource source = scope.Source;
        timeout.Stop(scope);

        OperationTimeout.Scope next = timeout.Start(CancellationToken.None);
        Assert.Same(source, next.Source);
        first.Cancel();
        Assert.False(next.Token.IsCancellationRequested); // the old caller's link went with the first operation
        timeout.Stop(next);
    }

    [Fact]
    public void On_the_system_clock_a_cancelled_source_is_not_reused()
    {
        var timeout = new OperationTimeout(TimeSpan.FromMinutes(5), TimeProvider.System);
        using var caller = new CancellationTokenSource();
        OperationTimeout.Scope scope = timeout.Start(caller.Token);
        caller.Cancel();
        timeout.Stop(scope);

        OperationTimeout.Scope next = timeout.Start(CancellationToken.None);
        Assert.NotSame(scope.Source, next.Source);
        Assert.False(next.Token.IsCancellationRequested);
        timeout.Stop(next);
    }

    [Fact]
    public async Task On_the_system_clock_the_token_fires_after_the_timeout()
    {
        var timeout = new OperationTimeout(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        OperationTimeout.Scope scope = timeout.Start(CancellationToken.None);
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using CancellationTokenRegistration registration = scope.Token.Register(() => fired.SetResult());

        await fired.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(scope.TimedOut(CancellationToken.None));
        timeout.Stop(scope);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(24 * 60 * 60 * 1000 + 1)]
    public void A_timeout_out_of_range_is_refused(long milliseconds)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new OperationTimeout(TimeSpan.FromMilliseconds(milliseconds), TimeProvider.System));
        Assert.Contains("TierResilienceOptions.OperationTimeout", e.Message, StringComparison.Ordinal);
    }
}
