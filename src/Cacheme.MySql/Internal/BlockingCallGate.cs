namespace CachemeNet.MySql.Internal;

/// <summary>
/// Runs calls that block (a driver whose async methods are synchronous) on thread-pool threads, at most
/// <c>capacity</c> at a time, so the caller's thread is never blocked and no more threads block than there are
/// pooled connections. Waiting for a slot is asynchronous and cancellable.
/// </summary>
internal sealed class BlockingCallGate(int capacity) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(capacity, capacity);

    public int Capacity { get; } = capacity;

    /// <summary>Calls currently running (holding a slot).</summary>
    public int Running => Capacity - _slots.CurrentCount;

    public void Dispose() => _slots.Dispose();

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => call(cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }
}
