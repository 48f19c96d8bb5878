namespace CachemeNet.Internal;

/// <summary>
/// What a local tier holds for a node with fail-safe or a namespace: the value, when it stops being fresh, and the
/// namespace version it was written under. Plain nodes store the bare value so a hit allocates nothing.
/// </summary>
internal sealed class StampedValue(object? value, long freshUntilUtcTicks, string? namespaceVersion, long coarseFreshUntil = Local.CoarseExpiry.Never)
{
    public object? Value { get; } = value;

    public long FreshUntilUtcTicks { get; } = freshUntilUtcTicks;

    public string? NamespaceVersion { get; } = namespaceVersion;

    /// <summary>Until when, on <see cref="Local.CoarseExpiry"/>'s clock, the value is certainly fresh, so a read need not read the precise clock.</summary>
    public long CoarseFreshUntil { get; } = coarseFreshUntil;
}
