using System.Text;

namespace CachemeNet.Storages.Tests;

/// <summary>
/// The contract every remote storage meets, run against each backend on its real server. Each test gets a fresh client,
/// registered through the storage URL (so scheme resolution and the backend's provider are exercised too), and keys unique
/// to the test.
/// </summary>
public abstract class RemoteStorageContract : IAsyncLifetime
{
    private readonly string _run = "ct" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<CachemeClient> _clients = [];

    protected ManualClock Clock { get; } = new();

    protected CapturingLoggerFactory Logs { get; } = new();

    protected IRemoteStorage Remote { get; private set; } = null!;

    /// <summary>The storage under test.</summary>
    protected abstract Storage DescribeStorage();

    /// <summary>Waits until <paramref name="key"/>, written with <paramref name="ttl"/>, has expired. SQL storages move the manual clock.</summary>
    protected virtual Task LetExpireAsync(string key, TimeSpan ttl)
    {
        Clock.Advance(ttl + TimeSpan.FromMilliseconds(1));
        return Task.CompletedTask;
    }

    /// <summary>The TTL used by expiry tests.</summary>
    protected virtual TimeSpan ShortTtl => TimeSpan.FromSeconds(30);

    public async Task InitializeAsync()
    {
        CachemeClient client = await NewClientAsync(_run);
        Remote = (IRemoteStorage)client.GetStorage("remote")!;
    }

    public virtual async Task DisposeAsync()
    {
        foreach (CachemeClient client in _clients)
        {
            await client.DisposeAsync();
        }
    }

    protected string Key(string name) => $"{_run}:{name}";

