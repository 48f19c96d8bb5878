using CachemeNet.Internal.Local;
using FsCheck;
using FsCheck.Fluent;

namespace CachemeNet.Tests.Local;

public sealed class BoundedLocalCacheTests
{
    private enum OpKind
    {
        Get,
        Set,
        SetWithTtl,
        Remove,
        Advance,
    }

    private sealed record Op(OpKind Kind, int Key, int Value, int Seconds);

    private sealed record Scenario(string Policy, int Capacity, bool ThreadPool, Op[] Ops)
    {
        public override string ToString() => $"{Policy} capacity={Capacity} threadPool={ThreadPool}: {string.Join(' ', Ops.Select(o => $"{o.Kind}({o.Key},{o.Value},{o.Seconds}s)"))}";
    }

    private static readonly Gen<Op> OpGen =
        from kind in Gen.Frequency((4, Gen.Constant(OpKind.Get)), (3, Gen.Constant(OpKind.Set)), (2, Gen.Constant(OpKind.SetWithTtl)), (1, Gen.Constant(OpKind.Remove)), (1, Gen.Constant(OpKind.Advance)))
        from key in Gen.Choose(0, 15)
        from value in Gen.Choose(0, 1_000_000)
        from seconds in Gen.Choose(1, 300)
        select new Op(kind, key, value, seconds);

    private static readonly Gen<Scenario> ScenarioGen =
        from policy in Gen.Elements("lru", "tlfu")
        from capacity in Gen.Choose(1, 10)
        from threadPool in Gen.Elements(false, true)
        from ops in Gen.ListOf(OpGen)
        select new Scenario(policy, capacity, threadPool, [.. ops]);

    internal static BoundedLocalCache<int, string> Create(string policy, int capacity, TimeProvider time, MaintenanceMode mode) => new(
        policy == "lru" ? new LruPolicy<int, string>(capacity) : new WindowTinyLfuPolicy<int, string>(capacity, 42),
        time,
        mode);

    [Fact]
    public void Matches_a_reference_model_never_exceeds_capacity_and_never_returns_expired_or_stale_values()
    {
        Property property = Prop.ForAll(ScenarioGen.ToArbitrary(), scenario =>
        {
            var time = new ManualTimeProvider();
            var cache = Create(scenario.Policy, scenario.Capacity, time, scenario.ThreadPool ? MaintenanceMode.ThreadPool : MaintenanceMode.Synchronous);
            var model = new Dictionary<int, (string Value, DateTimeOffset? ExpiresAt)>();
            foreach (Op op in scenario.Ops)
            {
                switch (op.Kind)
                {
                    case OpKind.Get:
                        bool modelLive = model.TryGetValue(op.Key, out var expected) && (expected.ExpiresAt is null || expected.ExpiresAt > time.GetUtcNow());
                        if (cache.TryGet(op.Key, out string? actual))
                        {
                            // A present key returns its latest value; an expired or removed one is never returned.
                            if (!modelLive || actual != expected.Value)
                            {
                                return false;
                            }
                        }

                        break;
                    case OpKind.Set:
                        cache.Set(op.Key, $"v{op.Value}", null);
                        model[op.Key] = ($"v{op.Value}", null);
                        break;
                    case OpKind.SetWithTtl:
                        cache.Set(op.Key, $"v{op.Value}", TimeSpan.FromSeconds(op.Seconds));
                        model[op.Key] = ($"v{op.Value}", time.GetUtcNow().AddSeconds(op.Seconds));
                        break;
                    case OpKind.Remove:
                        cache.Remove(op.Key);
                        model.Remove(op.Key);
                        break;
                    case OpKind.Advance:
                        time.Advance(TimeSpan.FromSeconds(op.Seconds));
                        break;
                }

                if (cache.Count > scenario.Capacity)
                {
                    return false;
                }
            }

            return true;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), property);
    }

