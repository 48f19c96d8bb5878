namespace CachemeNet;

/// <summary>
/// Carries invalidations between processes that share remote tiers, so every instance drops the affected entries from its
/// local tiers (nameko's BROADCAST events). Attach one with <see cref="CachemeClient.AttachBackplaneAsync"/>;
/// Cacheme.Redis provides one over Redis pub/sub.
/// </summary>
public interface ICacheBackplane : IAsyncDisposable
{
    /// <summary>Sends a message to every subscribed instance (including, possibly, the sender, which ignores its own).</summary>
    /// <param name="message">The invalidation.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    ValueTask PublishAsync(CacheInvalidation message, CancellationToken cancellationToken);

    /// <summary>Starts delivering messages to <paramref name="handler"/>; returns once the subscription is active.</summary>
    /// <param name="handler">Called for every message received.</param>
    /// <param name="cancellationToken">Cancels subscribing.</param>
    ValueTask SubscribeAsync(Func<CacheInvalidation, ValueTask> handler, CancellationToken cancellationToken);
}

/// <summary>What a <see cref="CacheInvalidation"/> targets.</summary>
public enum CacheInvalidationKind
{
    /// <summary>One full key.</summary>
    Key = 1,

    /// <summary>A namespace: its cached version is dropped so the next read fetches the new one.</summary>
    Namespace = 2,

    /// <summary>
    /// Everything: the receiver may have missed invalidations (its backplane was disconnected, and pub/sub does not
    /// replay), so it drops every local entry and every cached namespace version and detaches its reads in flight. A
    /// backplane delivers this to its own handler once it is subscribed again after losing its connection; the target
    /// is empty.
    /// </summary>
    All = 3,
}

/// <summary>One invalidation sent through a backplane.</summary>
/// <param name="Kind">What is invalidated.</param>
/// <param name="Target">The full key or the namespace.</param>
/// <param name="Sender">The sending client's <see cref="CachemeClient.InstanceId"/>.</param>
/// <param name="SentAtUnixMs">When it was sent (sender's clock), Unix milliseconds.</param>
public sealed record CacheInvalidation(CacheInvalidationKind Kind, string Target, string Sender, long SentAtUnixMs);
