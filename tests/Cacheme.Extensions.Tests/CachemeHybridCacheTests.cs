using CachemeNet.Tests;
using CachemeNet.Tests.Fakes;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace CachemeNet.Extensions.Tests;

/// <summary>CachemeHybridCache: Microsoft's HybridCache API through Cacheme's tiers, singleflight, stats and tag invalidation.</summary>
public sealed class CachemeHybridCacheTests
{
    /// <summary>One app instance: a client with "local" and a "shared" tier that may be shared with other instances.</summary>
    private sealed class Instance : IAsyncDisposable
    {
        public required CachemeClient Client { get; init; }

        public required CachemeHybridCache Cache { get; init; }

        public static async Task<Instance> CreateAsync(ManualTimeProvider time, RecordingRemoteStorage shared, Action<CachemeHybridCacheOptions>? configure = null)
        {
            var client = new CachemeClient(new CachemeOptions { TimeProvider = time });
            await client.RegisterStorageAsync("local", new Storage("local://lru", size: 100));
            await client.RegisterStorageAsync("shared", TestStorageProvider.For(shared));
            var options = new CachemeHybridCacheOptions();
            configure?.Invoke(options);
            return new Instance { Client = client, Cache = new CachemeHybridCache(client, options) };
        }

        /// <summary>An instance with a tlfu local tier and no shared tier.</summary>
        public static async Task<Instance> LocalOnlyAsync()
        {
            var client = new CachemeClient();
            await client.RegisterStorageAsync("local", new Storage("local://tlfu", size: 100));
            return new Instance { Client = client, Cache = new CachemeHybridCache(client, new CachemeHybridCacheOptions { SharedStorage = null }) };
        }

        public ValueTask DisposeAsync() => Client.DisposeAsync();
    }