    [Fact]
    public void A_key_set_last_into_a_cache_with_room_is_always_found()
    {
        Property property = Prop.ForAll(ScenarioGen.ToArbitrary(), scenario =>
        {
            var cache = Create(scenario.Policy, 64, new ManualTimeProvider(), MaintenanceMode.Synchronous);
            var model = new Dictionary<int, string>();
            foreach (Op op in scenario.Ops.Where(o => o.Kind is OpKind.Set or OpKind.Remove))
            {
                if (op.Kind == OpKind.Set)
                {
                    cache.Set(op.Key, $"v{op.Value}", null);
                    model[op.Key] = $"v{op.Value}";
                }
                else
                {
                    cache.Remove(op.Key);
                    model.Remove(op.Key);
                }
            }

            // 16 keys in a cache of 64: nothing may be evicted, so the cache must equal the model.
            return Enumerable.Range(0, 16).All(k => cache.TryGet(k, out string? v) == model.TryGetValue(k, out string? m) && v == m)
                && cache.Count == model.Count;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }

    [Fact]
    public void Expired_entries_are_not_returned_and_are_collected_by_the_timer_wheel()
    {
        var time = new ManualTimeProvider();
        var cache = Create("tlfu", 100, time, MaintenanceMode.Synchronous);
        for (int i = 0; i < 50; i++)
        {
            cache.Set(i, $"v{i}", TimeSpan.FromSeconds(10 + i));
        }

        cache.Set(1000, "forever", null);
        time.Advance(TimeSpan.FromSeconds(30));
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(10 + i > 30, cache.TryGet(i, out _));
        }

        // Well past the last expiry: maintenance (triggered here explicitly) removes them all without a scan.
        time.Advance(TimeSpan.FromMinutes(5));
        cache.Maintain();
        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet(1000, out string? forever));
        Assert.Equal("forever", forever);
    }

