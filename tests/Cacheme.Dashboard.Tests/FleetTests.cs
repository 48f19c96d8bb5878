using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace CachemeNet.Dashboard.Tests;

/// <summary>Instances publishing stats snapshots to one real Redis (CACHEME_TEST_REDIS), read back by one dashboard.</summary>
public sealed class FleetTests
{
    private static string Prefix() => $"cacheme-test:fleet:{Guid.NewGuid():N}";

    [Fact]
    public async Task Two_clients_publishing_to_one_redis_appear_as_two_instances_in_the_dashboard_api()
    {
        string prefix = Prefix();
        await using Workload a = await Workload.CreateAsync("fleet-a");
        await using Workload b = await Workload.CreateAsync("fleet-b");
        // Each instance has its own connection, as separate processes would.
        await using RedisFleetStore storeA = await RedisFleetStore.ConnectAsync(TestEnvironment.RedisUrl, prefix);
        await using RedisFleetStore storeB = await RedisFleetStore.ConnectAsync(TestEnvironment.RedisUrl, prefix);
        await using RedisFleetStore viewerStore = await RedisFleetStore.ConnectAsync(TestEnvironment.RedisUrl, prefix);
        await using var publisherA = new FleetPublisher(a.Client, storeA, TimeSpan.FromMilliseconds(100));
        await using var publisherB = new FleetPublisher(b.Client, storeB, TimeSpan.FromMilliseconds(100));
        publisherA.Start();
        publisherB.Start();
        await a.RunAsync(120);
        await b.RunAsync(300);

        await using var viewer = new CachemeClient(new CachemeOptions { Name = "viewer" });
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        await using WebApplication app = builder.Build();
        app.MapCachemeDashboard("/cacheme", o =>
        {
            o.Clients.Add(viewer);
            o.Fleet = viewerStore;
        });
        await app.StartAsync();
        using HttpClient http = app.GetTestClient();

        // The publishers' timers carry the final counts to Redis within a few ticks.
        JsonElement snapshot = await TestEnvironment.EventuallyAsync(
            async () => await http.GetFromJsonAsync<JsonElement>("/cacheme/api/snapshot"),
            s => Requests(s, "fleet-a") == 120 && Requests(s, "fleet-b") == 300,
            TimeSpan.FromSeconds(15),
            "both instances' final counts in the dashboard");

        string[] clients = [.. snapshot.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("client").GetString()!)];
        Assert.Equal(["viewer", "fleet-a", "fleet-b"], clients);
        Assert.Equal(
            [publisherA.Instance, publisherB.Instance],
            snapshot.GetProperty("instances").EnumerateArray().Skip(1).Select(i => i.GetProperty("instance").GetString()));
        JsonElement node = Assert.Single(snapshot.GetProperty("nodes").EnumerateArray());
        Assert.Equal(2, node.GetProperty("instances").GetInt32());
        Assert.Equal(420, node.GetProperty("stats").GetProperty("requestCount").GetInt64());
        Assert.Equal(200, node.GetProperty("stats").GetProperty("loadCount").GetInt64());
    }

    [Fact]
    public async Task On_a_redis_cluster_instances_publish_and_read_in_one_slot_and_an_unreadable_snapshot_is_skipped()
    {
        string prefix = Prefix();
        await using Workload a = await Workload.CreateAsync("cluster-a");
        await using RedisFleetStore store = await RedisFleetStore.ConnectAsync(TestEnvironment.RedisClusterUrl, prefix);
        foreach (string instance in new[] { "one", "two", "three", "four" }) // ids whose keys, untagged, fall in several slots
        {
            await store.PublishAsync(InstanceSnapshot.Of(a.Client, instance), TimeSpan.FromMinutes(1), CancellationToken.None);
        }

        // A snapshot from another version that this one cannot read.
        using (StackExchange.Redis.ConnectionMultiplexer raw = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(TestEnvironment.RedisClusterUrl["redis://".Length..]))
        {
            StackExchange.Redis.IDatabase db = raw.GetDatabase();
            await db.SetAddAsync($"{{{prefix}}}:instances", "future");
            await db.StringSetAsync($"{{{prefix}}}:instance:future", "{\"instance\": 42}", TimeSpan.FromMinutes(1));
        }

        IReadOnlyList<InstanceSnapshot> all = await store.ReadAllAsync(CancellationToken.None);

        Assert.Equal(["four", "one", "three", "two"], all.Select(s => s.Instance));
    }

    [Fact]
    public async Task A_stopped_publisher_leaves_the_fleet_and_an_expired_snapshot_is_dropped()
    {
        string prefix = Prefix();
        await using Workload a = await Workload.CreateAsync("leaving");
        await a.RunAsync(5);
        await using RedisFleetStore store = await RedisFleetStore.ConnectAsync(TestEnvironment.RedisUrl, prefix);

        var publisher = new FleetPublisher(a.Client, store, TimeSpan.FromMinutes(1));
        await publisher.PublishAsync();
        InstanceSnapshot published = Assert.Single(await store.ReadAllAsync(CancellationToken.None));
        Assert.Equal(5, Assert.Single(published.Nodes).Stats.RequestCount);
        Assert.Equal(TimeSpan.FromSeconds(30), published.Nodes[0].Tiers[0].Ttl);
        await publisher.DisposeAsync();
        Assert.Empty(await store.ReadAllAsync(CancellationToken.None));

        await store.PublishAsync(InstanceSnapshot.Of(a.Client, "short-lived"), TimeSpan.FromMilliseconds(200), CancellationToken.None);
        Assert.Single(await store.ReadAllAsync(CancellationToken.None));
        await TestEnvironment.EventuallyAsync(
            () => store.ReadAllAsync(CancellationToken.None), s => s.Count == 0, TimeSpan.FromSeconds(10), "the snapshot to expire");
    }

    [Fact]
    public async Task Bad_urls_are_refused_and_an_unreachable_redis_fails_to_connect()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => RedisFleetStore.ConnectAsync("http://127.0.0.1:6379"));
        await Assert.ThrowsAsync<ArgumentException>(() => RedisFleetStore.ConnectAsync("redis://127.0.0.1:6379/notanumber"));
        var error = await Assert.ThrowsAsync<StorageConnectionException>(() => RedisFleetStore.ConnectAsync("redis://:secret@127.0.0.1:1"));
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    private static long Requests(JsonElement snapshot, string client) =>
        snapshot.GetProperty("instances").EnumerateArray()
            .Where(i => i.GetProperty("client").GetString() == client)
            .Select(i => i.GetProperty("nodes").EnumerateArray().Sum(n => n.GetProperty("stats").GetProperty("requestCount").GetInt64()))
            .FirstOrDefault(-1);
}
