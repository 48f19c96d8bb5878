namespace CachemeNet;

/// <summary>
/// Implemented by remote storages that can hold short leases (Redis: <c>SET NX PX</c>), used by
/// <see cref="NodeMeta.DistributedLoadLease"/> so that across processes only one loads a key.
/// </summary>
public interface IRemoteLockStorage
{
    /// <summary>Takes the lease on <paramref name="key"/> when free; returns a token to release it with, or null when another holder has it.</summary>
    /// <param name="key">The lock key.</param>
    /// <param name="lease">How long the lease lasts if never released (its holder died).</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    ValueTask<string?> TryLockAsync(string key, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Releases the lease if <paramref name="token"/> still holds it.</summary>
    /// <param name="key">The lock key.</param>
    /// <param name="token">The token from <see cref="TryLockAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the release.</param>
    ValueTask UnlockAsync(string key, string token, CancellationToken cancellationToken);
}
