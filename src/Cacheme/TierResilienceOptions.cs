namespace CachemeNet;

/// <summary>
/// How a client protects itself from a remote tier that is down or slow. Each remote storage gets a per-operation
/// timeout and a circuit breaker: while the circuit is open the tier is skipped at once (reads fall through to the next
/// tier or the loader, writes are dropped and counted), and a trial call lets it back in when it answers again.
/// </summary>
public sealed class TierResilienceOptions
{
    /// <summary>Whether remote storages are wrapped at all. Defaults to true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long one remote operation may take before it counts as failed: more than zero and at most one day (registering a
    /// storage with any other value throws <see cref="ArgumentOutOfRangeException"/>). Defaults to 500 ms.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The failure ratio within <see cref="SamplingDuration"/> that opens the circuit. Defaults to 0.5.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Operations needed within <see cref="SamplingDuration"/> before the circuit may open. Defaults to 5.</summary>
    public int MinimumThroughput { get; set; } = 5;

    /// <summary>The window over which failures are counted. Defaults to 10 seconds.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an open circuit skips the tier before a trial call; at least 0.5 seconds. Defaults to 2 seconds.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(2);
}
