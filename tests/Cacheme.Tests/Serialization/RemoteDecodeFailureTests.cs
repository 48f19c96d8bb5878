using System.Buffers.Binary;
using CachemeNet.Fakes.Tests;
using CachemeNet.Internal;

namespace CachemeNet.Serialization.Tests;

/// <summary>
/// Engine level: a remote value that cannot be decoded (corrupt, truncated, another serializer's, another envelope
/// version's) is a miss. It is counted in DecodeFailureCount, logged as event 1003, reloaded and overwritten, and the
/// caller never sees an exception.
/// </summary>
public class RemoteDecodeFailureTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    static RemoteDecodeFailureTests() => StorageProviders.Register(InMemoryStorageProvider.Instance);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string serializer in SerializerCases.ByName.Keys)
        {
            foreach (string damage in new[] { "random bytes", "short envelope", "truncated payload", "flipped payload", "other serializer", "other envelope version", "other value type", "empty" })
            {
                data.Add(serializer, damage);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task An_undecodable_remote_value_is_a_counted_logged_miss_that_is_reloaded_and_overwritten(string serializerName, string damage)
    {
        ICacheSerializer serializer = SerializerCases.ByName[serializerName];
        string storageName = $"{serializerName}-{damage}-{Guid.NewGuid():N}";
        InMemoryRemoteStorage remote = InMemoryStorageProvider.Get(storageName);
        var logs = new CapturingLoggerFactory();
        await using var client = new CachemeClient(new CachemeOptions { Prefix = "t", TimeProvider = new FixedClock(Now), LoggerFactory = logs });
        await client.RegisterStorageAsync("remote", new Storage($"memory://{storageName}"));
        NodeDefinition<Order> definition = client.BuildNode<Order>("orders", new NodeMeta { Caches = [new Cache("remote", null)], Serializer = serializer });

        Order stored = SerializerRoundTripTests.SampleOrder(1);
        remote.Plant("t:order:1:v1", Damage(damage, serializer, stored));

        int loads = 0;
        Order loaded = SerializerRoundTripTests.SampleOrder(2);
        CacheNode<Order> node = definition.Create("order:1", _ =>
        {
            Interlocked.Increment(ref loads);
            return ValueTask.FromResult(loaded);
        });

        Order first = await client.GetAsync(node);

        Assert.Same(loaded, first);
        Assert.Equal(1, loads);
        NodeStats stats = client.Stats(definition);
        Assert.Equal(1, stats.DecodeFailureCount);
        Assert.Equal(1, stats.MissCount);
        Assert.Contains(logs.Entries, e => e.Event.Id == 1003 && e.Message.Contains("t:order:1:v1", StringComparison.Ordinal));

        // Overwritten with the reloaded value, stamped with the client's clock.
        byte[] rewritten = remote.Values["t:order:1:v1"];
        Assert.True(RemoteEnvelope.TryDecode(serializer, rewritten, out Order decoded, out DateTimeOffset writtenAt, out string? error), error);
        Assert.Equal(loaded.Id, decoded.Id);
        Assert.Equal(Now, writtenAt);

        // A fresh client (empty in-flight table) now hits the remote tier without loading or failing again.
        await using var second = new CachemeClient(new CachemeOptions { Prefix = "t", LoggerFactory = logs });
        await second.RegisterStorageAsync("remote", new Storage($"memory://{storageName}"));
        NodeDefinition<Order> again = second.BuildNode<Order>("orders", new NodeMeta { Caches = [new Cache("remote", null)], Serializer = serializer });
        Order hit = await second.GetAsync(again.Create("order:1", _ => throw new InvalidOperationException("must not load")));
        Assert.Equal(loaded.Id, hit.Id);
        Assert.Equal((0, 1L), (second.Stats(again).DecodeFailureCount, second.Stats(again).HitCount));
    }

    [Theory]
    [MemberData(nameof(SerializerCases.Names), MemberType = typeof(SerializerCases))]
    public async Task Batch_reads_count_each_undecodable_value_and_reload_only_those(string serializerName)
    {
        ICacheSerializer serializer = SerializerCases.ByName[serializerName];
        string storageName = $"batch-{serializerName}-{Guid.NewGuid():N}";
        InMemoryRemoteStorage remote = InMemoryStorageProvider.Get(storageName);
        await using var client = new CachemeClient(new CachemeOptions { Prefix = "b" });
        await client.RegisterStorageAsync("remote", new Storage($"memory://{storageName}"));
        NodeDefinition<Point> definition = client.BuildNode<Point>("points", new NodeMeta { Caches = [new Cache("remote", null)], Serializer = serializer });

        remote.Plant("b:p:0:v1", RemoteEnvelope.Encode(serializer, new Point(0, 0), Now));
        remote.Plant("b:p:1:v1", [1, 2, 3]);
        remote.Plant("b:p:2:v1", Damage("flipped payload", serializer, new Point(2, 2)));
        remote.Plant("b:p:3:v1", Damage("other envelope version", serializer, new Point(3, 3)));

        var loaded = new System.Collections.Concurrent.ConcurrentBag<int>();
        IReadOnlyList<Point> points = await client.GetAllAsync(Enumerable.Range(0, 4).Select(i => definition.Create($"p:{i}", _ =>
        {
            loaded.Add(i);
            return ValueTask.FromResult(new Point(i, -i));
        })));

        Assert.Equal([new Point(0, 0), new Point(1, -1), new Point(2, -2), new Point(3, -3)], points);
        Assert.Equal([1, 2, 3], loaded.Order());
        Assert.Equal(3, client.Stats(definition).DecodeFailureCount);
        Assert.True(RemoteEnvelope.TryDecode(serializer, remote.Values["b:p:2:v1"], out Point rewritten, out _, out _));
        Assert.Equal(new Point(2, -2), rewritten);
    }

    private static byte[] Damage(string damage, ICacheSerializer serializer, Order value) => Damage(damage, serializer, value, () => RemoteEnvelope.Encode(serializer, "not an order", Now));

    private static byte[] Damage<T>(string damage, ICacheSerializer serializer, T value, Func<byte[]>? otherType = null)
    {
        byte[] valid = RemoteEnvelope.Encode(serializer, value, Now);
        switch (damage)
        {
            case "random bytes":
                byte[] noise = new byte[64];
                new Random(7).NextBytes(noise);
                noise[0] = RemoteEnvelope.FormatVersion;
                noise[1] = serializer.FormatId;
                BinaryPrimitives.WriteInt64LittleEndian(noise.AsSpan(2), Now.ToUnixTimeMilliseconds());
                return noise;
            case "short envelope":
                return valid[..5];
            case "truncated payload":
                return valid[..(RemoteEnvelope.HeaderSize + ((valid.Length - RemoteEnvelope.HeaderSize) / 2))];
            case "flipped payload":
                byte[] flipped = (byte[])valid.Clone();
                for (int i = RemoteEnvelope.HeaderSize; i < flipped.Length; i += 3)
                {
                    flipped[i] ^= 0xA5;
                }

                return flipped;
            case "other serializer":
                ICacheSerializer other = SerializerCases.ByName.Values.First(s => s.FormatId != serializer.FormatId);
                return RemoteEnvelope.Encode(other, value, Now);
            case "other envelope version":
                byte[] versioned = (byte[])valid.Clone();
                versioned[0] = RemoteEnvelope.FormatVersion + 1;
                return versioned;
            case "other value type":
                return otherType?.Invoke() ?? RemoteEnvelope.Encode(serializer, "not a point", Now);
            case "empty":
                return [];
            default:
                throw new ArgumentOutOfRangeException(nameof(damage), damage, null);
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
