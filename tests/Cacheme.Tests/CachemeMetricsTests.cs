using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CachemeNet.Tests.Fakes;

namespace CachemeNet.Tests;

/// <summary>The "Cacheme" Meter, read the way dotnet-counters and OpenTelemetry read it: through a MeterListener.</summary>
public sealed class CachemeMetricsTests
{
    private static async Task<(CachemeClient Client, RecordingRemoteStorage Remote, ManualTimeProvider Time)> ClientAsync(string name)
    {
        var time = new ManualTimeProvider();
        var client = new CachemeClient(new CachemeOptions { Name = name, TimeProvider = time });
        var remote = new RecordingRemoteStorage(time);
        await client.RegisterStorageAsync("local", new Storage("local://lru", size: 100));
        await client.RegisterStorageAsync("remote", TestStorageProvider.For(remote));
        return (client, remote, time);
    }

    [Fact]
    public async Task Observable_counters_report_each_nodes_stats_tagged_by_client_node_and_tier()
    {
        string name = $"metrics-{Guid.NewGuid():N}";
        var (client, remote, _) = await ClientAsync(name);
        await using var _c = client;
        var source = new TestSource();
        NodeMeta meta = new() { Name = "Item", Caches = [new Cache("local", null), new Cache("remote", null)] };

        await client.GetAsync(new ItemNode("a", source, meta)); // miss, load
        await client.GetAsync(new ItemNode("a", source, meta)); // local hit
        await client.GetAsync(new ItemNode("a", source, meta)); // local hit
        remote.Failure = new InvalidOperationException("down");
        await client.GetAsync(new ItemNode("b", source, meta)); // remote get fails, load, remote set fails
        source.Failure = new InvalidOperationException("source down");
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await client.GetAsync(new ItemNode("c", source, meta)));

        using var recorder = new MetricsRecorder(name);
        recorder.Collect();

        Assert.Equal(5, recorder.Value("cacheme.requests", "Item"));
        Assert.Equal(2, recorder.Value("cacheme.hits", "Item"));
        Assert.Equal(3, recorder.Value("cacheme.misses", "Item"));
        Assert.Equal(3, recorder.Value("cacheme.loads", "Item"));
        Assert.Equal(1, recorder.Value("cacheme.load.failures", "Item"));
        Assert.Equal(0, recorder.Value("cacheme.stale_served", "Item"));
        Assert.Equal(0, recorder.Value("cacheme.decode_failures", "Item"));
        Assert.Equal(2, recorder.Value("cacheme.tier.hits", "Item", "local"));
        Assert.Equal(0, recorder.Value("cacheme.tier.hits", "Item", "remote"));
        Assert.Equal(0, recorder.Value("cacheme.tier.errors", "Item", "local"));
        Assert.Equal(3, recorder.Value("cacheme.tier.errors", "Item", "remote")); // b: get + set, c: get

        NodeStats stats = client.Stats<ItemNode>();
        Assert.Equal(3, stats.TierErrors["remote"]);
        Assert.Equal(stats.TierErrorCount, stats.TierErrors.Values.Sum());
    }

    [Fact]
    public async Task Counters_move_between_collections_as_requests_arrive()
    {
        string name = $"metrics-{Guid.NewGuid():N}";
        var (client, _, _) = await ClientAsync(name);
        await using var _c = client;
        var source = new TestSource();
        NodeMeta meta = new() { Caches = [new Cache("local", null)] };
        using var recorder = new MetricsRecorder(name);

        await client.GetAsync(new ItemNode("a", source, meta));
        recorder.Collect();
        Assert.Equal(1, recorder.Value("cacheme.requests", "ItemNode"));

        for (int i = 0; i < 10; i++)
        {
            await client.GetAsync(new ItemNode("a", source, meta));
        }

        recorder.Collect();
        Assert.Equal(11, recorder.Value("cacheme.requests", "ItemNode"));
        Assert.Equal(10, recorder.Value("cacheme.hits", "ItemNode"));
    }

    [Fact]
    public async Task Load_duration_histogram_records_each_loader_call_in_seconds_on_the_clients_clock()
    {
        string name = $"metrics-{Guid.NewGuid():N}";
        var (client, _, time) = await ClientAsync(name);
        await using var _c = client;
        var gate = new TaskCompletionSource();
        var source = new TestSource { Gate = gate.Task };
        NodeMeta meta = new() { Caches = [new Cache("local", null)] };
        using var recorder = new MetricsRecorder(name);

        ValueTask<string> pending = client.GetAsync(new ItemNode("slow", source, meta));
        await source.Started.Task;
        time.Advance(TimeSpan.FromMilliseconds(250));
        gate.SetResult();
        await pending;

        double recorded = Assert.Single(recorder.Histogram("cacheme.load.duration", "ItemNode"));
        Assert.Equal(0.25, recorded, 6);
    }

    [Fact]
    public async Task A_disposed_client_is_no_longer_reported()
    {
        string name = $"metrics-{Guid.NewGuid():N}";
        var (client, _, _) = await ClientAsync(name);
        await client.GetAsync(new ItemNode("a", new TestSource(), new NodeMeta { Caches = [new Cache("local", null)] }));
        using var recorder = new MetricsRecorder(name);
        recorder.Collect();
        Assert.Equal(1, recorder.Value("cacheme.requests", "ItemNode"));

        await client.DisposeAsync();
        recorder.Clear();
        recorder.Collect();
        Assert.Null(recorder.Value("cacheme.requests", "ItemNode"));
    }

    /// <summary>Listens to the Cacheme meter and keeps the measurements of one client (tests run in parallel).</summary>
    private sealed class MetricsRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<(string Instrument, string Node, string? Tier), long> _values = new();
        private readonly ConcurrentQueue<(string Instrument, string Node, double Value)> _histogram = new();

        public MetricsRecorder(string client)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Cacheme")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                var t = Tags(tags);
                if (t.GetValueOrDefault("client") as string == client)
                {
                    _values[(instrument.Name, (string)t["node"]!, t.GetValueOrDefault("tier") as string)] = value;
                }
            });
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            {
                var t = Tags(tags);
                if (t.GetValueOrDefault("client") as string == client)
                {
                    _histogram.Enqueue((instrument.Name, (string)t["node"]!, value));
                }
            });
            _listener.Start();
        }

        public void Collect() => _listener.RecordObservableInstruments();

        public void Clear() => _values.Clear();

        public long? Value(string instrument, string node, string? tier = null) =>
            _values.TryGetValue((instrument, node, tier), out long value) ? value : null;

        public IReadOnlyList<double> Histogram(string instrument, string node) =>
            [.. _histogram.Where(h => h.Instrument == instrument && h.Node == node).Select(h => h.Value)];

        public void Dispose() => _listener.Dispose();

        private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var result = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                result[tag.Key] = tag.Value;
            }

            return result;
        }
    }
}
