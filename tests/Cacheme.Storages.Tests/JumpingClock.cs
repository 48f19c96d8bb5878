namespace CachemeNet.Storages.Tests;

/// <summary>
/// The real clock plus a jump the test adds by hand: TTLs can be made to pass at once, while timers (a failover timeout)
/// still run in real time.
/// </summary>
public sealed class JumpingClock : TimeProvider
{
    private long _jumpTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _jumpTicks));

    public override long GetTimestamp() => System.GetTimestamp() + (long)(Interlocked.Read(ref _jumpTicks) * ((double)System.TimestampFrequency / TimeSpan.TicksPerSecond));

    public override long TimestampFrequency => System.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => System.CreateTimer(callback, state, dueTime, period);

    public void Jump(TimeSpan by) => Interlocked.Add(ref _jumpTicks, by.Ticks);
}
