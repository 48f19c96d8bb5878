using Microsoft.Extensions.Logging;

namespace CachemeNet.Dashboard.Internal;

/// <summary>Builds what the API returns: this process's clients live, plus the fleet's published snapshots.</summary>
internal sealed partial class SnapshotSource(IReadOnlyList<CachemeClient> clients, IFleetStore? fleet, TimeProvider time, ILogger logger)
{
    public async Task<DashboardSnapshot> BuildAsync(CancellationToken cancellationToken)
    {
        List<InstanceSnapshot> instances = [.. clients.Select(c => InstanceSnapshot.Of(c))];
        if (fleet is not null)
        {
            IReadOnlyList<InstanceSnapshot> published;
            try
            {
                published = await fleet.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogFleetReadFailed(logger, e);
                published = [];
            }

            // This process's clients are shown live; their published copies are skipped.
            var local = instances.Select(i => (i.Host, i.ProcessId, i.Client)).ToHashSet();
            instances.AddRange(published.Where(p => !local.Contains((p.Host, p.ProcessId, p.Client))).OrderBy(p => p.Instance, StringComparer.Ordinal));
        }

        return new DashboardSnapshot
        {
            GeneratedAt = time.GetUtcNow(),
            Instances = instances,
            Nodes = StatsAggregation.ByNode(instances),
        };
    }

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Reading the fleet's stats snapshots failed; showing this process only")]
    private static partial void LogFleetReadFailed(ILogger logger, Exception exception);
}
