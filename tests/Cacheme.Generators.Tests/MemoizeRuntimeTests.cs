using System.Globalization;
using CachemeNet.Tests;

namespace CachemeNet.Generators.Tests;

/// <summary>Generated [Memoize] methods running against a real client (local LRU + a recording remote tier).</summary>
public sealed class MemoizeRuntimeTests
{
    public static TheoryData<string> Forms => ["template", "node"];

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Thousand_concurrent_calls_load_once(string form)
    {
        (CachemeClient client, _) = await RecordingStorageProvider.CreateClientAsync();
        var service = new UserService(client);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allCalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int called = 0;

        Task<UserInfo>[] calls = [.. Enumerable.Range(0, 1000).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            Task<UserInfo> pending = Get(service, form, 42);
            if (Interlocked.Increment(ref called) == 1000)
            {
                allCalled.SetResult();
            }

            return await pending;
        }))];

        start.SetResult();
        await allCalled.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // Every one of the 1,000 calls was made while the load is still held at the gate.
        Assert.DoesNotContain(calls, c => c.IsCompleted);
        service.Gate.SetResult();
        UserInfo[] results = await Task.WhenAll(calls);

        Assert.Equal(1, service.LoadCount);
        Assert.All(results, r => Assert.Equal(new UserInfo(42, 1), r));
        NodeStats stats = form == "node" ? client.Stats<UserInfoNode>() : client.AllStats().Single(s => s.Node == "UserService.GetUserInfoAsync");
        Assert.Equal(1, stats.LoadSuccessCount);
        Assert.Equal(1000, stats.RequestCount);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Invalidate_removes_only_that_arguments_key(string form)
    {
        (CachemeClient client, RecordingRemoteStorage remote) = await RecordingStorageProvider.CreateClientAsync();
        var service = new UserService(client);
        service.Gate.SetResult();
        Assert.Equal(new UserInfo(1, 1), await Get(service, form, 1));
        Assert.Equal(new UserInfo(2, 2), await Get(service, form, 2));

        await Invalidate(service, form, 1);

        Assert.Equal([FullKey(form, 1)], remote.Deletes);
        Assert.Equal([FullKey(form, 2)], remote.Keys);
        Assert.Equal(new UserInfo(1, 3), await Get(service, form, 1));
        Assert.Equal(new UserInfo(2, 2), await Get(service, form, 2));
        Assert.Equal([1, 2, 1], service.Loaded);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Refresh_reloads_only_that_arguments_key(string form)
    {
        (CachemeClient client, RecordingRemoteStorage remote) = await RecordingStorageProvider.CreateClientAsync();
        var service = new UserService(client);
        service.Gate.SetResult();
        await Get(service, form, 1);
        await Get(service, form, 2);

        UserInfo refreshed = await Refresh(service, form, 2);

        Assert.Equal(new UserInfo(2, 3), refreshed);
        Assert.Equal([FullKey(form, 2)], remote.Deletes);
        Assert.Equal(new UserInfo(2, 3), await Get(service, form, 2));
        Assert.Equal(new UserInfo(1, 1), await Get(service, form, 1));
        Assert.Equal([1, 2, 2], service.Loaded);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Set_caches_the_value_for_that_arguments_key_without_loading(string form)
    {
        (CachemeClient client, _) = await RecordingStorageProvider.CreateClientAsync();
        var service = new UserService(client);
        service.Gate.SetResult();
        await Get(service, form, 1);

        await Set(service, form, new UserInfo(1, 99), 1);
        await Set(service, form, new UserInfo(2, 98), 2);

        Assert.Equal(new UserInfo(1, 99), await Get(service, form, 1));
        Assert.Equal(new UserInfo(2, 98), await Get(service, form, 2));
        Assert.Equal([1], service.Loaded);
    }

    [Fact]
    public async Task Node_form_shares_entries_with_the_node_read_directly()
    {
        (CachemeClient client, _) = await RecordingStorageProvider.CreateClientAsync();
        var service = new UserService(client);
        service.Gate.SetResult();
        UserInfo memoized = await service.GetUserByNodeAsync(5);

        // The node's own LoadAsync throws, so this can only be a hit on the entry the memoized method wrote.
        Assert.Equal(memoized, await client.GetAsync(new UserInfoNode(5)));
    }

    [Fact]
    public async Task Caller_cancellation_passes_through_and_cancels_the_abandoned_load()
    {
        (CachemeClient client, _) = await RecordingStorageProvider.CreateClientAsync();
        var service = new UserService(client);
        using var cts = new CancellationTokenSource();
        ValueTask<UserInfo> call = service.GetUserInfoAsync(9, cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await call);
        await service.LoadCancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Instances_with_their_own_clients_do_not_share_entries()
    {
        (CachemeClient first, _) = await RecordingStorageProvider.CreateClientAsync();
        (CachemeClient second, _) = await RecordingStorageProvider.CreateClientAsync();
        var a = new UserService(first);
        var b = new UserService(second);
        a.Gate.SetResult();
        b.Gate.SetResult();

        await a.GetUserInfoAsync(1);
        await b.GetUserInfoAsync(1);

        Assert.Equal(1, a.LoadCount);
        Assert.Equal(1, b.LoadCount);
    }

    [Fact]
    public async Task A_local_hit_allocates_only_the_node()
    {
        (CachemeClient client, _) = await RecordingStorageProvider.CreateClientAsync();
        var service = new UserService(client);
        service.Gate.SetResult();
        await service.GetUserInfoAsync(3);

        long perCall = AllocationMeter.BytesPerCall(() => Assert.True(service.GetUserInfoAsync(3).IsCompletedSuccessfully));

        // The generated node record: object header + method table + one int field = 24 bytes on 64-bit.
        Assert.True(perCall <= 24, $"{perCall} bytes per local hit");
        Assert.Equal(1, service.LoadCount);
    }

    private static string FullKey(string form, int id) => form == "node" ? $"cacheme:node-user:{id}:v1" : $"cacheme:user:{id}:info:v1";

    private static Task<UserInfo> Get(UserService service, string form, int id) =>
        form == "node" ? service.GetUserByNodeAsync(id) : service.GetUserInfoAsync(id).AsTask();

    private static Task Invalidate(UserService service, string form, int id) =>
        form == "node" ? service.InvalidateGetUserByNodeAsync(id) : service.InvalidateGetUserInfoAsync(id).AsTask();

    private static Task Set(UserService service, string form, UserInfo value, int id) =>
        form == "node" ? service.SetGetUserByNodeAsync(value, id) : service.SetGetUserInfoAsync(value, id).AsTask();

    private static Task<UserInfo> Refresh(UserService service, string form, int id) =>
        form == "node" ? service.RefreshGetUserByNodeAsync(id) : service.RefreshGetUserInfoAsync(id).AsTask();
}
