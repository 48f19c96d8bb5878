using System.Diagnostics;
using CachemeNet.Redis.Internal;
using StackExchange.Redis;

namespace CachemeNet.Storages.Tests;

public class RedisStorageTests : RemoteStorageContract
{
    protected virtual string Url => TestServers.Redis;

    protected virtual bool Cluster => false;

    protected override Storage DescribeStorage() => new(Url) { Cluster = Cluster };

    // Redis expires keys itself (PX): wait for it by polling with a deadline.
    protected override TimeSpan ShortTtl => TimeSpan.FromMilliseconds(1000);

    protected override Task LetExpireAsync(string key, TimeSpan ttl) =>
        TestServers.EventuallyAsync(async () => await Remote.GetAsync(key, default) is null, $"{key} expired", ttl + TimeSpan.FromSeconds(5));

    internal RedisRemoteStorage Redis => (RedisRemoteStorage)Remote;

    [Fact]
    public async Task Values_are_written_with_a_millisecond_ttl()
    {
        const long Ttl = 90_999;
        var clock = Stopwatch.StartNew();
        await Remote.SetAsync(Key("px"), "v"u8.ToArray(), TimeSpan.FromMilliseconds(Ttl), default);
        await Remote.SetManyAsync([new(Key("px2"), "v"u8.ToArray())], TimeSpan.FromMilliseconds(Ttl), default);

        IDatabase database = Redis.Connection.GetDatabase();
        foreach (string key in new[] { Key("px"), Key("px2") })
        {
            // Redis counts down from when it stored the key: at most the TTL asked, at least that less the time since.
            // A whole-second SETEX would leave at most 90,000 ms (below the lower bound unless a second passed) or,
            // rounded up, 91,000 (above the upper bound).
            long pttl = (long)await database.ExecuteAsync("PTTL", (RedisKey)key);
            Assert.InRange(pttl, Ttl - clock.ElapsedMilliseconds - 1, Ttl);
        }

        await Remote.SetAsync(Key("px"), "v"u8.ToArray(), null, default);
        Assert.Equal(-1, (long)await database.ExecuteAsync("PTTL", (RedisKey)Key("px")));
    }

    [Fact]
    public void The_storage_knows_whether_it_talks_to_a_cluster()
    {
        Assert.Equal(Cluster, Redis.IsCluster);
    }
}

public sealed class RedisClusterStorageTests : RedisStorageTests
{
    protected override string Url => TestServers.RedisCluster;

    protected override bool Cluster => true;

    [Fact]
    public async Task A_batch_spanning_many_slots_and_nodes_reads_and_writes_without_a_cross_slot_error()
    {
        string[] keys = [.. Enumerable.Range(0, 200).Select(i => Key($"spread{i}")), Key("{tag}a"), Key("{tag}b")];
        Assert.True(keys.Select(RedisHashSlot.Of).Distinct().Count() > 100);

        await Remote.SetManyAsync([.. keys.Select((k, i) => new KeyValuePair<string, ReadOnlyMemory<byte>>(k, BitConverter.GetBytes(i)))], null, default);
        IReadOnlyList<byte[]?> found = await Remote.GetManyAsync(keys, default);

        Assert.Equal(keys.Select((_, i) => BitConverter.GetBytes(i)), found);
    }

    [Fact]
    public async Task A_cluster_is_recognised_without_the_option_even_when_the_connection_may_come_up_later()
    {
        // abortConnect=false lets registration finish before a server has answered, so the cluster check cannot run then;
        // the storage learns it from the first connected server, and a cross-slot batch is still split by slot.
        await using var client = new CachemeClient();
        await client.RegisterStorageAsync("c", new Storage(Url + ",abortConnect=false"));
        var storage = (IRemoteStorage)client.GetStorage("c")!;
        string[] keys = [.. Enumerable.Range(0, 50).Select(i => Key($"late{i}"))];
        await TestServers.EventuallyAsync(async () =>
        {
            try
            {
                await storage.SetManyAsync([.. keys.Select((k, i) => new KeyValuePair<string, ReadOnlyMemory<byte>>(k, BitConverter.GetBytes(i)))], null, default);
                return true;
            }
            catch (RedisConnectionException)
            {
                return false;
            }
        }, "the connection coming up");

        IReadOnlyList<byte[]?> found = await storage.GetManyAsync(keys, default);

        Assert.Equal(keys.Select((_, i) => BitConverter.GetBytes(i)), found);
    }

    [Fact]
    public async Task Slots_computed_here_match_the_cluster()
    {
        IDatabase database = Redis.Connection.GetDatabase();
        foreach (string key in new[] { "foo", "bar", "user:{42}:profile", Key("ключ"), "{}x", "{a}{b}" })
        {
            long slot = (long)await database.ExecuteAsync("CLUSTER", "KEYSLOT", key);
            Assert.Equal(slot, RedisHashSlot.Of(key));
        }
    }
}
