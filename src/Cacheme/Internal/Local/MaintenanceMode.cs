namespace CachemeNet.Internal.Local;

/// <summary>Where a bounded cache applies buffered reads to its policy.</summary>
internal enum MaintenanceMode
{
    /// <summary>On a thread-pool thread, so a reader never pays for draining (production).</summary>
    ThreadPool,

    /// <summary>On the calling thread when a buffer fills, never dropping a read (simulator, tests).</summary>
    Synchronous,
}
