namespace CachemeNet.Internal;

/// <summary>The live counters behind <see cref="NodeStats"/> for one node definition.</summary>
internal sealed class NodeCounters(string node, IReadOnlyList<string> tierNames)
{
    private readonly StripedCounter[] _tierHits = [.. tierNames.Select(_ => new StripedCounter())];
    private readonly StripedCounter[] _tierErrors = [.. tierNames.Select(_ => new StripedCounter())];

    public string Node { get; } = node;

    /// <summary>The owning client's name, for metric tags.</summary>
    public string Client { get; set; } = "default";

    public StripedCounter Hits { get; } = new();

    public StripedCounter Misses { get; } = new();

    public StripedCounter LoadSuccesses { get; } = new();

    public StripedCounter LoadFailures { get; } = new();

    public StripedCounter LoadTicks { get; } = new();

    public StripedCounter DecodeFailures { get; } = new();

    public StripedCounter TierErrors { get; } = new();

    /// <summary>Requests served a stale value (fail-safe).</summary>
    public StripedCounter StaleServed { get; } = new();

    /// <summary>Background reloads started by eager refresh.</summary>
    public StripedCounter EagerRefreshes { get; } = new();

    public void TierHit(int tier)
    {
        Hits.Increment();
        _tierHits[tier].Increment();
    }

    public void TierError(int tier)
    {
        TierErrors.Increment();
        if ((uint)tier < (uint)_tierErrors.Length)
        {
            _tierErrors[tier].Increment();
        }
    }

    public void LoadTime(TimeSpan elapsed)
    {
        LoadTicks.Add(elapsed.Ticks);
        CachemeMetrics.RecordLoadTime(elapsed, Client, Node);
    }

    public NodeStats Snapshot() => new()
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
        EagerRefreshCount = EagerRefreshes.Sum(),
        TierHits = ByTier(_tierHits),
        TierErrors = ByTier(_tierErrors),
    };

    // Tier names can repeat in a chain (the same storage twice); their counts are summed under the name.
    private Dictionary<string, long> ByTier(StripedCounter[] counters)
    {
        var tiers = new Dictionary<string, long>(tierNames.Count);
        for (int i = 0; i < tierNames.Count; i++)
        {
            tiers[tierNames[i]] = tiers.GetValueOrDefault(tierNames[i]) + counters[i].Sum();
        }

        return tiers;
    }
}
