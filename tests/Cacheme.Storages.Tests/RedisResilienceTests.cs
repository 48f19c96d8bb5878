using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CachemeNet.Redis;
using CachemeNet.Redis.Internal;
using StackExchange.Redis;

namespace CachemeNet.Storages.Tests;

/// <summary>Fail-safe, outages, namespaces, backplane and distributed singleflight against real Redis servers.</summary>
public sealed class RedisResilienceTests
{
    internal static string HostPort => TestServers.Redis["redis://".Length..];

    internal static string Prefix() => "res-" + Guid.NewGuid().ToString("N")[..8];

    internal static async Task<CachemeClient> ClientAsync(string prefix, string redisUrl, TierResilienceOptions? resilience = null, TimeProvider? clock = null)
    {
        var client = new CachemeClient(new CachemeOptions
        {
            Prefix = prefix,
            NamespaceCacheDuration = TimeSpan.FromMinutes(10),
            TierResilience = resilience ?? TestServers.PatientResilience(),
            TimeProvider = clock ?? TimeProvider.System,
        });
        await client.RegisterStorageAsync("local", new Storage("local://lru", size: 1000));
        await client.RegisterStorageAsync("redis", new Storage(redisUrl));
        return client;
    }

    [Fact]
    public async Task Refresh_and_set_in_one_instance_drop_the_local_copy_in_another_through_redis_pub_sub()
    {
        string prefix = Prefix();
        await using CachemeClient a = await ClientAsync(prefix, TestServers.Redis);
        await using CachemeClient b = await ClientAsync(prefix, TestServers.Redis);
        await a.AttachBackplaneAsync(await RedisBackplane.ConnectAsync(TestServers.Redis, prefix));
        await b.AttachBackplaneAsync(await RedisBackplane.ConnectAsync(TestServers.Redis, prefix));
        int version = 1;
        NodeDefinition<string> ofA = a.BuildNode<string>("n", new NodeMeta { Caches = [new Cache("local", null), new Cache("redis", null)] });
        NodeDefinition<string> ofB = b.BuildNode<string>("n", new NodeMeta { Caches = [new Cache("local", null), new Cache("redis", null)] });
        ValueTask<string> Load(CancellationToken _) => ValueTask.FromResult($"v{version}");

        Assert.Equal("v1", await a.GetAsync(ofA.Create("k", Load)));
        Assert.Equal("v1", await b.GetAsync(ofB.Create("k", Load))); // b now holds v1 locally
        version = 2;
        Assert.Equal("v2", await a.RefreshAsync(ofA.Create("k", Load)));

        await TestServers.EventuallyAsync(() => Task.FromResult(b.InvalidationsReceived >= 1), "b hears the invalidation");
        Assert.Equal("v2", await b.GetAsync(ofB.Create("k", Load)));

        // Write-through after changing the source. a's write-back of v2 from the refresh may still be on the wire: the set
        // detaches it, and if it lands after the set's own write it is deleted again and that is published too. A read of
        // b's in that moment can copy v2 (the README's "Invalidation" section), but the published delete drops it, so b
        // comes to read v3 (from Redis, or after that delete from the source) and its local tier (no TTL) keeps no v2.
        version = 3;
        await a.SetAsync(ofA.Create("k", Load), "v3");
        await TestServers.EventuallyAsync(() => Task.FromResult(b.InvalidationsReceived >= 2), "b hears the set");
        await TestServers.EventuallyAsync(async () => await b.GetAsync(ofB.Create("k", Load)) == "v3", "b reads v3");
    }

    [Fact]
    public async Task A_backplane_subscription_is_live_when_subscribing_returns()
    {
        string channel = Prefix();
        using ConnectionMultiplexer raw = await ConnectionMultiplexer.ConnectAsync(HostPort);
        for (int i = 0; i < 5; i++)
        {
            await using RedisBackplane backplane = await RedisBackplane.ConnectAsync(TestServers.Redis, channel);
            await backplane.SubscribeAsync(_ => ValueTask.CompletedTask, CancellationToken.None);

            // Redis counts the subscribers a message reached: this backplane must be one the moment it has subscribed.
            Assert.Equal(1, await raw.GetSubscriber().PublishAsync(RedisChannel.Literal(channel), "not an invalidation"));
        }
    }

