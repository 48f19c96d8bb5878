namespace CachemeNet.Internal;

/// <summary>The live counters behind <see cref="NodeStats"/> for one node definition.</summary>
internal sealed class NodeCounters(string node, IReadOnlyList<string> tierNames)
{
    private readonly StripedCounter[] _tierHits = [.. tierNames.Select(_ => new StripedCounter())];

    public string Node { get; } = node;

    public StripedCounter Hits { get; } = new();

    public StripedCounter Misses { get; } = new();

    public StripedCounter LoadSuccesses { get; } = new();

    public StripedCounter LoadFailures { get; } = new();

    public StripedCounter LoadTicks { get; } = new();

    public StripedCounter DecodeFailures { get; } = new();

    public StripedCounter TierErrors { get; } = new();

    public StripedCounter StaleServed { get; } = new();

    public void TierHit(int tier)
    {
        Hits.Increment();
        _tierHits[tier].Increment();
    }

    public void LoadTime(TimeSpan elapsed) => LoadTicks.Add(elapsed.Ticks);

    public NodeStats Snapshot()
    {
        var tiers = new Dictionary<string, long>(tierNames.Count);
        for (int i = 0; i < tierNames.Count; i++)
        {
            tiers[tierNames[i]] = tiers.GetValueOrDefault(tierNames[i]) + _tierHits[i].Sum();
        }

        return new NodeStats
        {
            Node = Node,
            HitCount = Hits.Sum(),
            MissCount = Misses.Sum(),
            LoadSuccessCount = LoadSuccesses.Sum(),
            LoadFailureCount = LoadFailures.Sum(),
            TotalLoadTime = TimeSpan.FromTicks(LoadTicks.Sum()),
            DecodeFailureCount = DecodeFailures.Sum(),
            TierErrorCount = TierErrors.Sum(),
            StaleServedCount = StaleServed.Sum(),
            TierHits = tiers,
        };
    }
}
