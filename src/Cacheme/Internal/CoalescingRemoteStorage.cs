namespace CachemeNet.Internal;

/// <summary>
/// Request coalescing for a remote storage (the DataLoader pattern): single-key reads that arrive while earlier reads are
/// on the wire wait and go to the server together as one batched read (<c>MGET</c>); single-key writes likewise go out as
/// batched writes (one pipelined batch per TTL). An idle storage adds no delay: the first call leaves at once. At most
/// <c>maxInFlight</c> batched reads, and as many batched writes, are outstanding at a time.
/// </summary>
internal sealed class CoalescingRemoteStorage : IRemoteStorage
{
    private readonly BatchQueue<PendingRead> _reads;
    private readonly BatchQueue<PendingWrite> _writes;

    public CoalescingRemoteStorage(IRemoteStorage inner, int maxBatch = 512, int maxInFlight = 2)
    {
        Inner = inner;
        _reads = new BatchQueue<PendingRead>(maxBatch, maxInFlight, ReadBatchAsync);
        _writes = new BatchQueue<PendingWrite>(maxBatch, maxInFlight, WriteBatchAsync);
    }

    public IRemoteStorage Inner { get; }

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var pending = new PendingRead(key);
        _reads.Enqueue(pending);
        return new ValueTask<byte[]?>(cancellationToken.CanBeCanceled ? pending.Completion.Task.WaitAsync(cancellationToken) : pending.Completion.Task);
    }

    public ValueTask<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) => Inner.GetManyAsync(keys, cancellationToken);

    public ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite(key, value, ttl);
        _writes.Enqueue(pending);
        return new ValueTask(cancellationToken.CanBeCanceled ? pending.Completion.Task.WaitAsync(cancellationToken) : pending.Completion.Task);
    }

    public ValueTask SetManyAsync(IReadOnlyList<KeyValuePair<string, ReadOnlyMemory<byte>>> items, TimeSpan? ttl, CancellationToken cancellationToken) => Inner.SetManyAsync(items, ttl, cancellationToken);

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken) => Inner.DeleteAsync(key, cancellationToken);

    public ValueTask DisposeAsync() => Inner.DisposeAsync();

    private async Task ReadBatchAsync(PendingRead[] batch)
    {
        try
        {
            if (batch.Length == 1)
            {
                batch[0].Completion.TrySetResult(await Inner.GetAsync(batch[0].Key, CancellationToken.None).ConfigureAwait(false));
                return;
            }

            IReadOnlyList<byte[]?> values = await Inner.GetManyAsync([.. batch.Select(r => r.Key)], CancellationToken.None).ConfigureAwait(false);
            for (int i = 0; i < batch.Length; i++)
            {
                batch[i].Completion.TrySetResult(values[i]);
            }
        }
        catch (Exception e)
        {
            foreach (PendingRead read in batch)
            {
                read.Completion.TrySetException(e);
            }
        }
    }

    /// <summary>One batched write per distinct TTL in the batch (a tier writes with one TTL, so usually one).</summary>
    private async Task WriteBatchAsync(PendingWrite[] batch)
    {
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

    private sealed class PendingRead(string key)
    {
        public string Key { get; } = key;

        public TaskCompletionSource<byte[]?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class PendingWrite(string key, ReadOnlyMemory<byte> value, TimeSpan? ttl)
    {
        public string Key { get; } = key;

        public ReadOnlyMemory<byte> Value { get; } = value;

        public TimeSpan? Ttl { get; } = ttl;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