    [Fact]
    public async Task A_backplane_subscribing_while_redis_is_briefly_away_subscribes_once_it_is_back()
    {
        // Commands fail fast while the connection is down (BacklogPolicy.FailFast), as the pub/sub connection may also be
        // just after connecting: subscribing retries instead of failing, and registers its handler once.
        await using var server = await OwnRedis.StartAsync();
        string channel = Prefix();
        await using RedisBackplane backplane = await RedisBackplane.ConnectAsync($"redis://127.0.0.1:{server.Port},abortConnect=false,connectTimeout=500", channel);
        server.Kill();
        int heard = 0;
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ValueTask subscribing = backplane.SubscribeAsync(
            message =>
            {
                if (message.Kind == CacheInvalidationKind.Key) // not the "anything may have changed" message a reconnect brings
                {
                    Interlocked.Increment(ref heard);
                    first.TrySetResult();
                }

                return ValueTask.CompletedTask;
            },
            CancellationToken.None);

        await server.RestartAsync();
        await subscribing.AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        using ConnectionMultiplexer raw = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port}");
        Assert.Equal(1, await raw.GetSubscriber().PublishAsync(RedisChannel.Literal(channel), RedisBackplane.Encode(new CacheInvalidation(CacheInvalidationKind.Key, "k", "other", 1))));
        await first.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await raw.GetSubscriber().PublishAsync(RedisChannel.Literal(channel), RedisBackplane.Encode(new CacheInvalidation(CacheInvalidationKind.Key, "k2", "other", 1))));
        await TestServers.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref heard) >= 2), "the second message heard");
        Assert.Equal(2, Volatile.Read(ref heard)); // once per message: the handler was not registered twice
    }

    [Fact]
    public async Task A_backplane_subscription_the_caller_cancelled_is_undone_and_its_handler_hears_nothing()
    {
        await using var server = await OwnRedis.StartAsync();
        string channel = Prefix();
        await using RedisBackplane backplane = await RedisBackplane.ConnectAsync($"redis://127.0.0.1:{server.Port}", channel);
        using ConnectionMultiplexer admin = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port},allowAdmin=true");
        IDatabase database = admin.GetDatabase();
        async Task<long> SubscribersAsync() => (long)((RedisResult[])(await database.ExecuteAsync("PUBSUB", "NUMSUB", channel))!)[1];

        // PUBLISH waits on the server, so the subscription is made but never confirmed (its probe message is stuck).
        await database.ExecuteAsync("CLIENT", "PAUSE", "60000", "WRITE");
        int heard = 0;
        using var cancel = new CancellationTokenSource();
        ValueTask subscribing = backplane.SubscribeAsync(_ => { Interlocked.Increment(ref heard); return ValueTask.CompletedTask; }, cancel.Token);
        await TestServers.EventuallyAsync(async () => await SubscribersAsync() == 1, "the channel subscribed");

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => subscribing.AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        await TestServers.EventuallyAsync(async () => await SubscribersAsync() == 0, "the cancelled subscription taken back");
        await database.ExecuteAsync("CLIENT", "UNPAUSE");
        Assert.Equal(0, await admin.GetSubscriber().PublishAsync(RedisChannel.Literal(channel), RedisBackplane.Encode(new CacheInvalidation(CacheInvalidationKind.Key, "k", "other", 1))));
        Assert.Equal(0, Volatile.Read(ref heard));
    }

    [Fact]
    public async Task A_backplane_on_a_redis_cluster_hears_a_message_published_right_after_it_subscribed()
    {
        string channel = Prefix();
        await using RedisBackplane a = await RedisBackplane.ConnectAsync(TestServers.RedisCluster, channel);
        await using RedisBackplane b = await RedisBackplane.ConnectAsync(TestServers.RedisCluster, channel);
        var heard = new TaskCompletionSource<CacheInvalidation>(TaskCreationOptions.RunContinuationsAsynchronously);
        await b.SubscribeAsync(message => { heard.TrySetResult(message); return ValueTask.CompletedTask; }, CancellationToken.None);

        await a.PublishAsync(new CacheInvalidation(CacheInvalidationKind.Key, "cacheme:item:1:v1", "another-instance", 1), CancellationToken.None);

        Assert.Equal("cacheme:item:1:v1", (await heard.Task.WaitAsync(TimeSpan.FromSeconds(30))).Target);
    }

    [Fact]
    public async Task Backplane_messages_round_trip_and_foreign_messages_are_ignored()
    {
        var message = new CacheInvalidation(CacheInvalidationKind.Namespace, "tenant:1|odd", "host:1:abc", 1234);
        Assert.Equal(message, RedisBackplane.Decode(RedisBackplane.Encode(message)));
        Assert.Null(RedisBackplane.Decode("hello"));
        Assert.Null(RedisBackplane.Decode("2|1|0|s|t"));
        Assert.Null(RedisBackplane.Decode("1|9|0|s|t"));
    }

    [Fact]
    public async Task Cross_process_invalidation_namespace_bump_and_distributed_singleflight()
    {
        string prefix = Prefix();
        await using ProcessHost other = await ProcessHost.StartAsync(HostPort, prefix);
        await using CachemeClient self = await ClientAsync(prefix, TestServers.Redis);
        await self.AttachBackplaneAsync(await RedisBackplane.ConnectAsync(TestServers.Redis, $"{prefix}:invalidations"));
        using ConnectionMultiplexer raw = await ConnectionMultiplexer.ConnectAsync(HostPort);
        async ValueTask<string> Load(string key, CancellationToken ct)
        {
            long n = await raw.GetDatabase().StringIncrementAsync($"{prefix}:loads:{key}");
            await Task.Delay(300, ct);
            return $"{key}@{n}";
        }

        // 1. Invalidation: the other process caches k locally; a refresh here must reach it.
        NodeDefinition<string> plain = self.BuildNode<string>("plain", new NodeMeta { Caches = [new Cache("local", null), new Cache("redis", null)] });
        Assert.Equal("value k@1", await other.SendAsync("get k"));
        // The other process writes k back to Redis after answering; a refresh racing that write could be undone by it.
        await TestServers.EventuallyAsync(async () => await raw.GetDatabase().KeyExistsAsync($"{prefix}:k:v1"), "the other process's write-back lands");
        Assert.Equal("k@2", await self.RefreshAsync(plain.Create("k", ct => Load("k", ct))));
        await TestServers.EventuallyAsync(async () => await other.SendAsync("received") != "received 0", "the other process hears the refresh");
        Assert.Equal("value k@2", await other.SendAsync("get k"));

        // 2. Namespace: a bump in the other process makes this process's namespaced node miss at once.
        var source = new TenantSource();
        var tenant = new TenantNode(5, source);
        await self.GetAsync(tenant);
        await self.GetAsync(tenant);
        Assert.Equal(1, source.Loads);
        Assert.Equal("ok", await other.SendAsync("bump tenant:5"));
        await TestServers.EventuallyAsync(() => Task.FromResult(self.InvalidationsReceived >= 1), "this process hears the bump");
        await self.GetAsync(tenant);
        Assert.Equal(2, source.Loads);

        // 3. Distributed singleflight: both processes ask for L at once; one loads, the other waits for its value.
        NodeDefinition<string> leased = self.BuildNode<string>("leased", new NodeMeta { Caches = [new Cache("redis", null)], DistributedLoadLease = TimeSpan.FromSeconds(10) });
        Task<string> theirs = other.SendAsync("lease-get L");
        Task<string> ours = self.GetAsync(leased.Create("L", ct => Load("L", ct))).AsTask();
        Assert.Equal("value L@1", await theirs);
        Assert.Equal("L@1", await ours);
        Assert.Equal(1, (long)await raw.GetDatabase().StringGetAsync($"{prefix}:loads:L"));
    }

    [Fact]
    public async Task An_eager_refresh_in_one_instance_holds_the_redis_lease_so_another_instance_does_not_reload()
    {
        string prefix = Prefix();
        var meta = new NodeMeta
        {
            Caches = [new Cache("redis", TimeSpan.FromMinutes(1))],
            EagerRefresh = 0.5,
            DistributedLoadLease = TimeSpan.FromMinutes(1),
        };
        // Both instances' clocks jump past the refresh point (30 s) together; Redis's own TTL (real time) is far off.
        var clockA = new JumpingClock();
        var clockB = new JumpingClock();
        await using CachemeClient a = await ClientAsync(prefix, TestServers.Redis, clock: clockA);
        await using CachemeClient b = await ClientAsync(prefix, TestServers.Redis, clock: clockB);
        using ConnectionMultiplexer raw = await ConnectionMultiplexer.ConnectAsync(HostPort);
        int loads = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async ValueTask<string> Load(CancellationToken ct)
        {
            int n = Interlocked.Increment(ref loads);
            if (n > 1)
            {
                await gate.Task.WaitAsync(ct);
            }

            return $"v{n}";
        }

        NodeDefinition<string> ofA = a.BuildNode<string>("n", meta);
        NodeDefinition<string> ofB = b.BuildNode<string>("n", meta);
        Assert.Equal("v1", await a.GetAsync(ofA.Create("k", Load)));
        await TestServers.EventuallyAsync(async () => await raw.GetDatabase().KeyExistsAsync($"{prefix}:k:v1"), "the write-back lands in Redis");
        clockA.Jump(TimeSpan.FromSeconds(31));
        clockB.Jump(TimeSpan.FromSeconds(31));

        // Due: a's read starts the reload, which takes the lease and waits at the gate. (A read right after the first load
        // can still find that load's flight settling, so the reads repeat until one reaches Redis; none waits for the reload.)
        await TestServers.EventuallyAsync(async () => await a.GetAsync(ofA.Create("k", Load)) == "v1" && Volatile.Read(ref loads) == 2, "a's reload starting");
        Assert.True(await raw.GetDatabase().KeyExistsAsync($"{prefix}:k:v1:lock"));
        Assert.Equal("v1", await b.GetAsync(ofB.Create("k", Load))); // due too, but the lease is a's

        gate.SetResult();
        await TestServers.EventuallyAsync(async () => await b.GetAsync(ofB.Create("k", Load)) == "v2", "a's reload reaches b through Redis");
        await TestServers.EventuallyAsync(async () => !await raw.GetDatabase().KeyExistsAsync($"{prefix}:k:v1:lock"), "a releasing the lease after its write");
        Assert.Equal(2, Volatile.Read(ref loads));
        Assert.Equal((1, 0L), (a.Stats(ofA).EagerRefreshCount, b.Stats(ofB).EagerRefreshCount));
    }

    [Fact]
    public async Task Redis_killed_and_restarted_during_concurrent_reads_surfaces_no_errors_and_comes_back()
    {
        await using var server = await OwnRedis.StartAsync();
        await using CachemeClient client = await ClientAsync(
            Prefix(),
            $"redis://127.0.0.1:{server.Port},connectTimeout=500,abortConnect=false,syncTimeout=500",
            new TierResilienceOptions { OperationTimeout = TimeSpan.FromMilliseconds(200), BreakDuration = TimeSpan.FromMilliseconds(500) });
        NodeDefinition<int> node = client.BuildNode<int>("n", new NodeMeta { Caches = [new Cache("local", TimeSpan.FromMilliseconds(50)), new Cache("redis", TimeSpan.FromMinutes(1))] });
        long served = 0, errors = 0, servedWhileDown = 0;
        bool down = false;
        using var stop = new CancellationTokenSource();
        Task[] workers = [.. Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            while (!stop.IsCancellationRequested)
            {
                int n = random.Next(200);
                try
                {
                    Assert.Equal(n, await client.GetAsync(node.Create($"k{n}", _ => ValueTask.FromResult(n))));
                    Interlocked.Increment(ref served);
                    if (Volatile.Read(ref down))
                    {
                        Interlocked.Increment(ref servedWhileDown);
                    }
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }

                await Task.Delay(1);
            }
        }))];

        await TestServers.EventuallyAsync(() => Task.FromResult(Interlocked.Read(ref served) > 500), "reads before the outage");
        server.Kill();
        Volatile.Write(ref down, true);
        await TestServers.EventuallyAsync(() => Task.FromResult(client.Tiers().Single(t => t.Name == "redis").Circuit == "open"), "the circuit opens", TimeSpan.FromSeconds(30));
        await TestServers.EventuallyAsync(() => Task.FromResult(Interlocked.Read(ref servedWhileDown) > 500), "reads while redis is down", TimeSpan.FromSeconds(30));
        await server.RestartAsync();
        Volatile.Write(ref down, false);
        using ConnectionMultiplexer probe = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port},allowAdmin=true");
        await TestServers.EventuallyAsync(
            async () => (long)await probe.GetDatabase().ExecuteAsync("DBSIZE") > 0,
            "writes reach the restarted server",
            TimeSpan.FromSeconds(30));
        // A command sent while the client was still reconnecting can time out after the first writes land and open the
        // circuit once more; with reads still running it half-opens and closes again once Redis answers.
        await TestServers.EventuallyAsync(() => Task.FromResult(client.Tiers().Single(t => t.Name == "redis").Circuit == "closed"), "the circuit closes", TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.Equal(0, errors);
        Assert.Equal("closed", client.Tiers().Single(t => t.Name == "redis").Circuit);
        Assert.True(client.Stats<int>(node).TierErrorCount > 0);
    }

    [Fact]
    public async Task After_the_backplane_loses_redis_and_gets_it_back_the_local_tiers_are_dropped()
    {
        // Pub/sub does not replay: an invalidation published while this instance was cut off is lost. So once the
        // backplane is subscribed again it tells the client to drop every local entry.
        await using var server = await OwnRedis.StartAsync();
        await using var client = new CachemeClient();
        await client.RegisterStorageAsync("local", new Storage("local://lru", size: 100));
        RedisBackplane backplane = await RedisBackplane.ConnectAsync($"redis://127.0.0.1:{server.Port},abortConnect=false,connectTimeout=500", Prefix());
        await client.AttachBackplaneAsync(backplane);
        NodeDefinition<string> node = client.BuildNode<string>("n", new NodeMeta { Caches = [new Cache("local", null)] });
        var local = (ILocalStorage)client.GetStorage("local")!;
        CacheNode<string> built = node.Create("k", _ => ValueTask.FromResult("v1"));
        await client.GetAsync(built);
        Assert.True(local.TryGet(built, out _));

        server.Kill();
        await server.RestartAsync();

        await TestServers.EventuallyAsync(() => Task.FromResult(backplane.Resubscribed >= 1), "the backplane subscribed again", TimeSpan.FromSeconds(30));
        Assert.False(local.TryGet(built, out _));
        Assert.True(client.InvalidationsReceived >= 1);
    }

    [Fact]
    public async Task A_lease_whose_caller_cancelled_before_the_reply_is_released_once_it_lands()
    {
        await using var server = await OwnRedis.StartAsync();
        await using var storage = (RedisRemoteStorage)await RedisRemoteStorage.ConnectAsync(new Storage($"redis://127.0.0.1:{server.Port}"), default);
        using ConnectionMultiplexer admin = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port},allowAdmin=true");
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "1000", "WRITE"); // the SET waits on the server

        using var cancel = new CancellationTokenSource();
        ValueTask<string?> taking = storage.TryLockAsync("lease-key", TimeSpan.FromMinutes(10), cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await taking);
        await admin.GetDatabase().ExecuteAsync("CLIENT", "UNPAUSE");

        // The SET lands after its caller left; the lease must not stay for its ten minutes.
        await TestServers.EventuallyAsync(async () => !await admin.GetDatabase().KeyExistsAsync("lease-key"), "the orphaned lease released");
        Assert.NotNull(await storage.TryLockAsync("lease-key", TimeSpan.FromMinutes(10), default));
    }

    [Fact]
    public async Task A_redis_that_stops_answering_is_timed_out_per_call_and_the_read_goes_to_the_loader()
    {
        // The Redis storage honours its token (HonoursCancellation), so the tier's timeout relies on the token alone.
        await using var server = await OwnRedis.StartAsync();
        await using CachemeClient client = await ClientAsync(
            Prefix(), $"redis://127.0.0.1:{server.Port}", new TierResilienceOptions { OperationTimeout = TimeSpan.FromMilliseconds(200) });
        NodeDefinition<string> node = client.BuildNode<string>("n", new NodeMeta { Caches = [new Cache("redis", null)] });
        using ConnectionMultiplexer admin = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port},allowAdmin=true");
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "60000", "ALL"); // every client's commands wait (the server is killed at the end)

        // Far sooner than the pause ends, and than the client library's own 5 s timeout: the read's 200 ms timeout fires.
        string read = await client.GetAsync(node.Create("k", _ => ValueTask.FromResult("loaded"))).AsTask().WaitAsync(TimeSpan.FromSeconds(3));
        Assert.Equal("loaded", read);
        Assert.True(client.Tiers().Single(t => t.Name == "redis").Failures > 0);
    }

    [Fact]
    public async Task A_command_sent_while_redis_is_down_fails_at_once_instead_of_waiting_for_a_reconnect()
    {
        // The tier's circuit breaker and fail-safe rely on fast failures: a command must not wait in the client's
        // backlog (StackExchange.Redis 2.x's default) until its timeout while the server is gone.
        await using var server = await OwnRedis.StartAsync();
        await using var storage = (RedisRemoteStorage)await RedisRemoteStorage.ConnectAsync(new Storage($"redis://127.0.0.1:{server.Port},abortConnect=false"), default);
        await storage.SetAsync("k", new byte[] { 1 }, null, default);

        server.Kill();
        await TestServers.EventuallyAsync(() => Task.FromResult(!storage.Connection.IsConnected), "the client seeing the connection lost");

        // Well within the client library's own 5 s timeout.
        await Assert.ThrowsAsync<RedisConnectionException>(() => storage.GetAsync("k", default).AsTask().WaitAsync(TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task An_acl_user_in_the_url_is_used_to_authenticate()
    {
        await using var server = await OwnRedis.StartAsync();
        using (ConnectionMultiplexer admin = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port},allowAdmin=true"))
        {
            await admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", "alice", "on", ">alice-pw", "~*", "+@all");
            await admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", "default", "off");
        }

        await using var client = new CachemeClient();
        await client.RegisterStorageAsync("r", new Storage($"redis://alice:alice-pw@127.0.0.1:{server.Port}"));
        var storage = (IRemoteStorage)client.GetStorage("r")!;
        await storage.SetAsync("acl-key", new byte[] { 1, 2 }, null, default);
        Assert.Equal(new byte[] { 1, 2 }, await storage.GetAsync("acl-key", default));

        // The same password without the user is the disabled default user's: refused, and the password stays hidden.
        var e = await Assert.ThrowsAsync<StorageConnectionException>(() => client.RegisterStorageAsync("r2", new Storage($"redis://:alice-pw@127.0.0.1:{server.Port},connectTimeout=1000")));
        Assert.DoesNotContain("alice-pw", e.Message);
    }

    [Fact]
    public async Task Bad_credentials_fail_registration_with_a_clear_error_that_hides_the_password()
    {
        await using var server = await OwnRedis.StartAsync("--requirepass", "right-secret");
        await using var client = new CachemeClient();
        var e = await Assert.ThrowsAsync<StorageConnectionException>(() => client.RegisterStorageAsync("r", new Storage($"redis://:wrong-secret@127.0.0.1:{server.Port},connectTimeout=1000")));
        Assert.Contains("redis://:***@", e.Message);
        Assert.DoesNotContain("wrong-secret", e.Message);
    }

    [Fact]
    public async Task A_dropped_sql_table_is_logged_and_the_cache_keeps_serving_from_the_loader()
    {
        string file = Path.Combine(Path.GetTempPath(), $"cacheme-dropped-{Guid.NewGuid():N}.db");
        await using var client = new CachemeClient();
        await client.RegisterStorageAsync("sql", new Storage($"sqlite:///{file}"));
        NodeDefinition<string> node = client.BuildNode<string>("n", new NodeMeta { Caches = [new Cache("sql", null)] });
        Assert.Equal("a", await client.GetAsync(node.Create("a", _ => ValueTask.FromResult("a"))));

        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file}"))
        {
            await connection.OpenAsync();
            await using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE cacheme_data";
            await drop.ExecuteNonQueryAsync();
        }

        Assert.Equal("b", await client.GetAsync(node.Create("b", _ => ValueTask.FromResult("b"))));
        Assert.True(client.Stats(node).TierErrorCount > 0);
    }

    private sealed class TenantSource
    {
        private int _loads;

        public int Loads => _loads;

        public ValueTask<string> LoadAsync() => ValueTask.FromResult($"load {Interlocked.Increment(ref _loads)}");
    }

    private sealed record TenantNode(int TenantId, TenantSource Source) : CacheNode<string>
    {
        private static readonly NodeMeta Config = new() { Caches = [new Cache("local", null), new Cache("redis", null)] };

        public override NodeMeta Meta => Config;

        public override string Key() => $"tenant:{TenantId}:profile";

        public override string? Namespace() => $"tenant:{TenantId}";

        public override ValueTask<string> LoadAsync(CancellationToken cancellationToken) => Source.LoadAsync();
    }

    /// <summary>A redis-server this test owns, on a free port, so killing it disturbs no other test.</summary>
    private sealed class OwnRedis : IAsyncDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("cacheme-own-redis").FullName;
        private string[] _extra = [];
        private Process? _process;

        public int Port { get; } = FreePort();

        public static async Task<OwnRedis> StartAsync(params string[] extra)
        {
            var redis = new OwnRedis { _extra = extra };
            await redis.RestartAsync();
            return redis;
        }

        public async Task RestartAsync()
        {
            _process = Process.Start(new ProcessStartInfo("redis-server", ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _dir, .. _extra])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            _ = _process.StandardOutput.ReadToEndAsync();
            await TestServers.EventuallyAsync(async () =>
            {
                using var socket = new TcpClient();
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, Port);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            }, "redis-server accepts connections");
        }

        public void Kill()
        {
            _process!.Kill();
            _process.WaitForExit();
        }

        public ValueTask DisposeAsync()
        {
            if (_process is { HasExited: false })
            {
                Kill();
            }

            _process?.Dispose();
            return ValueTask.CompletedTask;
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
