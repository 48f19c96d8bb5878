namespace CachemeNet.Dashboard.Tests;

/// <summary>A cached profile read by the test workloads.</summary>
public sealed record ProfileNode(int Id) : CacheNode<string>
{
    private static readonly NodeMeta Config = new() { Caches = [new Cache("local", TimeSpan.FromSeconds(30)), new Cache("shared", TimeSpan.FromMinutes(5))] };

    public override NodeMeta Meta => Config;

    public override string Key() => $"profile:{Id}";

    public override ValueTask<string> LoadAsync(CancellationToken cancellationToken) => ValueTask.FromResult($"profile {Id}");
}

/// <summary>A client with "local" and "shared" tiers, and a background workload over it.</summary>
public sealed class Workload : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;
    private long _requests;

    private Workload(CachemeClient client) => Client = client;

    public CachemeClient Client { get; }

    public long Requests => Interlocked.Read(ref _requests);

    public static async Task<Workload> CreateAsync(string name)
    {
        var client = new CachemeClient(new CachemeOptions { Name = name });
        await client.RegisterStorageAsync("local", new Storage("local://lru", size: 50));
        await client.RegisterStorageAsync("shared", new Storage("local://lru", size: 1_000));
        return new Workload(client);
    }

    /// <summary>Reads <paramref name="count"/> profiles (ids cycling over 0..99).</summary>
    public async Task RunAsync(int count)
    {
        for (int i = 0; i < count; i++)
        {
            await Client.GetAsync(new ProfileNode(i % 100));
            Interlocked.Increment(ref _requests);
        }
    }

    /// <summary>Keeps reading until disposed, yielding between batches so the numbers grow steadily.</summary>
    public void Start() => _running = Task.Run(async () =>
    {
        var random = new Random(1);
        while (!_stop.IsCancellationRequested)
        {
            for (int i = 0; i < 200; i++)
            {
                await Client.GetAsync(new ProfileNode(random.Next(2_000))); // more keys than the tiers hold: hits and loads both continue
                Interlocked.Increment(ref _requests);
            }

            try
            {
                await Task.Delay(20, _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    });

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running;
        }

        await Client.DisposeAsync();
        _stop.Dispose();
    }
}
