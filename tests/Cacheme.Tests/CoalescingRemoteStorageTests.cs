using CachemeNet.Tests.Fakes;

namespace CachemeNet.Tests;

public sealed class CoalescingRemoteStorageTests
{
    [Fact]
    public async Task Reads_arriving_while_others_are_on_the_wire_go_out_as_one_batch()
    {
        var time = new ManualTimeProvider();
        var remote = new RecordingRemoteStorage(time);
        await using var client = new CachemeClient(new CachemeOptions { TimeProvider = time, TierResilience = new TierResilienceOptions { Enabled = false } });
        Storage storage = TestStorageProvider.For(remote);
        await client.RegisterStorageAsync("remote", new Storage(storage.Url) { Coalesce = true });
        var source = new TestSource();
        var meta = TestChain.Meta(new Cache("remote", null));
        var hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        remote.Hang = hang.Task;

        var calls = new List<Task<string>>();
        for (int i = 0; i < 2; i++)
        {
            calls.Add(client.GetAsync(new ItemNode(i.ToString(), source, meta)).AsTask());
        }

        await Poll.UntilAsync(() => remote.Gets >= 2, "two gets reaching the remote tier");

        for (int i = 2; i < 50; i++)
        {
            calls.Add(client.GetAsync(new ItemNode(i.ToString(), source, meta)).AsTask());
        }

        remote.Hang = null;
        hang.SetResult();
        string[] values = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"value:{i}"), values);
        Assert.Equal(2, remote.Gets);           // the two that found the storage idle
        Assert.Equal(1, remote.GetManys);       // everything that queued behind them
        Assert.Equal(50, source.Total);
    }

    [Fact]
    public async Task A_failing_batch_fails_only_its_own_reads_and_the_read_falls_through()
    {
        var time = new ManualTimeProvider();
        var remote = new RecordingRemoteStorage(time) { Failure = new IOException("down") };
        await using var client = new CachemeClient(new CachemeOptions { TimeProvider = time, TierResilience = new TierResilienceOptions { Enabled = false } });
        await client.RegisterStorageAsync("remote", new Storage(TestStorageProvider.For(remote).Url) { Coalesce = true });
        var source = new TestSource();

        Assert.Equal("value:1", await client.GetAsync(new ItemNode("1", source, TestChain.Meta(new Cache("remote", null)))));
        remote.Failure = null;
        Assert.Equal("value:2", await client.GetAsync(new ItemNode("2", source, TestChain.Meta(new Cache("remote", null)))));
    }
}