    [Fact]
    public void Updating_a_key_replaces_its_value_and_its_ttl()
    {
        var time = new ManualTimeProvider();
        var cache = Create("lru", 10, time, MaintenanceMode.Synchronous);
        cache.Set(1, "a", TimeSpan.FromSeconds(5));
        cache.Set(1, "b", TimeSpan.FromHours(1));
        time.Advance(TimeSpan.FromMinutes(1));
        cache.Maintain();
        Assert.True(cache.TryGet(1, out string? value));
        Assert.Equal("b", value);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void A_non_positive_ttl_removes_the_key()
    {
        var cache = Create("tlfu", 10, new ManualTimeProvider(), MaintenanceMode.Synchronous);
        cache.Set(1, "a", null);
        cache.Set(1, "b", TimeSpan.Zero);
        Assert.False(cache.TryGet(1, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Clear_removes_everything_and_the_cache_keeps_working()
    {
        var cache = Create("tlfu", 8, new ManualTimeProvider(), MaintenanceMode.Synchronous);
        for (int i = 0; i < 20; i++)
        {
            cache.Set(i, $"v{i}", null);
            cache.TryGet(i, out _);
        }

        cache.Clear();
        Assert.Equal(0, cache.Count);
        for (int i = 0; i < 20; i++)
        {
            cache.Set(i, $"w{i}", null);
            Assert.True(cache.Count <= 8);
        }

        Assert.True(cache.TryGet(19, out string? last));
        Assert.Equal("w19", last);
    }

    [Theory]
    [InlineData("lru")]
    [InlineData("tlfu")]
    public async Task Two_threads_doing_a_million_mixed_operations_lose_and_tear_no_value_and_hold_the_bound(string policy)
    {
        const int Capacity = 500;
        const int KeysPerThread = 2_000;
        const int OperationsPerThread = 500_000;
        var cache = new BoundedLocalCache<int, Versioned>(
            policy == "lru" ? new LruPolicy<int, Versioned>(Capacity) : new WindowTinyLfuPolicy<int, Versioned>(Capacity, 7),
            TimeProvider.System,
            MaintenanceMode.ThreadPool);
        using var start = new Barrier(2);

        string? Worker(int owner)
        {
            // Each thread writes only its own keys (so it knows their latest version) and reads everyone's. A set of
            // a live key writes the value in place without the lock (Versioned is a class), racing the other thread's
            // inserts, which evict: a lost in-place update shows up as a stale version read back.
            var latest = new long[KeysPerThread];
            var random = new Random(owner);
            start.SignalAndWait();
            for (int i = 0; i < OperationsPerThread; i++)
            {
                int roll = random.Next(100);
                int slot = (int)Math.Min(KeysPerThread - 1, Math.Abs(random.NextDouble() - random.NextDouble()) * KeysPerThread);
                int ownKey = (owner * KeysPerThread) + slot;
                if (roll < 70)
                {
                    int key = random.Next(2) == 0 ? ownKey : ((1 - owner) * KeysPerThread) + slot;
                    if (cache.TryGet(key, out Versioned? value))
                    {
                        if (value.Key != key || value.Checksum != Versioned.ChecksumOf(value.Key, value.Version))
                        {
                            return $"torn value for {key}: {value}";
                        }

                        if (key == ownKey && value.Version != latest[slot])
                        {
                            return $"lost update for {key}: read version {value.Version}, wrote {latest[slot]}";
                        }
                    }
                }
                else if (roll < 95)
                {
                    long version = latest[slot] + 1;
                    cache.Set(ownKey, new Versioned(ownKey, version, Versioned.ChecksumOf(ownKey, version)), null);
                    latest[slot] = version;
                }
                else
                {
                    cache.Remove(ownKey);
                    latest[slot]++; // a removed key may only miss; any hit would be a stale (lost-delete) read
                }

                if ((i & 1023) == 0 && cache.Count > Capacity)
                {
                    return $"size {cache.Count} exceeds {Capacity}";
                }
            }

            return null;
        }

        string?[] failures = await Task.WhenAll(Task.Run(() => Worker(0)), Task.Run(() => Worker(1)));
        Assert.All(failures, Assert.Null);
        cache.Maintain();
        Assert.InRange(cache.Count, 1, Capacity);
    }

    internal sealed record Versioned(int Key, long Version, long Checksum)
    {
        public static long ChecksumOf(int key, long version) => (key * 1_000_003L) ^ (version * 7919L);
    }

    [Fact]
    public void Reads_reach_the_policy_through_the_buffer_only_for_entries_it_asks_to_buffer()
    {
        var policy = new EvenKeysBufferedPolicy<int>(100);
        var cache = new BoundedLocalCache<int, int>(policy, new ManualTimeProvider(), MaintenanceMode.Synchronous);
        for (int key = 0; key < 10; key++)
        {
            cache.Set(key, key, null);
        }

        for (int key = 0; key < 10; key++)
        {
            Assert.True(cache.TryGet(key, out _));
            Assert.True(cache.TryGet(key, out _));
        }

        cache.Set(10, 10, null); // a write drains the buffered reads first

        Assert.Equal([0, 0, 2, 2, 4, 4, 6, 6, 8, 8], policy.Accessed);
    }

    [Fact]
    public void A_full_read_buffer_wakes_no_maintenance_thread_and_the_next_write_drains_it()
    {
        var policy = new EvenKeysBufferedPolicy<int>(100);
        var cache = new BoundedLocalCache<int, int>(policy, new ManualTimeProvider(), MaintenanceMode.ThreadPool);
        cache.Set(2, 2, null);
        for (int i = 0; i < 10 * StripedReadBuffer<LocalEntry<int, int>>.StripeLength; i++)
        {
            Assert.True(cache.TryGet(2, out _));
        }

        // Nothing woke a maintenance thread: the stripe kept its first reads and dropped the rest, and the next write
        // drains them.
        Assert.Equal(0, cache.DrainsScheduled);
        cache.Set(4, 4, null);
        Assert.Equal(StripedReadBuffer<LocalEntry<int, int>>.StripeLength, policy.Accessed.Count);
    }

    [Fact]
    public void An_update_without_a_ttl_writes_a_reference_value_in_place_and_counts_as_a_use()
    {
        var policy = new EvenKeysBufferedPolicy<string>(100);
        var cache = new BoundedLocalCache<int, string>(policy, new ManualTimeProvider(), MaintenanceMode.Synchronous);
        cache.Set(2, "a", null);

        cache.Set(2, "b", null);

        Assert.Empty(policy.Replaced); // the entry stayed; the policy was not called under the lock
        Assert.True(cache.TryGet(2, out string? value));
        Assert.Equal("b", value);
        cache.Set(4, "c", null); // a write drains the buffered uses first
        Assert.Equal([2, 2], policy.Accessed); // the update, then the read
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void An_update_that_changes_the_ttl_or_holds_a_value_type_replaces_the_entry()
    {
        var time = new ManualTimeProvider();
        var policy = new EvenKeysBufferedPolicy<string>(100);
        var cache = new BoundedLocalCache<int, string>(policy, time, MaintenanceMode.Synchronous);
        cache.Set(2, "a", TimeSpan.FromSeconds(10));
        cache.Set(2, "b", null); // drops the TTL
        cache.Set(2, "c", TimeSpan.FromSeconds(10)); // adds one
        time.Advance(TimeSpan.FromSeconds(11));

        Assert.Equal([2, 2], policy.Replaced);
        Assert.False(cache.TryGet(2, out _));

        var ints = new EvenKeysBufferedPolicy<int>(100);
        var values = new BoundedLocalCache<int, int>(ints, time, MaintenanceMode.Synchronous);
        values.Set(2, 1, null);
        values.Set(2, 2, null);
        Assert.Equal([2], ints.Replaced);
        Assert.True(values.TryGet(2, out int latest));
        Assert.Equal(2, latest);
    }

    /// <summary>A FIFO that buffers the reads of even keys only and records which reads and replacements reached it.</summary>
    private sealed class EvenKeysBufferedPolicy<TValue> : EvictionPolicy<int, TValue>
    {
        public EvenKeysBufferedPolicy(int capacity)
            : base(capacity)
        {
            Queue = new(Links, EntryQueue.Window);
        }

        public List<int> Accessed { get; } = [];

        public List<int> Replaced { get; } = [];

        public override int Count => Queue.Count;

        private AccessOrderDeque<int, TValue> Queue { get; }

        public override bool BuffersReadsOf(int hash) => hash % 2 == 0;

        public override void OnAdd(LocalEntry<int, TValue> entry) => Queue.AddNew(entry);

        public override void OnAccess(LocalEntry<int, TValue> entry) => Accessed.Add(entry.Key);

        public override void OnRemove(LocalEntry<int, TValue> entry) => Queue.Release(entry);

        public override void OnReplace(LocalEntry<int, TValue> existing, LocalEntry<int, TValue> replacement)
        {
            Replaced.Add(existing.Key);
            Links.Replace(existing, replacement);
        }

        public override LocalEntry<int, TValue> EvictOne()
        {
            LocalEntry<int, TValue> victim = Queue.First!;
            Queue.Release(victim);
            return victim;
        }

        public override void Clear()
        {
            Queue.Clear();
            Links.Clear();
        }
    }
    [Theory]
    [InlineData("tlfu")]
    [InlineData("lru")]
    public async Task On_the_system_clock_an_entry_is_served_until_its_precise_deadline_and_never_after(string policy)
    {
        // The coarse clock lets reads skip the precise one only while an entry is far from expiry; near it, every read
        // checks the precise deadline.
        BoundedLocalCache<int, string> cache = Create(policy, 10, TimeProvider.System, MaintenanceMode.Synchronous);
        TimeSpan ttl = TimeSpan.FromMilliseconds(120);

        int hits = await ExpiryProbe.AssertExactAsync(
            ttl,
            () =>
            {
                cache.Set(1, "v", ttl);
                return Task.CompletedTask;
            },
            () => ValueTask.FromResult(cache.TryGet(1, out _)));

        Assert.True(hits > 0);
    }
}
