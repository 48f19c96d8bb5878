namespace CachemeNet.Dashboard.Internal;

/// <summary>Sums node statistics over instances.</summary>
internal static class StatsAggregation
{
    public static IReadOnlyList<NodeSummary> ByNode(IEnumerable<InstanceSnapshot> instances) =>
    [
        .. instances.SelectMany(i => i.Nodes)
            .GroupBy(n => n.Node, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new NodeSummary
            {
                Node = g.Key,
                Instances = g.Count(),
                Configuration = g.First(),
                Stats = Sum(g.Key, g.Select(n => n.Stats)),
            }),
    ];

    public static NodeStats Sum(string node, IEnumerable<NodeStats> stats)
    {
        long hits = 0, misses = 0, successes = 0, failures = 0, decode = 0, tierErrors = 0, stale = 0, eager = 0;
        TimeSpan loadTime = TimeSpan.Zero;
        var tierHits = new Dictionary<string, long>(StringComparer.Ordinal);
        var tierErrorsByTier = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (NodeStats s in stats)
        {
            hits += s.HitCount;
            misses += s.MissCount;
            successes += s.LoadSuccessCount;
            failures += s.LoadFailureCount;
            decode += s.DecodeFailureCount;
            tierErrors += s.TierErrorCount;
            stale += s.StaleServedCount;
            eager += s.EagerRefreshCount;
            loadTime += s.TotalLoadTime;
            AddInto(tierHits, s.TierHits);
            AddInto(tierErrorsByTier, s.TierErrors);
        }

        return new NodeStats
        {
            Node = node,
            HitCount = hits,
            MissCount = misses,
            LoadSuccessCount = successes,
            LoadFailureCount = failures,
            DecodeFailureCount = decode,
            TierErrorCount = tierErrors,
            StaleServedCount = stale,
            EagerRefreshCount = eager,
            TotalLoadTime = loadTime,
            TierHits = tierHits,
            TierErrors = tierErrorsByTier,
        };
    }

    private static void AddInto(Dictionary<string, long> into, IReadOnlyDictionary<string, long>? from)
    {
        foreach (KeyValuePair<string, long> pair in from ?? new Dictionary<string, long>())
        {
            into[pair.Key] = into.GetValueOrDefault(pair.Key) + pair.Value;
        }
    }
}