    protected async Task<CachemeClient> NewClientAsync(string prefix)
    {
        var client = new CachemeClient(new CachemeOptions { Prefix = prefix, TimeProvider = Clock, LoggerFactory = Logs, TierResilience = TestServers.PatientResilience() });
        _clients.Add(client);
        await client.RegisterStorageAsync("local", new Storage("local://lru", 1000));
        await client.RegisterStorageAsync("remote", DescribeStorage());
        return client;
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Get_of_a_missing_key_is_null()
    {
        Assert.Null(await Remote.GetAsync(Key("missing"), default));
    }

    [Fact]
    public async Task Set_then_get_returns_the_bytes_and_a_second_set_replaces_them()
    {
        await Remote.SetAsync(Key("a"), Bytes("one"), null, default);
        Assert.Equal(Bytes("one"), await Remote.GetAsync(Key("a"), default));

        await Remote.SetAsync(Key("a"), Bytes("two"), TimeSpan.FromMinutes(1), default);
        Assert.Equal(Bytes("two"), await Remote.GetAsync(Key("a"), default));
    }

    [Fact]
    public async Task A_value_with_a_ttl_is_returned_until_it_expires_and_never_after()
    {
        await Remote.SetAsync(Key("ttl"), Bytes("v"), ShortTtl, default);
        await Remote.SetAsync(Key("forever"), Bytes("f"), null, default);
        Assert.Equal(Bytes("v"), await Remote.GetAsync(Key("ttl"), default));

        await LetExpireAsync(Key("ttl"), ShortTtl);

        Assert.Null(await Remote.GetAsync(Key("ttl"), default));
        Assert.Equal([null, Bytes("f")], await Remote.GetManyAsync([Key("ttl"), Key("forever")], default));
    }

    [Fact]
    public async Task A_ttl_is_rejected_unless_positive()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Remote.SetAsync(Key("z"), Bytes("v"), TimeSpan.Zero, default));
    }

    [Fact]
    public async Task GetMany_returns_one_result_per_key_in_order_with_nulls_and_duplicates()
    {
        await Remote.SetAsync(Key("m1"), Bytes("1"), null, default);
        await Remote.SetAsync(Key("m3"), Bytes("3"), null, default);

        IReadOnlyList<byte[]?> found = await Remote.GetManyAsync([Key("m3"), Key("m2"), Key("m1"), Key("m3")], default);

        Assert.Equal([Bytes("3"), null, Bytes("1"), Bytes("3")], found);
        Assert.Empty(await Remote.GetManyAsync([], default));
    }

    [Fact]
    public async Task SetMany_writes_every_item_with_one_ttl_and_the_last_of_a_repeated_key_wins()
    {
        var items = Enumerable.Range(0, 50)
            .Select(i => new KeyValuePair<string, ReadOnlyMemory<byte>>(Key($"b{i}"), Bytes($"value {i}")))
            .Append(new KeyValuePair<string, ReadOnlyMemory<byte>>(Key("b7"), Bytes("last")))
            .ToList();

        await Remote.SetManyAsync(items, ShortTtl, default);

        IReadOnlyList<byte[]?> found = await Remote.GetManyAsync([.. Enumerable.Range(0, 50).Select(i => Key($"b{i}"))], default);
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(Bytes(i == 7 ? "last" : $"value {i}"), found[i]);
        }

        await LetExpireAsync(Key("b49"), ShortTtl);
        Assert.All(await Remote.GetManyAsync([.. Enumerable.Range(0, 50).Select(i => Key($"b{i}"))], default), Assert.Null);
    }

    [Fact]
    public async Task Delete_removes_the_value_and_says_whether_it_was_there()
    {
        await Remote.SetAsync(Key("d"), Bytes("v"), null, default);

        Assert.True(await Remote.DeleteAsync(Key("d"), default));
        Assert.Null(await Remote.GetAsync(Key("d"), default));
        Assert.False(await Remote.DeleteAsync(Key("d"), default));
    }

    [Fact]
    public async Task Binary_values_of_every_byte_an_empty_value_and_a_1_MB_value_round_trip()
    {
        byte[] everyByte = [.. Enumerable.Range(0, 256).Select(i => (byte)i), 0, 0, 255];
        byte[] megabyte = new byte[1024 * 1024];
        new Random(42).NextBytes(megabyte);

        await Remote.SetAsync(Key("bin"), everyByte, null, default);
        await Remote.SetAsync(Key("empty"), Array.Empty<byte>(), null, default);
        await Remote.SetManyAsync([new(Key("mb"), megabyte)], null, default);

        Assert.Equal(everyByte, await Remote.GetAsync(Key("bin"), default));
        Assert.Equal(Array.Empty<byte>(), await Remote.GetAsync(Key("empty"), default));
        Assert.Equal(megabyte, await Remote.GetAsync(Key("mb"), default));
        Assert.Equal(megabyte, (await Remote.GetManyAsync([Key("mb")], default))[0]);
    }

    [Fact]
    public async Task Unicode_keys_are_distinct_from_each_other_and_from_their_case_variants()
    {
        string[] keys = [Key("ключ"), Key("キー"), Key("clé"), Key("cle"), Key("Key"), Key("key"), Key("🔑{tag}")];
        for (int i = 0; i < keys.Length; i++)
        {
            await Remote.SetAsync(keys[i], Bytes($"v{i}"), null, default);
        }

        IReadOnlyList<byte[]?> found = await Remote.GetManyAsync(keys, default);
        for (int i = 0; i < keys.Length; i++)
        {
            Assert.Equal(Bytes($"v{i}"), found[i]);
            Assert.Equal(Bytes($"v{i}"), await Remote.GetAsync(keys[i], default));
        }
    }

    [Fact]
    public async Task Keys_of_512_bytes_round_trip_ascii_and_multibyte()
    {
        string prefix = Key("long:");
        string ascii = prefix + new string('k', 512 - prefix.Length);
        string multibyte = prefix + string.Concat(Enumerable.Repeat("ж", (512 - prefix.Length) / 2)) + (prefix.Length % 2 == 1 ? "x" : string.Empty);
        Assert.Equal(512, Encoding.UTF8.GetByteCount(ascii));
        Assert.Equal(512, Encoding.UTF8.GetByteCount(multibyte));

        await Remote.SetAsync(ascii, Bytes("a"), null, default);
        await Remote.SetManyAsync([new(multibyte, Bytes("m"))], null, default);

        Assert.Equal([Bytes("a"), Bytes("m")], await Remote.GetManyAsync([ascii, multibyte], default));
    }

    [Fact]
    public async Task Concurrent_writers_to_one_key_all_succeed_and_leave_one_of_their_values()
    {
        const int writers = 24;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task[] tasks = [.. Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            await start.Task;
            for (int round = 0; round < 5; round++)
            {
                if (round % 2 == 0)
                {
                    await Remote.SetAsync(Key("hot"), Bytes($"writer {i}"), TimeSpan.FromMinutes(5), default);
                }
                else
                {
                    await Remote.SetManyAsync([new(Key("hot"), Bytes($"writer {i}")), new(Key("hot2"), Bytes($"writer {i}"))], TimeSpan.FromMinutes(5), default);
                }
            }
        }))];

        start.SetResult();
        await Task.WhenAll(tasks);

        string final = Encoding.UTF8.GetString((await Remote.GetAsync(Key("hot"), default))!);
        Assert.Matches("^writer ([0-9]|1[0-9]|2[0-3])$", final);
        Assert.NotNull(await Remote.GetAsync(Key("hot2"), default));
    }

    [Fact]
    public async Task A_cancelled_token_cancels_each_operation()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Remote.GetAsync(Key("c"), cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Remote.GetManyAsync([Key("c")], cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Remote.SetAsync(Key("c"), Bytes("v"), null, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Remote.DeleteAsync(Key("c"), cancelled.Token));
        Assert.Null(await Remote.GetAsync(Key("c"), default));
    }

    [Fact]
    public async Task GetAsync_and_GetAllAsync_through_a_local_then_remote_chain_load_once_and_then_read_the_remote_tier()
    {
        string prefix = _run + "chain";
        CachemeClient writer = await NewClientAsync(prefix);
        var meta = new NodeMeta { Caches = [new Cache("local", TimeSpan.FromMinutes(1)), new Cache("remote", TimeSpan.FromMinutes(10))] };
        int loads = 0;
        NodeDefinition<string> Define(CachemeClient client) => client.BuildNode<string>("Profile", meta);
        CacheNode<string> Node(NodeDefinition<string> definition, int id) =>
            definition.Create($"user:{id}", _ => { Interlocked.Increment(ref loads); return ValueTask.FromResult($"profile {id} ✓"); });

        NodeDefinition<string> writerNodes = Define(writer);
        Assert.Equal("profile 1 ✓", await writer.GetAsync(Node(writerNodes, 1)));
        Assert.Equal("profile 1 ✓", await writer.GetAsync(Node(writerNodes, 1)));
        IReadOnlyList<string> all = await writer.GetAllAsync(Enumerable.Range(1, 20).Select(i => Node(writerNodes, i)));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"profile {i} ✓"), all);
        Assert.Equal(20, loads);

        Assert.True(Logs.Messages.Count == 0, string.Join("\n", Logs.Messages));

        // The remote tier holds each value under its full key; the engine writes it back after answering, so wait for it.
        IRemoteStorage remote = (IRemoteStorage)writer.GetStorage("remote")!;
        string[] fullKeys = [.. Enumerable.Range(1, 20).Select(i => $"{prefix}:user:{i}:v1")];
        await TestServers.EventuallyAsync(async () => (await remote.GetManyAsync(fullKeys, default)).All(v => v is not null), "the remote tier holds all 20 values");

        // A second client (empty local tier, same remote) reads everything from the remote tier, loading nothing.
        CachemeClient reader = await NewClientAsync(prefix);
        NodeDefinition<string> readerNodes = Define(reader);
        Assert.Equal("profile 3 ✓", await reader.GetAsync(Node(readerNodes, 3)));
        IReadOnlyList<string> again = await reader.GetAllAsync(Enumerable.Range(1, 20).Select(i => Node(readerNodes, i)));
        Assert.Equal(all, again);
        Assert.Equal(20, loads);
        NodeStats stats = reader.Stats(readerNodes);
        Assert.Equal(0, stats.LoadCount);
        Assert.Equal(0, stats.TierErrorCount);
        Assert.Equal(0, writer.Stats(writerNodes).TierErrorCount);
        Assert.Equal(20, stats.TierHits.GetValueOrDefault("remote"));
    }
}
