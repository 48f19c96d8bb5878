using System.Collections;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace CachemeNet.Internal;

/// <summary>
/// The <c>Cacheme</c> <see cref="Meter"/>. Counters are observable instruments that read each live client's striped node
/// counters when a listener collects (nothing is done per request for them); the load-time histogram is recorded per loader call.
/// Tags: <c>client</c> (<see cref="CachemeClient.Name"/>), <c>node</c>, and <c>tier</c> (storage name) on tier instruments.
/// </summary>
internal static class CachemeMetrics
{
    public const string MeterName = "Cacheme";

    private static readonly ConditionalWeakTable<CachemeClient, object?> Clients = [];

    private static readonly Meter Meter = new(MeterName, typeof(CachemeMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Histogram<double> LoadDuration = Meter.CreateHistogram<double>(
        "cacheme.load.duration", "s", "Time spent in one loader call (a batch loader call counts once).");

#pragma warning disable CA1823 // Observable instruments live as long as the Meter; the fields document them and keep them rooted.
    private static readonly ObservableCounter<long> Requests = Counter("cacheme.requests", "{request}", "Requests: hits plus misses.", c => c.Hits.Sum() + c.Misses.Sum());
    private static readonly ObservableCounter<long> Hits = Counter("cacheme.hits", "{request}", "Requests served without calling the loader.", c => c.Hits.Sum());
    private static readonly ObservableCounter<long> Misses = Counter("cacheme.misses", "{request}", "Requests that called the loader, failed or were cancelled.", c => c.Misses.Sum());
    private static readonly ObservableCounter<long> Loads = Counter("cacheme.loads", "{load}", "Loader calls, one per key (successes plus failures).", c => c.LoadSuccesses.Sum() + c.LoadFailures.Sum());
    private static readonly ObservableCounter<long> LoadFailures = Counter("cacheme.load.failures", "{load}", "Loader calls that threw.", c => c.LoadFailures.Sum());
    private static readonly ObservableCounter<long> StaleServed = Counter("cacheme.stale_served", "{request}", "Requests answered with an expired value because loading failed (fail-safe).", c => c.StaleServed.Sum());
    private static readonly ObservableCounter<long> EagerRefreshes = Counter("cacheme.eager_refreshes", "{load}", "Background reloads started by eager refresh before a value expired.", c => c.EagerRefreshes.Sum());
    private static readonly ObservableCounter<long> DecodeFailures = Counter("cacheme.decode_failures", "{value}", "Remote values that could not be decoded and were treated as misses.", c => c.DecodeFailures.Sum());
    private static readonly ObservableCounter<long> TierHits = TierCounter("cacheme.tier.hits", "{request}", "Hits per tier.", s => s.TierHits);
    private static readonly ObservableCounter<long> TierErrors = TierCounter("cacheme.tier.errors", "{error}", "Failed reads, writes and deletes per tier.", s => s.TierErrors);
#pragma warning restore CA1823

    public static void Track(CachemeClient client) => Clients.AddOrUpdate(client, null);

    public static void Untrack(CachemeClient client) => Clients.Remove(client);

    public static void RecordLoadTime(TimeSpan elapsed, string client, string node)
    {
        if (LoadDuration.Enabled)
        {
            LoadDuration.Record(elapsed.TotalSeconds, new TagList { { "client", client }, { "node", node } });
        }
    }

    private static IEnumerable<NodeRuntime> Runtimes()
    {
        foreach (KeyValuePair<CachemeClient, object?> entry in (IEnumerable<KeyValuePair<CachemeClient, object?>>)Clients)
        {
            foreach (NodeRuntime runtime in entry.Key.Runtimes)
            {
                yield return runtime;
            }
        }
    }

    private static ObservableCounter<long> Counter(string name, string unit, string description, Func<NodeCounters, long> read) =>
        Meter.CreateObservableCounter(name, () => Observe(read), unit, description);

    private static IEnumerable<Measurement<long>> Observe(Func<NodeCounters, long> read)
    {
        foreach (NodeRuntime runtime in Runtimes())
        {
            NodeCounters counters = runtime.Counters;
            yield return new Measurement<long>(read(counters), new KeyValuePair<string, object?>("client", counters.Client), new KeyValuePair<string, object?>("node", counters.Node));
        }
    }

    private static ObservableCounter<long> TierCounter(string name, string unit, string description, Func<NodeStats, IReadOnlyDictionary<string, long>> read) =>
        Meter.CreateObservableCounter(name, () => ObserveTiers(read), unit, description);

    private static IEnumerable<Measurement<long>> ObserveTiers(Func<NodeStats, IReadOnlyDictionary<string, long>> read)
    {
        foreach (NodeRuntime runtime in Runtimes())
        {
            NodeCounters counters = runtime.Counters;
            foreach (KeyValuePair<string, long> tier in read(counters.Snapshot()))
            {
                yield return new Measurement<long>(
                    tier.Value,
                    new KeyValuePair<string, object?>("client", counters.Client),
                    new KeyValuePair<string, object?>("node", counters.Node),
                    new KeyValuePair<string, object?>("tier", tier.Key));
            }
        }
    }
}
