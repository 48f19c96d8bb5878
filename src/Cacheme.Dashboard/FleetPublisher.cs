using Microsoft.Extensions.Logging;

namespace CachemeNet.Dashboard;

/// <summary>
/// Publishes a client's <see cref="InstanceSnapshot"/> to an <see cref="IFleetStore"/> on a timer of the client's
/// <see cref="TimeProvider"/>, so one dashboard shows every instance. Publishing failures are logged (event 1201) and retried
/// on the next tick. Dispose to stop and remove the instance from the store.
/// </summary>
public sealed partial class FleetPublisher : IAsyncDisposable
{
    private readonly CachemeClient _client;
    private readonly IFleetStore _store;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _publishing = new(1, 1);
    private ITimer? _timer;
    private int _disposed;

    /// <summary>Creates a publisher; call <see cref="Start"/> to begin.</summary>
    /// <param name="client">The client whose stats are published.</param>
    /// <param name="store">Where to publish.</param>
    /// <param name="interval">Time between snapshots. Defaults to 2 seconds.</param>
    /// <param name="instance">The instance id. Defaults to <see cref="InstanceSnapshot.DefaultInstanceId"/>.</param>
    public FleetPublisher(CachemeClient client, IFleetStore store, TimeSpan? interval = null, string? instance = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(store);
        _client = client;
        _store = store;
        Interval = interval ?? TimeSpan.FromSeconds(2);
        if (Interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The publishing interval must be positive.");
        }

        Instance = instance ?? InstanceSnapshot.DefaultInstanceId(client);
        _logger = client.LoggerFactory.CreateLogger("Cacheme.Dashboard");
    }

    /// <summary>The instance id snapshots are published under.</summary>
    public string Instance { get; }

    /// <summary>Time between snapshots.</summary>
    public TimeSpan Interval { get; }

    /// <summary>How long a snapshot stays live in the store: three intervals, so one missed tick does not drop the instance.</summary>
    public TimeSpan TimeToLive => Interval * 3;

    /// <summary>Starts publishing: once now, then every <see cref="Interval"/>.</summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ITimer timer = _client.TimeProvider.CreateTimer(_ => _ = PublishFromTimerAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (Interlocked.CompareExchange(ref _timer, timer, null) is not null)
        {
            timer.Dispose();
            throw new InvalidOperationException("The publisher is already started.");
        }

        timer.Change(TimeSpan.Zero, Interval);
    }

    /// <summary>Publishes one snapshot now (waits for a publish in progress first).</summary>
    /// <param name="cancellationToken">Cancels the publish.</param>
    public async Task PublishAsync(CancellationToken cancellationToken = default)
    {
        await _publishing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _store.PublishAsync(InstanceSnapshot.Of(_client, Instance), TimeToLive, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _publishing.Release();
        }
    }

    /// <summary>Stops publishing and removes this instance from the store.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (Interlocked.Exchange(ref _timer, null) is { } timer)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        await _publishing.WaitAsync().ConfigureAwait(false);
        try
        {
            await _store.RemoveAsync(Instance, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogPublishFailed(_logger, Instance, e);
        }
        finally
        {
            _publishing.Release();
            _publishing.Dispose();
        }
    }

    private async Task PublishFromTimerAsync()
    {
        // A tick that finds the previous publish still running is skipped.
        if (Volatile.Read(ref _disposed) != 0 || !await _publishing.WaitAsync(0).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await _store.PublishAsync(InstanceSnapshot.Of(_client, Instance), TimeToLive, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogPublishFailed(_logger, Instance, e);
        }
        finally
        {
            _publishing.Release();
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Publishing the stats snapshot of instance {Instance} failed; retrying on the next tick")]
    private static partial void LogPublishFailed(ILogger logger, string instance, Exception exception);
}
