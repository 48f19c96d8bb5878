using Microsoft.Extensions.Logging;

namespace CachemeNet.Sql.Internal;

/// <summary>
/// Deletes expired rows in the background: on every tick of a <see cref="TimeProvider"/> timer it runs DELETEs of at most
/// <c>batchSize</c> rows each until one deletes fewer, so no statement holds locks on many rows. Ticks never overlap, and
/// a failing sweep is logged and retried on the next tick.
/// </summary>
internal sealed partial class ExpirySweeper : IAsyncDisposable
{
    private readonly Func<int, CancellationToken, Task<int>> _deleteBatch;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task _current = Task.CompletedTask;
    private long _sweeps;

    public ExpirySweeper(Func<int, CancellationToken, Task<int>> deleteBatch, int batchSize, TimeSpan interval, TimeProvider clock, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _deleteBatch = deleteBatch;
        _logger = logger;
        BatchSize = batchSize;
        Interval = interval;
        _timer = clock.CreateTimer(static state => ((ExpirySweeper)state!).OnTick(), this, interval, interval);
    }

    public int BatchSize { get; }

    public TimeSpan Interval { get; }

    /// <summary>How many timer-started sweeps have finished (successfully or not).</summary>
    public long CompletedSweeps => Interlocked.Read(ref _sweeps);

    /// <summary>Deletes every row expired now, in batches; returns how many were deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        int total = 0;
        int deleted;
        do
        {
            deleted = await _deleteBatch(BatchSize, cancellationToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted >= BatchSize);

        return total;
    }

    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task current;
        lock (_gate)
        {
            current = _current;
        }

        await current.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private void OnTick()
    {
        lock (_gate)
        {
            if (!_current.IsCompleted || _stopping.IsCancellationRequested)
            {
                return;
            }

            _current = Task.Run(TickAsync);
        }
    }

    private async Task TickAsync()
    {
        try
        {
            int deleted = await SweepAsync(_stopping.Token).ConfigureAwait(false);
            if (deleted > 0)
            {
                LogSwept(_logger, deleted);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogSweepFailed(_logger, e);
        }
        finally
        {
            Interlocked.Increment(ref _sweeps);
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "Deleted {Count} expired rows")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Deleting expired rows failed; retrying on the next sweep")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
