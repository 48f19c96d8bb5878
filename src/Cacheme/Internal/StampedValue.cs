namespace CachemeNet.Internal;

/// <summary>
/// What a local tier holds for a node with fail-safe or a namespace: the value, when it stops being fresh, and the
/// namespace version it was written under, and, with eager refresh, from when a read should reload it in the background.
/// Plain nodes store the bare value so a hit allocates nothing.
/// </summary>
internal sealed class StampedValue(
    object? value,
    long freshUntilUtcTicks,
    string? namespaceVersion,
    long coarseFreshUntil = Local.CoarseExpiry.Never,
    long refreshAfterUtcTicks = long.MaxValue,
    long coarseRefreshAfter = long.MaxValue)
{
    public object? Value { get; } = value;

    public long FreshUntilUtcTicks { get; } = freshUntilUtcTicks;

    public string? NamespaceVersion { get; } = namespaceVersion;

    /// <summary>Until when, on <see cref="Local.CoarseExpiry"/>'s clock, the value is certainly fresh, so a read need not read the precise clock.</summary>
    public long CoarseFreshUntil { get; } = coarseFreshUntil;

    /// <summary>From when (UTC ticks) a read that finds the value fresh starts an eager refresh; <see cref="long.MaxValue"/>: never.</summary>
    public long RefreshAfterUtcTicks { get; } = refreshAfterUtcTicks;

    /// <summary>Until when, on <see cref="Local.CoarseExpiry"/>'s clock, no eager refresh is due, so a read need not read the precise clock.</summary>
    public long CoarseRefreshAfter { get; } = coarseRefreshAfter;

    private int _refreshClaimed;

    /// <summary>
    /// Claims this value's one eager refresh: true for the first caller only, so the reads that find it due while its
    /// refresh runs (or after it failed) do not each try again; a failed refresh is retried when the value expires.
    /// </summary>
    public bool TryClaimRefresh() => Interlocked.Exchange(ref _refreshClaimed, 1) == 0;

    /// <summary>Whether this value's eager refresh was claimed (a plain read, so hits after the claim write nothing).</summary>
    public bool RefreshClaimed => Volatile.Read(ref _refreshClaimed) != 0;
}
