namespace CachemeNet;

/// <summary>One node as a client serves it: its configuration and a statistics snapshot. Returned by <see cref="CachemeClient.Describe"/>.</summary>
public sealed record NodeReport
{
    /// <summary>The node's name (as in <see cref="NodeStats.Node"/>).</summary>
    public required string Node { get; init; }

    /// <summary>The CLR node type's full name, or null for nodes built at run time.</summary>
    public string? NodeType { get; init; }

    /// <summary>The version appended to every full key.</summary>
    public required string Version { get; init; }

    /// <summary>The serializer's type name.</summary>
    public required string Serializer { get; init; }

    /// <summary>Whether a doorkeeper filters one-hit wonders.</summary>
    public bool Doorkeeper { get; init; }

    /// <summary>The fail-safe window (<see cref="NodeMeta.FailSafe"/>), or null when fail-safe is off.</summary>
    public TimeSpan? FailSafe { get; init; }

    /// <summary>The eager refresh share of the TTL (<see cref="NodeMeta.EagerRefresh"/>), or null when it is off.</summary>
    public double? EagerRefresh { get; init; }

    /// <summary>The tier chain, in read order.</summary>
    public required IReadOnlyList<TierReport> Tiers { get; init; }

    /// <summary>The statistics snapshot.</summary>
    public required NodeStats Stats { get; init; }
}

/// <summary>One tier of a node's chain.</summary>
/// <param name="Storage">The storage name.</param>
/// <param name="Kind"><c>local</c> (objects in process) or <c>remote</c> (bytes).</param>
/// <param name="Url">The storage URL with any password hidden.</param>
/// <param name="Ttl">The time to live of values written there, or null for none.</param>
public sealed record TierReport(string Storage, string Kind, string Url, TimeSpan? Ttl);
