using CachemeNet.Tests.Fakes;
using CachemeNet;

namespace CachemeNet.Tests;

/// <summary>A client with a hand-moved clock, a local LRU tier "local" and an in-memory remote tier "remote".</summary>
public sealed class TestChain : IAsyncDisposable
{
    private TestChain(CachemeClient client, ManualTimeProvider time, RecordingRemoteStorage remote)
    {
        Client = client;
        Time = time;
        Remote = remote;
    }

    public CachemeClient Client { get; }

    public ManualTimeProvider Time { get; }

    public RecordingRemoteStorage Remote { get; }

    public TestSource Source { get; } = new();

    public static async Task<TestChain> CreateAsync(int localSize = 100)
    {
        var time = new ManualTimeProvider();
        var client = new CachemeClient(new CachemeOptions { TimeProvider = time });
        var remote = new RecordingRemoteStorage(time);
        await client.RegisterStorageAsync("local", new Storage("local://lru", size: localSize));
        await client.RegisterStorageAsync("remote", TestStorageProvider.For(remote));
        return new TestChain(client, time, remote);
    }

    public ILocalStorage Local => (ILocalStorage)Client.GetStorage("local")!;

    public static NodeMeta Meta(params Cache[] caches) => new() { Caches = caches };

    /// <summary>Holds every load of <see cref="Source"/> until the returned gate is released.</summary>
    public TaskCompletionSource GateSource()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Source.Gate = gate.Task;
        return gate;
    }

    /// <summary>Starts a read of <paramref name="node"/> and waits until its load has started (hold it with <see cref="GateSource"/>).</summary>
    public async Task<Task<T>> StartReadAsync<T>(CacheNode<T> node, CancellationToken cancellationToken = default)
    {
        Task<T> read = Client.GetAsync(node, cancellationToken).AsTask();
        await Source.Started.Task.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None); // the caller's token is the read's, not this wait's
        return read;
    }

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
