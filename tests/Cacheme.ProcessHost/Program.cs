using CachemeNet;
using CachemeNet.Redis;
using StackExchange.Redis;

// A Cacheme instance in its own process, driven over stdin/stdout by the cross-process tests.
//   serve <redis host:port> <prefix>   then commands on stdin, one per line:
//     get <key>            read node <key> through [local, redis] and print "value <v>"
//     lease-get <key>      read node <key> through [redis] with a distributed load lease; print "value <v>"
//     bump <namespace>     invalidate a namespace; print "ok"
//     received             print "received <n>" (backplane invalidations applied)
// The loader increments the Redis counter "loads:<key>", waits 300 ms and returns "<key>@<counter>".
if (args.Length != 3 || args[0] != "serve")
{
    Console.Error.WriteLine("usage: serve <redis host:port> <prefix>");
    return 2;
}

string redis = args[1];
using ConnectionMultiplexer raw = await ConnectionMultiplexer.ConnectAsync(redis);
await using var client = new CachemeClient(new CachemeOptions { Prefix = args[2], NamespaceCacheDuration = TimeSpan.FromMinutes(10), TierResilience = new TierResilienceOptions { OperationTimeout = TimeSpan.FromSeconds(10) } });
await client.RegisterStorageAsync("local", new Storage("local://lru", size: 1000));
await client.RegisterStorageAsync("redis", new Storage($"redis://{redis}"));
await client.AttachBackplaneAsync(await RedisBackplane.ConnectAsync($"redis://{redis}", $"{args[2]}:invalidations"));
NodeDefinition<string> plain = client.BuildNode<string>("plain", new NodeMeta { Caches = [new Cache("local", null), new Cache("redis", null)] });
NodeDefinition<string> leased = client.BuildNode<string>("leased", new NodeMeta { Caches = [new Cache("redis", null)], DistributedLoadLease = TimeSpan.FromSeconds(10) });

async ValueTask<string> Load(string key, CancellationToken ct)
{
    long n = await raw.GetDatabase().StringIncrementAsync($"{args[2]}:loads:{key}");
    await Task.Delay(300, ct);
    return $"{key}@{n}";
}

Console.WriteLine("ready");
while (Console.ReadLine() is { } line)
{
    string[] parts = line.Split(' ', 2);
    string reply = parts[0] switch
    {
        "get" => "value " + await client.GetAsync(plain.Create(parts[1], ct => Load(parts[1], ct))),
        "lease-get" => "value " + await client.GetAsync(leased.Create(parts[1], ct => Load(parts[1], ct))),
        "bump" => await client.InvalidateNamespaceAsync(parts[1]).ContinueWith(_ => "ok", TaskScheduler.Default),
        "received" => "received " + client.InvalidationsReceived,
        _ => "error unknown command " + parts[0],
    };
    Console.WriteLine(reply);
}

return 0;
