using Microsoft.Extensions.Caching.Hybrid;

namespace CachemeNet.Extensions;

/// <summary>Options of <see cref="CachemeHybridCache"/>.</summary>
public sealed class CachemeHybridCacheOptions
{
    /// <summary>The client storage used as the local (first) tier, or null for none. Defaults to <c>local</c>.</summary>
    public string? LocalStorage { get; set; } = "local";

    /// <summary>
    /// The client storage used as the shared (second) tier, or null for none. Defaults to <c>shared</c>. When it is a remote
    /// storage, tag invalidations are stored there too, so every instance sharing it sees them.
    /// </summary>
    public string? SharedStorage { get; set; } = "shared";

    /// <summary>
    /// Entry options for calls that pass none (and for fields a call leaves null). Defaults: <see cref="HybridCacheEntryOptions.Expiration"/>
    /// 5 minutes (shared tier TTL), <see cref="HybridCacheEntryOptions.LocalCacheExpiration"/> 1 minute (local tier TTL).
    /// </summary>
    public HybridCacheEntryOptions DefaultEntryOptions { get; set; } = new()
    {
        Expiration = TimeSpan.FromMinutes(5),
        LocalCacheExpiration = TimeSpan.FromMinutes(1),
    };

    /// <summary>The node version appended to every full key (<c>{prefix}:{key}:{version}</c>). Defaults to <c>hybrid-v1</c>.</summary>
    public string Version { get; set; } = "hybrid-v1";

    /// <summary>The prefix of the node names shown in statistics (<c>{NodeName}:{type}</c>). Defaults to <c>hybrid</c>; must be unique per client.</summary>
    public string NodeName { get; set; } = "hybrid";

    /// <summary>The serializer for the shared tier. Defaults to <see cref="Serializers.Json"/>.</summary>
    public ICacheSerializer Serializer { get; set; } = Serializers.Json;

    /// <summary>
    /// How long this instance trusts the tag invalidation times it read from the shared tier. Invalidations made by this
    /// instance apply at once; those made by another instance apply here within this time. Defaults to 1 second; zero reads them on every call.
    /// </summary>
    public TimeSpan TagCacheDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Eager refresh (<see cref="NodeMeta.EagerRefresh"/>): a share of each tier's TTL, between 0 and 1 exclusive, after
    /// which a read that finds the entry fresh is served it at once and also reloads it in the background with that
    /// call's factory, so a key that keeps being read is refreshed before it expires and no caller waits at expiry.
    /// Null (the default): off.
    /// </summary>
    public double? EagerRefresh { get; set; }
}
