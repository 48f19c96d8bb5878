namespace CachemeNet.Internal;

/// <summary>
/// Request coalescing for a remote storage (the DataLoader pattern): single-key reads that arrive while earlier reads are
/// on the wire wait and go to the server together as one batched read (<c>MGET</c>); single-key writes likewise go out as
/// batched writes (one pipelined batch per TTL). An idle storage adds no delay: the first call leaves at once. At most
/// <c>maxInFlight</c> batched reads, and as many batched writes, are outstanding at a time.
/// </summary>
internal sealed class CoalescingRemoteStorage(IRemoteStorage inner, int maxBatch = 512, int maxInFlight = 2) : IRemoteStorage
{
    private readonly Lock _lock = new();
    private readonly Queue<Pending> _queue = new();
    private readonly Queue<PendingWrite> _writes = new();
    private int _inFlight;
    private int _writesInFlight;
    private long _reads;
    private long _batches;

    public IRemoteStorage Inner { get; } = inner;

    /// <summary>Single-key reads asked for.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>Calls made to the inner storage for them.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        var pending = new Pending(key);
        bool pump;
        lock (_lock)
        {
            _queue.Enqueue(pending);
            pump = _inFlight < maxInFlight;
            if (pump)
            {
                _inFlight++;
            }
        }

        if (pump)
        {
            _ = PumpAsync();
        }

        return new ValueTask<byte[]?>(cancellationToken.CanBeCanceled ? pending.Completion.Task.WaitAsync(cancellationToken) : pending.Completion.Task);
    }

    public ValueTask<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) => Inner.GetManyAsync(keys, cancellationToken);

    public ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite(key, value, ttl);
        bool pump;
        lock (_lock)
        {
            _writes.Enqueue(pending);
            pump = _writesInFlight < maxInFlight;
            if (pump)
            {
                _writesInFlight++;
            }
        }

        if (pump)
        {
            _ = PumpWritesAsync();
        }

        return new ValueTask(cancellationToken.CanBeCanceled ? pending.Completion.Task.WaitAsync(cancellationToken) : pending.Completion.Task);
    }

    public ValueTask SetManyAsync(IReadOnlyList<KeyValuePair<string, ReadOnlyMemory<byte>>> items, TimeSpan? ttl, CancellationToken cancellationToken) => Inner.SetManyAsync(items, ttl, cancellationToken);

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken) => Inner.DeleteAsync(key, cancellationToken);

    public ValueTask DisposeAsync() => Inner.DisposeAsync();

    private async Task PumpAsync()
    {
        while (true)
        {
            Pending[] batch;
            lock (_lock)
            {
                if (_queue.Count == 0)
                {
                    _inFlight--;
                    return;
                }

                batch = new Pending[Math.Min(_queue.Count, maxBatch)];
                for (int i = 0; i < batch.Length; i++)
                {
                    batch[i] = _queue.Dequeue();
                }
            }

            Interlocked.Increment(ref _batches);
            try
            {
                if (batch.Length == 1)
                {
                    batch[0].Completion.TrySetResult(await Inner.GetAsync(batch[0].Key, CancellationToken.None).ConfigureAwait(false));
                    continue;
                }

                var keys = new string[batch.Length];
                for (int i = 0; i < keys.Length; i++)
                {
                    keys[i] = batch[i].Key;
                }

                IReadOnlyList<byte[]?> values = await Inner.GetManyAsync(keys, CancellationToken.None).ConfigureAwait(false);
                for (int i = 0; i < batch.Length; i++)
                {
                    batch[i].Completion.TrySetResult(values[i]);
                }
            }
            catch (Exception e)
            {
                foreach (Pending pending in batch)
                {
                    pending.Completion.TrySetException(e);
                }
            }
        }
    }

    private async Task PumpWritesAsync()
    {
        while (true)
        {
            PendingWrite[] batch;
            lock (_lock)
            {
                if (_writes.Count == 0)
                {
                    _writesInFlight--;
                    return;
                }

                batch = new PendingWrite[Math.Min(_writes.Count, maxBatch)];
                for (int i = 0; i < batch.Length; i++)
                {
                    batch[i] = _writes.Dequeue();
                }
            }

            // One batched write per distinct TTL in the batch (a tier writes with one TTL, so usually one).
            foreach (IGrouping<TimeSpan?, PendingWrite> group in batch.GroupBy(w => w.Ttl))
            {
                PendingWrite[] writes = [.. group];
                try
                {
                    if (writes.Length == 1)
                    {
                        await Inner.SetAsync(writes[0].Key, writes[0].Value, group.Key, CancellationToken.None).ConfigureAwait(false);
                    }
                    else
                    {
                        await Inner.SetManyAsync([.. writes.Select(w => KeyValuePair.Create(w.Key, w.Value))], group.Key, CancellationToken.None).ConfigureAwait(false);
                    }

                    foreach (PendingWrite write in writes)
                    {
                        write.Completion.TrySetResult();
                    }
                }
                catch (Exception e)
                {
                    foreach (PendingWrite write in writes)
                    {
                        write.Completion.TrySetException(e);
                    }
                }
            }
        }
    }

    private sealed class PendingWrite(string key, ReadOnlyMemory<byte> value, TimeSpan? ttl)
    {
        public string Key { get; } = key;

        public ReadOnlyMemory<byte> Value { get; } = value;

        public TimeSpan? Ttl { get; } = ttl;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Pending(string key)
    {
        public string Key { get; } = key;

        public TaskCompletionSource<byte[]?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
