using System.Diagnostics;
using StackExchange.Redis;

namespace CachemeNet.Storages.Tests;

/// <summary>Tests whose assertion is about elapsed real time run alone, so other tests' load cannot stretch it.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone
{
}

/// <summary>Fail-safe timing against real Redis and the real clock.</summary>
[Collection(nameof(RunsAlone))]
public sealed class FailoverTimingTests
{
    [Fact]
    public async Task A_hanging_loader_with_a_stale_value_is_answered_within_the_failover_timeout_then_refreshed()
    {
        string prefix = RedisResilienceTests.Prefix();
        var meta = new NodeMeta
        {
            Caches = [new Cache("local", TimeSpan.FromMilliseconds(100)), new Cache("redis", TimeSpan.FromMilliseconds(100))],
            FailSafe = TimeSpan.FromMinutes(5),
            FailoverTimeout = TimeSpan.FromMilliseconds(200),
        };
        using ConnectionMultiplexer raw = await ConnectionMultiplexer.ConnectAsync(RedisResilienceTests.HostPort);
        await using (CachemeClient writer = await RedisResilienceTests.ClientAsync(prefix, TestServers.Redis))
        {
            Assert.Equal("old", await writer.GetAsync(writer.BuildNode<string>("n", meta).Create("k", _ => ValueTask.FromResult("old"))));
            await TestServers.EventuallyAsync(async () => await raw.GetDatabase().KeyExistsAsync($"{prefix}:k:v1"), "the write-back lands in Redis");
        }

        // Another instance, whose clock is 150 ms ahead: both 100 ms TTLs have passed for it, so Redis holds only a stale
        // value, while its failover timer still runs in real time.
        var clock = new JumpingClock();
        clock.Jump(TimeSpan.FromMilliseconds(150));
        await using CachemeClient client = await RedisResilienceTests.ClientAsync(prefix, TestServers.Redis, clock: clock);
        NodeDefinition<string> node = client.BuildNode<string>("n", meta);
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        var elapsed = Stopwatch.StartNew();
        string served = await client.GetAsync(node.Create("k", _ => new ValueTask<string>(gate.Task))).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        elapsed.Stop();
        Assert.Equal("old", served);
        // At least the 200 ms FailoverTimeout (less timer granularity). The loader never returns on its own, so being answered
        // at all shows the caller was released; the upper bound is a margin for a shared 2-core machine.
        Assert.InRange(elapsed.ElapsedMilliseconds, 150, 5000);
        Assert.Equal(1, client.Stats(node).StaleServedCount);

        gate.SetResult("new");
        await TestServers.EventuallyAsync(async () => await client.GetAsync(node.Create("k", _ => ValueTask.FromResult("unexpected"))) == "new", "the background load refreshes the tiers");
    }
}
