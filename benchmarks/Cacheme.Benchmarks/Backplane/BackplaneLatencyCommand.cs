using System.Diagnostics;
using System.Globalization;
using CachemeNet.Redis;

namespace CachemeNet.Benchmarks.Backplane;

/// <summary>
/// Measures cross-instance invalidation delay through Redis pub/sub: two clients (each with its own Redis connections, as
/// two processes would have) hold a key locally; one refreshes it, and the time until the other has dropped its local
/// copy is recorded, repeated sequentially.
/// </summary>
internal static class BackplaneLatencyCommand
{
    public const string Usage = "backplane-latency --redis HOST:PORT [--count 500]";

    public static async Task<int> RunAsync(string[] args)
    {
        string? redis = null;
        int count = 500;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--redis": redis = args[++i]; break;
                case "--count": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        if (redis is null)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        string prefix = "latency-" + Guid.NewGuid().ToString("N")[..8];
        await using CachemeClient sender = await ClientAsync(redis, prefix);
        await using CachemeClient receiver = await ClientAsync(redis, prefix);
        await sender.AttachBackplaneAsync(await RedisBackplane.ConnectAsync($"redis://{redis}", prefix));
        var timing = new TimingBackplane(await RedisBackplane.ConnectAsync($"redis://{redis}", prefix));
        await receiver.AttachBackplaneAsync(timing);

        NodeDefinition<int> onSender = sender.BuildNode<int>("n", new NodeMeta { Caches = [new Cache("local", null), new Cache("redis", null)] });
        NodeDefinition<int> onReceiver = receiver.BuildNode<int>("n", new NodeMeta { Caches = [new Cache("local", null), new Cache("redis", null)] });
        var delays = new List<double>(count);
        for (int i = 0; i < count; i++)
        {
            int version = i;
            await receiver.GetAsync(onReceiver.Create("k", _ => ValueTask.FromResult(version)));
            TaskCompletionSource<long> received = timing.Expect();
            long started = Stopwatch.GetTimestamp();
            await sender.InvalidateAsync(onSender.Create("k", _ => ValueTask.FromResult(version)));
            long applied = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
            delays.Add(Stopwatch.GetElapsedTime(started, applied).TotalMilliseconds);
        }

        delays.Sort();
        double P(double q) => delays[Math.Min(delays.Count - 1, (int)Math.Ceiling(q * delays.Count) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"invalidations {count}: p50 {P(0.50):F3} ms, p90 {P(0.90):F3} ms, p99 {P(0.99):F3} ms, max {delays[^1]:F3} ms (from the sender's InvalidateAsync call to the receiver's local copy dropped)"));
        return 0;
    }

    private static async Task<CachemeClient> ClientAsync(string redis, string prefix)
    {
        var client = new CachemeClient(new CachemeOptions { Prefix = prefix });
        await client.RegisterStorageAsync("local", new Storage("local://lru", size: 100));
        await client.RegisterStorageAsync("redis", new Storage($"redis://{redis}"));
        return client;
    }

    /// <summary>Passes messages to the client's handler and notes when the handler has applied one.</summary>
    private sealed class TimingBackplane(ICacheBackplane inner) : ICacheBackplane
    {
        private TaskCompletionSource<long> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<long> Expect() => _next = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask PublishAsync(CacheInvalidation message, CancellationToken cancellationToken) => inner.PublishAsync(message, cancellationToken);

        public ValueTask SubscribeAsync(Func<CacheInvalidation, ValueTask> handler, CancellationToken cancellationToken) =>
            inner.SubscribeAsync(
                async message =>
                {
                    await handler(message);
                    _next.TrySetResult(Stopwatch.GetTimestamp());
                },
                cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
