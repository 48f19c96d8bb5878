using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace CachemeNet.Internal;

/// <summary>
/// The current version of each namespace (the memcached namespace technique): held in the shared (first remote) tier under
/// <c>{prefix}:namespace:{name}</c>, cached in this process for <see cref="CachemeOptions.NamespaceCacheDuration"/>. A new
/// version makes every key of the namespace unreachable at once, because the version is part of every full key.
/// </summary>
internal sealed class NamespaceVersions(CachemeClient client, TimeSpan cacheFor)
{
    public const string Initial = "0";
    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);

    /// <summary>The cached version when it is still fresh; no I/O.</summary>
    public bool TryGetCached(string ns, out string version)
    {
        if (_cache.TryGetValue(ns, out Cached cached) && (cached.Until > client.TimeProvider.GetTimestamp() || cached.Authoritative))
        {
            version = cached.Version;
            return true;
        }

        version = Initial;
        return false;
    }

    /// <summary>The namespace's version, read from <paramref name="shared"/> when the cached one is stale.</summary>
    public async ValueTask<string> GetAsync(string ns, IRemoteStorage? shared, CancellationToken cancellationToken)
    {
        if (TryGetCached(ns, out string version))
        {
            return version;
        }

        if (shared is null)
        {
            // No shared tier: this process is the authority for the namespace.
            return _cache.GetOrAdd(ns, _ => new Cached(Initial, long.MaxValue, Authoritative: true)).Version;
        }

        byte[]? stored = await shared.GetAsync(StorageKey(ns), cancellationToken).ConfigureAwait(false);
        version = stored is null ? Initial : Encoding.UTF8.GetString(stored);
        _cache[ns] = new Cached(version, client.TimeProvider.GetTimestamp() + (long)(cacheFor.TotalSeconds * client.TimeProvider.TimestampFrequency), false);
        return version;
    }

    /// <summary>Gives the namespace a new random version in every remote storage and in this process.</summary>
    public async Task<string> BumpAsync(string ns, IEnumerable<IRemoteStorage> storages, CancellationToken cancellationToken)
    {
        string version = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        byte[] bytes = Encoding.UTF8.GetBytes(version);
        bool any = false;
        foreach (IRemoteStorage storage in storages)
        {
            await storage.SetAsync(StorageKey(ns), bytes, null, cancellationToken).ConfigureAwait(false);
            any = true;
        }

        _cache[ns] = new Cached(version, any ? client.TimeProvider.GetTimestamp() + (long)(cacheFor.TotalSeconds * client.TimeProvider.TimestampFrequency) : long.MaxValue, !any);
        return version;
    }

    /// <summary>Drops the cached version so the next read fetches it (another instance bumped it).</summary>
    public void Forget(string ns)
    {
        if (_cache.TryGetValue(ns, out Cached cached) && !cached.Authoritative)
        {
            _cache.TryRemove(KeyValuePair.Create(ns, cached));
        }
    }

    /// <summary>Drops every cached version that came from the shared tier (after the backplane may have missed bumps).</summary>
    public void ForgetAll()
    {
        foreach (string ns in _cache.Keys)
        {
            Forget(ns);
        }
    }

    public string StorageKey(string ns) => string.Concat(client.Prefix, ":namespace:", ns);

    private readonly record struct Cached(string Version, long Until, bool Authoritative);
}
