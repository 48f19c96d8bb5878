namespace CachemeNet;

/// <summary>The configuration of a node type. Create one per node type and return it from <see cref="CacheNode{T}.Meta"/>.</summary>
public sealed class NodeMeta
{
    /// <summary>The version, appended to every full key (<c>{prefix}:{key}:{version}</c>); change it when the value's shape changes.</summary>
    public string Version { get; init; } = "v1";

    /// <summary>The tier chain, read in this order. Must not be empty.</summary>
    public IReadOnlyList<Cache> Caches { get; init; } = [];

    /// <summary>The serializer used for remote tiers. Defaults to <see cref="Serializers.Json"/>.</summary>
    public ICacheSerializer Serializer { get; init; } = Serializers.Json;

    /// <summary>
    /// An optional doorkeeper: a key loaded for the first time is only remembered in the filter and not written to the tiers;
    /// the next load of that key writes it. Keeps one-hit wonders out of the caches.
    /// </summary>
    public BloomFilter? Doorkeeper { get; init; }

    /// <summary>An optional display name for statistics and the dashboard; defaults to the node type's name.</summary>
    public string? Name { get; init; }
}
