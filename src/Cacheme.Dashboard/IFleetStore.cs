namespace CachemeNet.Dashboard;

/// <summary>Where instances publish their stats snapshots and a dashboard reads the whole fleet's.</summary>
public interface IFleetStore
{
    /// <summary>Stores <paramref name="snapshot"/> under its instance id for <paramref name="timeToLive"/>, replacing the previous one.</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <param name="timeToLive">How long it counts as live; an instance that stops publishing drops out after this.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task PublishAsync(InstanceSnapshot snapshot, TimeSpan timeToLive, CancellationToken cancellationToken);

    /// <summary>Every live instance's latest snapshot.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<InstanceSnapshot>> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Removes an instance (on shutdown).</summary>
    /// <param name="instance">The instance id.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    Task RemoveAsync(string instance, CancellationToken cancellationToken);
}
