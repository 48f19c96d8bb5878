namespace CachemeNet.Internal;

/// <summary>The batched read path behind GetAllAsync.</summary>
internal sealed partial class NodeRuntime<T>
{
    /// <summary>Reads <paramref name="indices"/> of <paramref name="nodes"/> into <paramref name="results"/>.</summary>
    public async Task GetManyAsync(IReadOnlyList<CacheNode<T>> nodes, IReadOnlyList<int> indices, T[] results, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // 1. Leading local tiers, per node. Their hits due for an eager refresh are reloaded together (RefreshMany).
        Dictionary<string, KeyGroup>? groups = null;
        List<DueRefresh>? due = _eagerRefresh is null ? null : [];
        foreach (int index in indices)
        {
            CacheNode<T> node = nodes[index];
            string? key = null, nsVersion = null;
            if (node.Namespace() is not null)
            {
                (key, nsVersion) = await ResolveKeyAsync(node, cancellationToken).ConfigureAwait(false);
            }

            if (TryLeadingLocal(node, nsVersion, default(NodeOwnLoader<T>), out T local, due))
            {
                results[index] = local;
                continue;
            }

            key ??= FullKey(node, null, null);
            groups ??= new Dictionary<string, KeyGroup>(StringComparer.Ordinal);
            if (groups.TryGetValue(key, out KeyGroup? group))
            {
                group.Indices.Add(index);
            }
            else
            {
                groups[key] = new KeyGroup(node, nsVersion, index);
            }
        }

        if (due is { Count: > 0 })
        {
            RefreshMany(due);
        }

        if (groups is null)
        {
            return;
        }

        // 2. Join what is in flight; lead the rest as one batch.
        List<KeyGroup>? led = null;
        foreach ((string key, KeyGroup group) in groups)
        {
            group.Flight = _flights.JoinOrLead(key, out bool leader);
            group.Leader = leader;
            if (leader)
            {
                (led ??= []).Add(group);
            }
        }

        if (led is not null)
        {
            _ = RunBatchAsync(led);
        }

        // 3. Wait for every key with the caller's token; count each requested node.
        Exception? failure = null;
        KeyGroup[] waiting = [.. groups.Values];
        for (int g = 0; g < waiting.Length; g++)
        {
            KeyGroup group = waiting[g];
            Flight<T> flight = group.Flight!;
            T value;
            try
            {
                value = cancellationToken.CanBeCanceled
                    ? await flight.Task.WaitAsync(cancellationToken).ConfigureAwait(false)
                    : await flight.Task.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                for (int rest = g; rest < waiting.Length; rest++)
                {
                    _flights.Leave(waiting[rest].Flight!);
                    _counters.Misses.Add(waiting[rest].Indices.Count);
                }

                throw;
            }
            catch (Exception e)
            {
                failure ??= e;
                _counters.Misses.Add(group.Indices.Count);
                continue;
            }

            CountServed(flight, group.Leader);
            _counters.Hits.Add(group.Indices.Count - 1);
            foreach (int index in group.Indices)
            {
                results[index] = value;
            }
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>
    /// Looks the node up in the leading local tiers under a known namespace version; keyed by the node itself, no
    /// allocation on a hit. A hit due for an eager refresh starts it, or, with <paramref name="due"/>, is added there for
    /// the caller to start with others (<see cref="RefreshMany"/>).
    /// </summary>
    private bool TryLeadingLocal<TLoader>(CacheNode<T> node, string? nsVersion, TLoader loader, out T value, List<DueRefresh>? due = null)
        where TLoader : struct, INodeLoaderSource<T>
    {
        for (int i = 0; i < _leadingLocal; i++)
        {
            long clears = i > 0 ? _client.LocalClears.Snapshot() : 0; // before the read: see CopyToEarlierLocals
            if (_tiers[i].Local!.TryGet(node, out object? stored) && ReadLocal(stored, nsVersion, out value) == Freshness.Fresh)
            {
                if (i > 0)
                {
                    CopyToEarlierLocals(node, value, nsVersion, i, clears);
                }

                _counters.TierHit(i);
                if (_eagerRefresh is not null && RefreshDue(stored))
                {
                    ValueStamp stamp = Stamp(_tiers[i], stored, default);
                    if (due is not null)
                    {
                        due.Add(new DueRefresh(node, nsVersion, value, stamp, null));
                    }
                    else
                    {
                        StartRefresh(node, nsVersion, value, stamp, loader.Create());
                    }
                }

                return true;
            }
        }

        value = default!;
        return false;
    }

    /// <summary>
    /// Copies a value found in local tier <paramref name="found"/> to the local tiers before it. No flight covers this
    /// copy, so the fence does what <see cref="WriteLocals"/>' check of the flight does: an invalidation that removed the
    /// key while the value was read and copied (<paramref name="clears"/> is the snapshot taken before the read) would
    /// otherwise be undone by the copy, which then served the old value until its TTL. Then nothing is copied, or the
    /// copies are removed again.
    /// </summary>
    private void CopyToEarlierLocals(CacheNode<T> node, T value, string? nsVersion, int found, long clears)
    {
        if (clears < 0)
        {
            return; // a clear is running
        }

        for (int j = 0; j < found; j++)
        {
            SetLocal(_tiers[j], node, value, nsVersion);
        }

        if (!_client.LocalClears.Unchanged(clears))
        {
            for (int j = 0; j < found; j++)
            {
                _tiers[j].Local!.Remove(node);
            }
        }
    }

    /// <summary>The leader's work for a batch of keys: one batched read per remaining tier, one batched load, batched write-back.</summary>
    private async Task RunBatchAsync(List<KeyGroup> led)
    {
        using var batchAbandon = new CancellationTokenSource();
        List<CancellationTokenRegistration> registrations = WhenAllAbandoned(led, batchAbandon);
        CancellationToken token = batchAbandon.Token;
        try
        {
            List<KeyGroup> pending = led;
            List<KeyGroup> hits = [];
            for (int i = 0; i < _tiers.Length && pending.Count > 0; i++)
            {
                Tier tier = _tiers[i];
                var stillMissing = new List<KeyGroup>(pending.Count);
                IReadOnlyList<byte[]?>? found = tier.Remote is null ? null : await ReadRemoteManyAsync(tier, pending, token).ConfigureAwait(false);
                for (int k = 0; k < pending.Count; k++)
                {
                    KeyGroup group = pending[k];
                    T value = default!;
                    Freshness freshness = Freshness.Missing;
                    byte[]? bytes = null;
                    object? stored = null;
                    DateTimeOffset writtenAt = default;
                    if (tier.Local is { } local)
                    {
                        if (local.TryGet(group.Node, out stored))
                        {
                            freshness = ReadLocal(stored, group.NamespaceVersion, out value);
                        }
                    }
                    else if (found![k] is { } remote)
                    {
                        bytes = remote;
                        freshness = ReadRemote(tier, group.Flight!.Key, bytes, out value, out writtenAt);
                    }

                    if (freshness == Freshness.Fresh)
                    {
                        group.Hit(i, value, _failSafe is null ? bytes : null);
                        group.RefreshDueStamp = RefreshDueStamp(tier, stored, writtenAt);
                        hits.Add(group);
                        continue;
                    }

                    if (freshness == Freshness.Stale && !group.HasStale)
                    {
                        group.SetStale(value);
                    }

                    stillMissing.Add(group);
                }

                pending = stillMissing;
            }

            // Loads start before the hits' remote write-back so neither waits for the other.
            Task<Outcome[]>? loads = pending.Count > 0 ? LoadManyAsync(pending, token) : null;

            foreach (KeyGroup group in hits)
            {
                if (group.Bytes is null && HasRemote(group.Tier))
                {
                    group.Bytes = Encode(group.Value);
                }

                WriteLocals(group.Flight!, group.Node, group.Value, group.NamespaceVersion, group.Tier);
                group.Flight!.HitTier = group.Tier;
                group.Flight.SetResult(group.Value);
            }

            await WriteRemotesManyAsync(hits, token).ConfigureAwait(false);

            if (loads is not null)
            {
                await WriteLoadedAsync(pending, await loads.ConfigureAwait(false), token).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            foreach (KeyGroup group in led)
            {
                group.Flight!.SetException(e);
            }
        }
        finally
        {
            foreach (CancellationTokenRegistration registration in registrations)
            {
                await registration.DisposeAsync().ConfigureAwait(false);
            }

            foreach (KeyGroup group in led)
            {
                _flights.Remove(group.Flight!);
            }

            // Started once the batch's flights have left the table, so the refresh leads its own.
            List<DueRefresh>? due = _eagerRefresh is null ? null : [];
            foreach (KeyGroup group in led)
            {
                if (group.RefreshDueStamp is { } stamp && group.Flight!.Task.IsCompletedSuccessfully)
                {
                    (due ??= []).Add(new DueRefresh(group.Node, group.NamespaceVersion, group.Value, stamp, group.Flight.Key));
                }
            }

            if (due is not null)
            {
                RefreshMany(due);
            }
        }
    }

    /// <summary>
    /// Settles the flights of <paramref name="pending"/> with their load <paramref name="outcomes"/> (a failed load serves
    /// the group's stale value when it has one), writes the admitted values to the local tiers, then to each remote tier
    /// in one batched write.
    /// </summary>
    private async Task WriteLoadedAsync(List<KeyGroup> pending, Outcome[] outcomes, CancellationToken token)
    {
        var admitted = new List<KeyGroup>(pending.Count);
        for (int k = 0; k < pending.Count; k++)
        {
            KeyGroup group = pending[k];
            if (outcomes[k].Error is { } error)
            {
                if (group.HasStale)
                {
                    group.Flight!.SetStale(group.Stale);
                }
                else
                {
                    group.Flight!.SetException(error);
                }

                continue;
            }

            T value = outcomes[k].Value;
            if (Admit(group.Flight!.Key))
            {
                group.Hit(_tiers.Length, value, HasRemote(_tiers.Length) ? Encode(value) : null);
                WriteLocals(group.Flight, group.Node, value, group.NamespaceVersion, _tiers.Length);
                admitted.Add(group);
            }

            group.Flight.SetResult(value);
        }

        await WriteRemotesManyAsync(admitted, token).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the eager refreshes a GetAllAsync call found due. With a batch loader (<see cref="IBatchLoadNode{TNode, T}"/>)
    /// and more than one key, they reload as one batch: each key whose load is not already running gets a flight of its
    /// own (standing on its current value, as <see cref="StartRefresh"/> does), and one call to the batch loader fills them.
    /// Otherwise each key starts its own refresh.
    /// </summary>
    private void RefreshMany(List<DueRefresh> due)
    {
        if (_batchLoader is null || due.Count == 1)
        {
            foreach (DueRefresh refresh in due)
            {
                StartRefresh(refresh.Node, refresh.NamespaceVersion, refresh.Current, refresh.Stamp, null, refresh.Key);
            }

            return;
        }

        var led = new List<(KeyGroup Group, T Current, long CurrentWrittenUtcTicks)>(due.Count);
        foreach (DueRefresh refresh in due)
        {
            if (LeadRefresh(refresh.Node, refresh.NamespaceVersion, refresh.Current, refresh.Stamp.FreshUntilUtcTicks, refresh.Key) is not { } flight)
            {
                continue;
            }

            var group = new KeyGroup(refresh.Node, refresh.NamespaceVersion, 0) { Flight = flight, Leader = true };
            if (_failSafe is not null)
            {
                group.SetStale(refresh.Current);
            }

            led.Add((group, refresh.Current, refresh.Stamp.WrittenUtcTicks));
        }

        if (led.Count > 0)
        {
            _ = Task.Run(() => RefreshManyAsync(led));
        }
    }

    /// <summary>
    /// The reload behind <see cref="RefreshMany"/>: as <see cref="RefreshAsync"/> per key (a key whose distributed load
    /// lease another process holds is not reloaded), then one batched load and batched write-back for the rest.
    /// </summary>
    private async Task RefreshManyAsync(List<(KeyGroup Group, T Current, long CurrentWrittenUtcTicks)> led)
    {
        List<KeyGroup> groups = led.ConvertAll(static l => l.Group);
        using var batchAbandon = new CancellationTokenSource();
        List<CancellationTokenRegistration> registrations = WhenAllAbandoned(groups, batchAbandon);
        CancellationToken token = batchAbandon.Token;
        var leases = new List<(string Key, string Lease)>();
        try
        {
            var pending = new List<KeyGroup>(led.Count);
            foreach ((KeyGroup group, T current, long currentWritten) in led)
            {
                if (_loadLease is { } leaseLength)
                {
                    (bool heldElsewhere, string? lease) = await TryLoadLeaseAsync(group.Flight!.Key, leaseLength, token).ConfigureAwait(false);
                    if (heldElsewhere)
                    {
                        group.Flight.SetResult(current);
                        continue;
                    }

                    if (lease is not null)
                    {
                        leases.Add((group.Flight.Key, lease));
                        if (await ReadSharedAfterLeaseAsync(group.Flight.Key, currentWritten, token).ConfigureAwait(false) is (true, T written, _))
                        {
                            // Refreshed by the process that held the lease before: take its value instead of reloading.
                            WriteLocals(group.Flight, group.Node, written, group.NamespaceVersion, _sharedTierIndex);
                            group.Flight.HitTier = _sharedTierIndex;
                            group.Flight.SetResult(written);
                            continue;
                        }
                    }
                }

                pending.Add(group);
            }

            if (pending.Count > 0)
            {
                _counters.EagerRefreshes.Add(pending.Count);
                await WriteLoadedAsync(pending, await LoadManyAsync(pending, token).ConfigureAwait(false), token).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            foreach (KeyGroup group in groups)
            {
                group.Flight!.SetException(e); // no-op for the flights already settled
            }
        }
        finally
        {
            foreach (CancellationTokenRegistration registration in registrations)
            {
                await registration.DisposeAsync().ConfigureAwait(false);
            }

            foreach (KeyGroup group in groups)
            {
                _flights.Remove(group.Flight!);
            }

            foreach ((string key, string lease) in leases)
            {
                await ReleaseLoadLeaseAsync(key, lease).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Cancels <paramref name="batchAbandon"/> once every flight of the batch has been abandoned by its waiters.</summary>
    private static List<CancellationTokenRegistration> WhenAllAbandoned(List<KeyGroup> led, CancellationTokenSource batchAbandon)
    {
        var remaining = new StrongBox(led.Count);
        var registrations = new List<CancellationTokenRegistration>(led.Count);
        foreach (KeyGroup group in led)
        {
            registrations.Add(group.Flight!.Token.Register(() =>
            {
                if (Interlocked.Decrement(ref remaining.Value) == 0)
                {
                    batchAbandon.Cancel();
                }
            }));
        }

        return registrations;
    }

    private async ValueTask<IReadOnlyList<byte[]?>> ReadRemoteManyAsync(Tier tier, List<KeyGroup> groups, CancellationToken token)
    {
        var keys = new string[groups.Count];
        for (int k = 0; k < keys.Length; k++)
        {
            keys[k] = groups[k].Flight!.Key;
        }

        try
        {
            IReadOnlyList<byte[]?> found = await tier.Remote!.GetManyAsync(keys, token).ConfigureAwait(false);
            if (found.Count != keys.Length)
            {
                throw new InvalidOperationException($"Storage '{tier.Name}' returned {found.Count} values for {keys.Length} keys.");
            }

            return found;
        }
        catch (Exception e) when (IsTierFailure(e, token))
        {
            TierFailed(tier, "get-many", e);
            return new byte[]?[keys.Length];
        }
    }

    /// <summary>For each remote tier, one batched write of the groups that missed it (those served by a later tier or loaded).</summary>
    private async Task WriteRemotesManyAsync(List<KeyGroup> groups, CancellationToken token)
    {
        if (groups.Count == 0)
        {
            return;
        }

        for (int i = 0; i < _tiers.Length; i++)
        {
            Tier tier = _tiers[i];
            if (tier.Remote is null)
            {
                continue;
            }

            var items = new List<KeyValuePair<string, ReadOnlyMemory<byte>>>(groups.Count);
            var written = new List<KeyGroup>(groups.Count);
            foreach (KeyGroup group in groups)
            {
                if (group.Tier > i && group.Bytes is not null && !group.Flight!.Forgotten)
                {
                    items.Add(KeyValuePair.Create(group.Flight!.Key, (ReadOnlyMemory<byte>)group.Bytes));
                    written.Add(group);
                }
            }

            if (items.Count == 0)
            {
                continue;
            }

            try
            {
                await tier.Remote.SetManyAsync(items, StoredTtl(tier), token).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTierFailure(e, token))
            {
                TierFailed(tier, "set-many", e);
            }

            foreach (KeyGroup group in written)
            {
                if (group.Flight!.Forgotten)
                {
                    await DeleteWrittenBackAsync(tier, group.Flight.Key, group.Node).ConfigureAwait(false); // invalidated during the write
                }
            }
        }
    }

    /// <summary>Loads the missing keys: one call to the node type's batch loader when it has one, else every node's loader concurrently.</summary>
    private async Task<Outcome[]> LoadManyAsync(List<KeyGroup> pending, CancellationToken token)
    {
        var outcomes = new Outcome[pending.Count];
        if (_batchLoader is not null)
        {
            var batch = new CacheNode<T>[pending.Count];
            for (int k = 0; k < batch.Length; k++)
            {
                batch[k] = pending[k].Node;
            }

            long started = Time.GetTimestamp();
            try
            {
                IReadOnlyList<T> values = await _batchLoader.LoadAllAsync(batch, token).ConfigureAwait(false);
                if (values is null || values.Count != batch.Length)
                {
                    throw new InvalidOperationException($"{Name}.LoadAllAsync returned {values?.Count ?? 0} values for {batch.Length} nodes; it must return one value per node, in order.");
                }

                _counters.LoadSuccesses.Add(batch.Length);
                for (int k = 0; k < outcomes.Length; k++)
                {
                    outcomes[k] = new Outcome(values[k], null);
                }
            }
            catch (Exception e)
            {
                _counters.LoadFailures.Add(batch.Length);
                if (e is not OperationCanceledException)
                {
                    Log.LoadFailed(Logger, Name, $"{batch.Length} keys (batch)", e);
                }

                Array.Fill(outcomes, new Outcome(default!, e));
            }
            finally
            {
                _counters.LoadTime(Time.GetElapsedTime(started));
            }

            return outcomes;
        }

        var tasks = new Task<T>[pending.Count];
        for (int k = 0; k < tasks.Length; k++)
        {
            tasks[k] = LoadAsync(pending[k].Node, null, pending[k].Flight!.Key, token).AsTask();
        }

        for (int k = 0; k < tasks.Length; k++)
        {
            try
            {
                outcomes[k] = new Outcome(await tasks[k].ConfigureAwait(false), null);
            }
            catch (Exception e)
            {
                outcomes[k] = new Outcome(default!, e);
            }
        }

        return outcomes;
    }

    private readonly record struct Outcome(T Value, Exception? Error);

    /// <summary>A value a GetAllAsync call found due for an eager refresh: what <see cref="StartRefresh"/> takes.</summary>
    private readonly record struct DueRefresh(CacheNode<T> Node, string? NamespaceVersion, T Current, ValueStamp Stamp, string? Key);

    private sealed class StrongBox(int value)
    {
        public int Value = value;
    }

    /// <summary>The requested positions of one full key in a GetAllAsync call, and how it was served.</summary>
    private sealed class KeyGroup(CacheNode<T> node, string? namespaceVersion, int firstIndex)
    {
        public CacheNode<T> Node { get; } = node;

        public string? NamespaceVersion { get; } = namespaceVersion;

        public bool HasStale { get; private set; }

        public T Stale { get; private set; } = default!;

        public List<int> Indices { get; } = [firstIndex];

        public Flight<T>? Flight { get; set; }

        public bool Leader { get; set; }

        /// <summary>The tier that served the value (the chain length when loaded); tiers before it are written back.</summary>
        public int Tier { get; private set; }

        public T Value { get; private set; } = default!;

        public byte[]? Bytes { get; set; }

        /// <summary>
        /// Set when the fresh value that served the group is past its eager refresh point (and this batch claimed the
        /// refresh): when that value was written and until when it is fresh.
        /// </summary>
        public ValueStamp? RefreshDueStamp { get; set; }

        public void SetStale(T value)
        {
            HasStale = true;
            Stale = value;
        }

        public void Hit(int tier, T value, byte[]? bytes)
        {
            Tier = tier;
            Value = value;
            Bytes = bytes;
        }
    }
}
