namespace CachemeNet;

/// <summary>A snapshot of one registered storage's health, from <see cref="CachemeClient.Tiers"/>.</summary>
public sealed record TierStatus
{
    /// <summary>The name the storage is registered under.</summary>
    public required string Name { get; init; }

    /// <summary><c>local</c> or <c>remote</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>For remote storages: <c>closed</c> (in use), <c>open</c> (skipped), <c>half-open</c> (trial) or <c>isolated</c>.</summary>
    public string Circuit { get; init; } = "closed";

    /// <summary>Remote operations attempted.</summary>
    public long Operations { get; init; }

    /// <summary>Remote operations that failed or timed out.</summary>
    public long Failures { get; init; }

    /// <summary>Remote operations skipped at once because the circuit was open.</summary>
    public long Rejected { get; init; }

    /// <summary>Writes that did not reach the storage (failed, timed out or rejected).</summary>
    public long DroppedWrites { get; init; }

    /// <summary>For local storages, the number of entries.</summary>
    public long? Count { get; init; }
}