    private sealed class Factory
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public ValueTask<string> CreateAsync(string value, CancellationToken cancellationToken)
        {
            int n = Interlocked.Increment(ref _calls);
            return ValueTask.FromResult($"{value}#{n}");
        }
    }

    [Fact]
    public async Task AddHybridCache_registers_a_HybridCache_that_caches_through_the_client_and_counts_stats()
    {
        var services = new ServiceCollection();
        services.AddCacheme(o =>
        {
            o.Storages["local"] = new CachemeStorageOptions { Url = "local://tlfu", Size = 100 };
            o.Storages["shared"] = new CachemeStorageOptions { Url = "local://lru", Size = 1000 };
        }).AddHybridCache(o => o.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(10) });
        await using ServiceProvider provider = services.BuildServiceProvider();
        HybridCache cache = provider.GetRequiredService<HybridCache>();
        Assert.IsType<CachemeHybridCache>(cache);
        var factory = new Factory();

        string first = await cache.GetOrCreateAsync("greeting", "hello", factory.CreateAsync);
        string second = await cache.GetOrCreateAsync("greeting", "hello", factory.CreateAsync);

        Assert.Equal("hello#1", first);
        Assert.Equal(first, second);
        Assert.Equal(1, factory.Calls);
        NodeStats stats = Assert.Single(provider.GetRequiredService<CachemeClient>().AllStats());
        Assert.Equal("hybrid:String", stats.Node);
        Assert.Equal((1, 1, 1), (stats.HitCount, stats.MissCount, stats.LoadCount));
    }

    [Fact]
    public async Task A_local_hit_allocates_nothing_and_never_calls_the_factory()
    {
        await using Instance app = await Instance.LocalOnlyAsync();
        CachemeHybridCache cache = app.Cache;
        var factory = new Factory();
        Func<string, CancellationToken, ValueTask<string>> create = factory.CreateAsync;
        Assert.Equal("v#1", await cache.GetOrCreateAsync("k", "v", create));

        for (int i = 0; i < 100; i++)
        {
            Assert.True(cache.GetOrCreateAsync("k", "v", create).IsCompletedSuccessfully); // warm up
        }

        // Read by definition and key (no node), with the factory as state (no closure): not one byte in 10,000 hits.
        Assert.Equal(0, AllocationMeter.FewestBytes(() => Assert.True(cache.GetOrCreateAsync("k", "v", create).IsCompletedSuccessfully), calls: 10_000));
        Assert.Equal(1, factory.Calls);
    }

    [Fact]
    public async Task Keyed_clients_get_keyed_hybrid_caches()
    {
        var services = new ServiceCollection();
        services.AddCacheme("api", o => o.Storages["mem"] = new CachemeStorageOptions { Url = "local://lru" })
            .AddHybridCache(o => (o.LocalStorage, o.SharedStorage) = ("mem", null));
        await using ServiceProvider provider = services.BuildServiceProvider();

        var cache = Assert.IsType<CachemeHybridCache>(provider.GetRequiredKeyedService<HybridCache>("api"));
        Assert.Same(provider.GetRequiredKeyedService<CachemeClient>("api"), cache.Client);
        Assert.Null(provider.GetService<HybridCache>());
    }

    [Fact]
    public async Task Concurrent_callers_of_one_key_share_one_factory_call()
    {
        await using Instance app = await Instance.CreateAsync(new ManualTimeProvider(), new RecordingRemoteStorage(TimeProvider.System));
        var gate = new TaskCompletionSource();
        int calls = 0;
        async ValueTask<int> SlowAsync(CancellationToken token)
        {
            Interlocked.Increment(ref calls);
            await gate.Task.WaitAsync(token);
            return 42;
        }

        Task<int>[] readers = [.. Enumerable.Range(0, 32).Select(_ => Task.Run(async () => await app.Cache.GetOrCreateAsync("answer", SlowAsync)))];
        gate.SetResult();
        int[] values = await Task.WhenAll(readers);

        Assert.All(values, v => Assert.Equal(42, v));
        Assert.Equal(1, calls);
    }

    /// <summary>A factory that waits for <see cref="Release"/> and counts its calls.</summary>
    private sealed class GatedFactory
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Exception? Failure { get; set; }

        public async ValueTask<string> CreateAsync(string value, CancellationToken cancellationToken)
        {
            int n = Interlocked.Increment(ref _calls);
            await _gate.Task.WaitAsync(cancellationToken);
            return Failure is null ? $"{value}#{n}" : throw Failure;
        }

        public void Release() => _gate.SetResult();
    }

    [Fact]
    public async Task Callers_without_a_token_share_one_continuation_per_flight_and_joiners_allocate_only_their_node()
    {
        await using Instance app = await Instance.LocalOnlyAsync();
        (CachemeClient client, CachemeHybridCache cache) = (app.Client, app.Cache);
        var factory = new GatedFactory();
        Func<string, CancellationToken, ValueTask<string>> create = factory.CreateAsync;

        Task<string> first = cache.GetOrCreateAsync("k", "v", create).AsTask();
        Task<string>[] others = [.. Enumerable.Range(0, 100).Select(_ => cache.GetOrCreateAsync("k", "v", create).AsTask())];
        Assert.All(others, other => Assert.Same(first, other));
        Assert.Equal(1, cache.SharedReadCount);

        // A joiner creates the node it reads with (40 B) and nothing else; with a state machine each it was 320 B.
        long bytes = AllocationMeter.FewestBytes(() => _ = cache.GetOrCreateAsync("k", "v", create), calls: 1_000);
        Assert.InRange(bytes, 1, 48 * 1_000);
        factory.Release();

        Assert.Equal("v#1", await first);
        Assert.Equal(1, factory.Calls);
        Assert.Equal(0, cache.SharedReadCount); // out of the table before its task completed
        NodeStats stats = Assert.Single(client.AllStats());
        Assert.Equal(1 + 100 + 5 * 1_000, stats.RequestCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // each caller waits with its own token (as ASP.NET passes one), so none shares the continuation
    public async Task An_entry_whose_tag_was_removed_during_the_load_is_reloaded_once_for_all_its_callers(bool withTokens)
    {
        var time = new ManualTimeProvider(); // not advanced: the entry is created at the tag's removal time, so it is stale
        await using Instance app = await Instance.CreateAsync(time, new RecordingRemoteStorage(time), o => o.SharedStorage = null);
        var factory = new GatedFactory();
        using var cancel = new CancellationTokenSource(); // never cancelled
        CancellationToken token = withTokens ? cancel.Token : default;
        Task<string>[] callers = [.. Enumerable.Range(0, 20).Select(_ => app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync, tags: ["t"], cancellationToken: token).AsTask())];

        await app.Cache.RemoveByTagAsync("t");
        factory.Release();

        Assert.All(await Task.WhenAll(callers), value => Assert.Equal("v#2", value));
        Assert.Equal(2, factory.Calls); // the load, then one reload for all twenty
        Assert.Equal(0, app.Cache.SharedReadCount);
    }

    [Fact]
    public async Task Soak_concurrent_callers_with_and_without_tokens_and_tag_removals_get_their_keys_values_and_leave_no_shared_read()
    {
        await using Instance app = await Instance.LocalOnlyAsync();
        const int Workers = 4;
        const int CallsPerWorker = 10_000;
        int cancelled = 0;
        static async ValueTask<string> CreateAsync(int key, CancellationToken cancellationToken)
        {
            await Task.Yield(); // in flight while others arrive
            return $"value:{key}";
        }

        async Task WorkAsync(int seed)
        {
            var random = new Random(seed);
            for (int i = 0; i < CallsPerWorker; i++)
            {
                int key = random.Next(256); // over the local tier's 100 entries: misses and flights throughout
                int mode = random.Next(3); // 0: no token; 1: a token never cancelled; 2: a token cancelled while the call waits
                using CancellationTokenSource? request = mode == 0 ? null : new CancellationTokenSource();
                ValueTask<string> call = app.Cache.GetOrCreateAsync($"k{key}", key, CreateAsync, tags: [$"t{key % 4}"], cancellationToken: request?.Token ?? default);
                if (mode == 2)
                {
                    await request!.CancelAsync();
                }

                if (random.Next(256) == 0)
                {
                    await app.Cache.RemoveByTagAsync($"t{random.Next(4)}");
                }

                try
                {
                    Assert.Equal($"value:{key}", await call);
                }
                catch (OperationCanceledException) when (mode == 2)
                {
                    Interlocked.Increment(ref cancelled);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(seed => Task.Run(() => WorkAsync(seed))));

        Assert.InRange(cancelled, 1, Workers * CallsPerWorker);
        Assert.Equal(0, app.Cache.SharedReadCount); // each leaves the table before its callers resume
    }

    [Fact]
    public async Task A_failing_factory_fails_every_shared_caller_and_the_next_call_loads_again()
    {
        await using Instance app = await Instance.CreateAsync(new ManualTimeProvider(), new RecordingRemoteStorage(TimeProvider.System));
        var factory = new GatedFactory { Failure = new InvalidOperationException("source down") };
        Task<string>[] callers = [.. Enumerable.Range(0, 10).Select(_ => app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync).AsTask())];

        factory.Release();

        foreach (Task<string> caller in callers)
        {
            Assert.Equal("source down", (await Assert.ThrowsAsync<InvalidOperationException>(() => caller)).Message);
        }

        Assert.Equal(0, app.Cache.SharedReadCount);
        factory.Failure = null;
        Assert.Equal("v#2", await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync));
    }

    [Fact]
    public async Task A_caller_that_cancels_leaves_the_others_waiting_for_the_one_load()
    {
        await using Instance app = await Instance.CreateAsync(new ManualTimeProvider(), new RecordingRemoteStorage(TimeProvider.System));
        var factory = new GatedFactory();
        using var cancel = new CancellationTokenSource();
        Task<string> patient = app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync).AsTask();
        Task<string> impatient = app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync, cancellationToken: cancel.Token).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient);
        factory.Release();

        Assert.Equal("v#1", await patient);
        Assert.Equal(1, factory.Calls);
    }

    [Fact]
    public async Task Values_are_written_to_both_tiers_and_another_instance_reads_the_shared_one()
    {
        var time = new ManualTimeProvider();
        var shared = new RecordingRemoteStorage(time);
        await using Instance a = await Instance.CreateAsync(time, shared);
        await using Instance b = await Instance.CreateAsync(time, shared);
        var factory = new Factory();

        await a.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync);
        Assert.Contains("cacheme:k:hybrid-v1", shared.Keys);
        string fromB = await b.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync);

        Assert.Equal("v#1", fromB);
        Assert.Equal(1, factory.Calls);
        Assert.Equal(1, b.Client.AllStats()[0].TierHits["shared"]);
    }

    [Fact]
    public async Task Entry_options_set_the_tier_ttls()
    {
        var time = new ManualTimeProvider();
        var shared = new RecordingRemoteStorage(time);
        await using Instance app = await Instance.CreateAsync(time, shared);
        var factory = new Factory();
        var options = new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(10), LocalCacheExpiration = TimeSpan.FromMinutes(1) };

        await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync, options);
        time.Advance(TimeSpan.FromMinutes(2)); // local expired, shared alive
        await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync, options);
        Assert.Equal(1, factory.Calls);
        time.Advance(TimeSpan.FromMinutes(9)); // both expired
        Assert.Equal("v#2", await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync, options));

        NodeStats stats = Assert.Single(app.Client.AllStats());
        Assert.Equal(1, stats.TierHits["shared"]);
        Assert.Contains("local=00:01:00,shared=00:10:00", stats.Node, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_eager_refresh_a_local_hit_past_the_refresh_point_is_served_and_reloads_with_the_calls_factory()
    {
        var time = new ManualTimeProvider();
        var shared = new RecordingRemoteStorage(time);
        await using Instance app = await Instance.CreateAsync(time, shared, o => o.EagerRefresh = 0.5);
        var factory = new Factory();
        Assert.Equal("v#1", await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync)); // local TTL 1 min: due after 30 s
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("v#1", await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync));
        Assert.Equal(1, factory.Calls);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("v#1", await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync)); // served at once, reload started
        await Poll.UntilAsync(() => app.Client.AllStats().Single().EagerRefreshCount == 1 && factory.Calls == 2, "the reload");
        await Poll.UntilAsync(async () => await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync) == "v#2", "the reloaded entry");
        Assert.Equal(2, factory.Calls);
        Assert.Contains(shared.Keys, k => System.Text.Encoding.UTF8.GetString(shared.Raw(k)!).Contains("v#2", StringComparison.Ordinal)); // written to the shared tier too
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public async Task An_eager_refresh_share_outside_0_and_1_is_refused(double share)
    {
        var client = new CachemeClient();
        await using (client)
        {
            await client.RegisterStorageAsync("local", new Storage("local://lru", size: 10));
            ArgumentOutOfRangeException thrown = Assert.Throws<ArgumentOutOfRangeException>(() =>
                new CachemeHybridCache(client, new CachemeHybridCacheOptions { SharedStorage = null, EagerRefresh = share }));
            Assert.Contains("EagerRefresh", thrown.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // local tier only: the tag times live in this process
    public async Task RemoveByTag_reloads_tagged_entries_only_and_star_reloads_everything(bool sharedTier)
    {
        var time = new ManualTimeProvider();
        await using Instance app = await Instance.CreateAsync(time, new RecordingRemoteStorage(time), o => o.SharedStorage = sharedTier ? o.SharedStorage : null);
        var factory = new Factory();
        await app.Cache.GetOrCreateAsync("red", "red", factory.CreateAsync, tags: ["colour", "warm"]);
        await app.Cache.GetOrCreateAsync("blue", "blue", factory.CreateAsync, tags: ["colour"]);
        await app.Cache.GetOrCreateAsync("plain", "plain", factory.CreateAsync);

        time.Advance(TimeSpan.FromSeconds(1));
        await app.Cache.RemoveByTagAsync("warm");
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("red#4", await app.Cache.GetOrCreateAsync("red", "red", factory.CreateAsync, tags: ["colour", "warm"]));
        Assert.Equal("blue#2", await app.Cache.GetOrCreateAsync("blue", "blue", factory.CreateAsync, tags: ["colour"]));
        Assert.Equal("plain#3", await app.Cache.GetOrCreateAsync("plain", "plain", factory.CreateAsync));
        Assert.Equal("red#4", await app.Cache.GetOrCreateAsync("red", "red", factory.CreateAsync, tags: ["colour", "warm"]));

        await app.Cache.RemoveByTagAsync("*");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("plain#5", await app.Cache.GetOrCreateAsync("plain", "plain", factory.CreateAsync));
        Assert.Equal("blue#6", await app.Cache.GetOrCreateAsync("blue", "blue", factory.CreateAsync, tags: ["colour"]));
    }

    [Fact]
    public async Task A_tag_removed_on_another_instance_applies_here_after_the_tag_cache_duration()
    {
        var time = new ManualTimeProvider();
        var shared = new RecordingRemoteStorage(time);
        await using Instance a = await Instance.CreateAsync(time, shared, o => o.TagCacheDuration = TimeSpan.FromSeconds(5));
        await using Instance b = await Instance.CreateAsync(time, shared);
        var factory = new Factory();
        await a.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync, tags: ["t"]);

        time.Advance(TimeSpan.FromSeconds(1));
        await b.Cache.RemoveByTagAsync("t");
        Assert.Equal("v#1", await a.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync, tags: ["t"])); // a still trusts its cached tag time

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("v#2", await a.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync, tags: ["t"]));
    }

    [Fact]
    public async Task RemoveAsync_clears_both_tiers_and_SetAsync_writes_a_value_the_next_read_returns()
    {
        var time = new ManualTimeProvider();
        var shared = new RecordingRemoteStorage(time);
        await using Instance app = await Instance.CreateAsync(time, shared);
        var factory = new Factory();
        await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync);

        await app.Cache.RemoveAsync("k");
        Assert.DoesNotContain("cacheme:k:hybrid-v1", shared.Keys);
        Assert.Equal("v#2", await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync));

        await app.Cache.SetAsync("k", "written");
        Assert.Equal("written", await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync));
        Assert.Equal(2, factory.Calls);
    }

    [Fact]
    public async Task RemoveAsync_on_an_instance_that_never_read_the_key_still_deletes_the_shared_entry()
    {
        var time = new ManualTimeProvider();
        var shared = new RecordingRemoteStorage(time);
        await using Instance a = await Instance.CreateAsync(time, shared);
        await using Instance b = await Instance.CreateAsync(time, shared);
        await a.Cache.GetOrCreateAsync("k", "v", new Factory().CreateAsync);

        await b.Cache.RemoveAsync("k");

        Assert.Empty(shared.Keys);
    }

    [Fact]
    public async Task Calls_without_entry_options_follow_default_options_replaced_after_first_use()
    {
        var time = new ManualTimeProvider();
        var shared = new RecordingRemoteStorage(time);
        CachemeHybridCacheOptions options = null!;
        await using Instance app = await Instance.CreateAsync(time, shared, o => options = o);
        var factory = new Factory();
        Assert.Equal("v#1", await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync));
        Assert.Equal("v#1", await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync)); // remembered definition: a hit

        // Without any tier the factory runs on every call; the definition remembered for option-less calls must not hide that.
        HybridCacheEntryOptions original = options.DefaultEntryOptions;
        options.DefaultEntryOptions = new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableDistributedCache | HybridCacheEntryFlags.DisableLocalCache };
        Assert.Equal("v#2", await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync));
        Assert.Equal("v#3", await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync));

        // Back to the first defaults: their definition and its entry. Other TTLs as defaults: a definition of their own, named
        // by its TTLs (the plain name is taken), reading the shared tier's entry. Another value type: its own definition.
        options.DefaultEntryOptions = original;
        Assert.Equal("v#1", await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync));
        options.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(7) };
        Assert.Equal("v#1", await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync));
        Assert.Equal(7, await app.Cache.GetOrCreateAsync("n", 7, static (n, _) => ValueTask.FromResult(n)));
        Assert.Equal(
            ["hybrid:Int32", "hybrid:String", "hybrid:String[local=00:07:00,shared=00:07:00]"],
            app.Client.AllStats().Select(s => s.Node).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Flags_leave_out_tiers_and_DisableUnderlyingData_is_refused()
    {
        var time = new ManualTimeProvider();
        var shared = new RecordingRemoteStorage(time);
        await using Instance app = await Instance.CreateAsync(time, shared);
        var factory = new Factory();

        await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync, new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableDistributedCache });
        Assert.Empty(shared.Keys);
        Assert.Equal("v#1", await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync, new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableDistributedCache }));

        var none = new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableDistributedCache | HybridCacheEntryFlags.DisableLocalCache };
        Assert.Equal("v#2", await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync, none));
        Assert.Equal("v#3", await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync, none));

        await Assert.ThrowsAsync<NotSupportedException>(async () =>
            await app.Cache.GetOrCreateAsync("k", "v", factory.CreateAsync, new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableUnderlyingData }));
    }

    [Fact]
    public async Task A_missing_storage_is_named_in_the_error()
    {
        await using var client = new CachemeClient();
        await client.RegisterStorageAsync("local", new Storage("local://lru"));
        var error = Assert.Throws<InvalidOperationException>(() => new CachemeHybridCache(client));
        Assert.Contains("'shared'", error.Message, StringComparison.Ordinal);
    }
}
