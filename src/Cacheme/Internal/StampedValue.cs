namespace CachemeNet.Internal;

/// <summary>
/// What a local tier holds for a node with fail-safe or a namespace: the value, when it stops being fresh, and the
/// namespace version it was written under. Plain nodes store the bare value so a hit allocates nothing.
/// </summary>
internal sealed class StampedValue(object? value, long freshUntilUtcTicks, string? namespaceVersion)
{
    public object? Value { get; } = value;

    public long FreshUntilUtcTicks { get; } = freshUntilUtcTicks;

    public string? NamespaceVersion { get; } = namespaceVersion;
}
