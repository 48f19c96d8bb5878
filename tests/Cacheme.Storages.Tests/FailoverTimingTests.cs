using System.Diagnostics;

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
        await using CachemeClient client = await RedisResilienceTests.ClientAsync(RedisResilienceTests.Prefix(), TestServers.Redis);
        var meta = new NodeMeta
        {
            Caches = [new Cache("local", TimeSpan.FromMilliseconds(100)), new Cache("redis", TimeSpan.FromMilliseconds(100))],
            FailSafe = TimeSpan.FromMinutes(5),
            FailoverTimeout = TimeSpan.FromMilliseconds(200),
        };
        NodeDefinition<string> node = client.BuildNode<string>("n", meta);
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.Equal("old", await client.GetAsync(node.Create("k", _ => ValueTask.FromResult("old"))));
        await Task.Delay(150); // let both 100 ms TTLs pass: elapsed real time is what this test is about

        var clock = Stopwatch.StartNew();
        string served = await client.GetAsync(node.Create("k", _ => new ValueTask<string>(gate.Task)));
        clock.Stop();
        Assert.Equal("old", served);
        Assert.InRange(clock.ElapsedMilliseconds, 150, 1200); // FailoverTimeout 200 ms plus a margin for a shared 2-core machine
        Assert.Equal(1, client.Stats(node).StaleServedCount);

        gate.SetResult("new");
        await TestServers.EventuallyAsync(async () => await client.GetAsync(node.Create("k", _ => ValueTask.FromResult("unexpected"))) == "new", "the background load refreshes the tiers");
    }

}
