namespace CachemeNet.Internal;

/// <summary>
/// Natural batching: items queue up while up to <c>maxInFlight</c> batches are being flushed; an idle queue flushes the
/// first item at once, and each flush takes everything that queued meanwhile (up to <c>maxBatch</c>). The flush function
/// completes the items itself and must not throw.
/// </summary>
internal sealed class BatchQueue<TItem>(int maxBatch, int maxInFlight, Func<TItem[], Task> flush)
{
    private readonly Lock _lock = new();
    private readonly Queue<TItem> _queue = new();
    private int _inFlight;

    public void Enqueue(TItem item)
    {
        lock (_lock)
        {
            _queue.Enqueue(item);
            if (_inFlight >= maxInFlight)
            {
                return;
            }

            _inFlight++;
        }

        _ = PumpAsync();
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            TItem[] batch;
            lock (_lock)
            {
                if (_queue.Count == 0)
                {
                    _inFlight--;
                    return;
                }

                batch = new TItem[Math.Min(_queue.Count, maxBatch)];
                for (int i = 0; i < batch.Length; i++)
                {
                    batch[i] = _queue.Dequeue();
                }
            }

            await flush(batch).ConfigureAwait(false);
        }
    }
}
