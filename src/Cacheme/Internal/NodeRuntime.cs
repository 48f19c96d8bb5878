using Microsoft.Extensions.Logging;

namespace CachemeNet.Internal;

/// <summary>What a client knows about one node definition: its resolved tiers, counters and in-flight table.</summary>
internal abstract class NodeRuntime(string name, Type? nodeType, NodeMeta meta, Tier[] tiers)
{
    public string Name { get; } = name;

    /// <summary>The CLR node type, or null for nodes built at run time.</summary>
    public Type? NodeType { get; } = nodeType;

    public NodeMeta Meta { get; } = meta;

    public Tier[] Tiers { get; } = tiers;

    public NodeCounters Counters { get; } = new(name, [.. tiers.Select(t => t.Name)]);
}

/// <summary>The read path for nodes of value type <typeparamref name="T"/>.</summary>
internal sealed partial class NodeRuntime<T> : NodeRuntime
{
    private readonly CachemeClient _client;
    private readonly Tier[] _tiers;
    private readonly int _leadingLocal;
    private readonly ICacheSerializer _serializer;
    private readonly BloomFilter? _doorkeeper;
    private readonly BatchLoader<T>? _batchLoader;
    private readonly SingleFlight<T> _flights = new();
    private readonly NodeCounters _counters;
    private readonly string _version;

    public NodeRuntime(CachemeClient client, string name, Type? nodeType, NodeMeta meta, Tier[] tiers)
        : base(name, nodeType, meta, tiers)
    {
        _client = client;
        _tiers = tiers;
        _leadingLocal = Array.FindIndex(tiers, t => t.Local is null) is int firstRemote and >= 0 ? firstRemote : tiers.Length;
        _serializer = meta.Serializer ?? throw new ArgumentException($"Node {name} has no serializer.");
        _doorkeeper = meta.Doorkeeper;
        _batchLoader = nodeType is null ? null : BatchLoader<T>.For(nodeType);
        _counters = Counters;
        _version = meta.Version ?? string.Empty;
    }

    public int InFlightCount => _flights.Count;

    private ILogger Logger => _client.Logger;

    public string FullKey(CacheNode<T> node)
    {
        string key = node.Key();
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException($"Node {Name} returned an empty key from Key(); every node needs a non-empty key.", nameof(node));
        }

        return string.Concat(_client.Prefix, ":", key, ":", _version);
    }

    public ValueTask<T> GetAsync(CacheNode<T> node, CancellationToken cancellationToken)
    {
        // Leading local tiers: keyed by the node itself, synchronous, no allocation on a hit.
        for (int i = 0; i < _leadingLocal; i++)
        {
            if (_tiers[i].Local!.TryGet(node, out object? boxed))
            {
                for (int j = 0; j < i; j++)
                {
                    _tiers[j].Local!.Set(node, boxed, _tiers[j].Ttl);
                }

                _counters.TierHit(i);
                return new ValueTask<T>((T)boxed!);
            }
        }

        return GetThroughFlightAsync(node, null, cancellationToken);
    }

    private async ValueTask<T> GetThroughFlightAsync(CacheNode<T> node, NodeLoader<T>? loader, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string key = FullKey(node);
        Flight<T> flight = _flights.JoinOrLead(key, out bool leader);
        if (leader)
        {
            _ = RunAsync(node, loader, flight);
        }

        T value;
        try
        {
            value = await _flights.WaitAsync(flight, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _counters.Misses.Increment();
            throw;
        }

        CountServed(flight, leader);
        return value;
    }

    private void CountServed(Flight<T> flight, bool leader)
    {
        if (!leader)
        {
            _counters.Hits.Increment();
        }
        else if (flight.HitTier >= 0)
        {
            _counters.TierHit(flight.HitTier);
        }
        else
        {
            _counters.Misses.Increment();
        }
    }

    /// <summary>The leader's work for one key: the rest of the chain, then the loader, then write-back. Never throws.</summary>
    private async Task RunAsync(CacheNode<T> node, NodeLoader<T>? loader, Flight<T> flight)
    {
        CancellationToken token = flight.Token;
        string key = flight.Key;
        try
        {
            for (int i = _leadingLocal; i < _tiers.Length; i++)
            {
                Tier tier = _tiers[i];
                if (tier.Local is { } local)
                {
                    if (local.TryGet(node, out object? boxed))
                    {
                        await CompleteHitAsync(node, flight, i, (T)boxed!, null, token).ConfigureAwait(false);
                        return;
                    }

                    continue;
                }

                byte[]? bytes = await ReadRemoteAsync(tier, key, token).ConfigureAwait(false);
                if (bytes is not null && TryDecode(tier, key, bytes, out T found))
                {
                    await CompleteHitAsync(node, flight, i, found, bytes, token).ConfigureAwait(false);
                    return;
                }
            }

            T value = await LoadAsync(node, loader, key, token).ConfigureAwait(false);
            if (!Admit(key))
            {
                flight.SetResult(value);
                return;
            }

            byte[]? encoded = HasRemote(_tiers.Length) ? RemoteEnvelope.Encode(_serializer, value, _client.TimeProvider.GetUtcNow()) : null;
            WriteLocals(node, value, _tiers.Length);
            flight.SetResult(value);
            await WriteRemotesAsync(key, encoded, _tiers.Length, token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            flight.SetException(e);
        }
        finally
        {
            _flights.Remove(flight);
        }
    }

    private async Task CompleteHitAsync(CacheNode<T> node, Flight<T> flight, int hitTier, T value, byte[]? bytes, CancellationToken token)
    {
        flight.HitTier = hitTier;
        if (bytes is null && HasRemote(hitTier))
        {
            bytes = RemoteEnvelope.Encode(_serializer, value, _client.TimeProvider.GetUtcNow());
        }

        WriteLocals(node, value, hitTier);
        flight.SetResult(value);
        await WriteRemotesAsync(flight.Key, bytes, hitTier, token).ConfigureAwait(false);
    }

    private bool Admit(string key) => _doorkeeper is null || _doorkeeper.CheckAndAdd(key);

    private bool HasRemote(int upTo)
    {
        for (int i = 0; i < upTo; i++)
        {
            if (_tiers[i].Remote is not null)
            {
                return true;
            }
        }

        return false;
    }

    private void WriteLocals(CacheNode<T> node, T value, int upTo)
    {
        for (int i = 0; i < upTo; i++)
        {
            _tiers[i].Local?.Set(node, value, _tiers[i].Ttl);
        }
    }

    private async Task WriteRemotesAsync(string key, byte[]? bytes, int upTo, CancellationToken token)
    {
        if (bytes is null)
        {
            return;
        }

        for (int i = 0; i < upTo; i++)
        {
            Tier tier = _tiers[i];
            if (tier.Remote is null)
            {
                continue;
            }

            try
            {
                await tier.Remote.SetAsync(key, bytes, tier.Ttl, token).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTierFailure(e, token))
            {
                TierFailed(tier, "set", e);
            }
        }
    }

    private async ValueTask<byte[]?> ReadRemoteAsync(Tier tier, string key, CancellationToken token)
    {
        try
        {
            return await tier.Remote!.GetAsync(key, token).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTierFailure(e, token))
        {
            TierFailed(tier, "get", e);
            return null;
        }
    }

    private static bool IsTierFailure(Exception e, CancellationToken token) => !(e is OperationCanceledException && token.IsCancellationRequested);

    private void TierFailed(Tier tier, string operation, Exception e)
    {
        _counters.TierErrors.Increment();
        Log.TierFailed(Logger, tier.Name, operation, Name, e);
    }

    private bool TryDecode(Tier tier, string key, byte[] bytes, out T value)
    {
        if (RemoteEnvelope.TryDecode(_serializer, bytes, out value, out _, out string? error))
        {
            return true;
        }

        _counters.DecodeFailures.Increment();
        Log.Undecodable(Logger, Name, key, tier.Name, error!);
        return false;
    }

    private async ValueTask<T> LoadAsync(CacheNode<T> node, NodeLoader<T>? loader, string key, CancellationToken token)
    {
        long started = _client.TimeProvider.GetTimestamp();
        try
        {
            T value = loader is null
                ? await node.LoadAsync(token).ConfigureAwait(false)
                : await loader.LoadAsync(token).ConfigureAwait(false);
            _counters.LoadSuccesses.Increment();
            return value;
        }
        catch (Exception e)
        {
            _counters.LoadFailures.Increment();
            if (e is not OperationCanceledException)
            {
                Log.LoadFailed(Logger, Name, key, e);
            }

            throw;
        }
        finally
        {
            _counters.LoadTime(_client.TimeProvider.GetElapsedTime(started));
        }
    }

    public async ValueTask InvalidateAsync(CacheNode<T> node, CancellationToken cancellationToken)
    {
        string key = FullKey(node);
        _flights.Forget(key);
        List<Exception>? errors = null;
        foreach (Tier tier in _tiers)
        {
            if (tier.Local is { } local)
            {
                local.Remove(node);
                continue;
            }

            try
            {
                await tier.Remote!.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                TierFailed(tier, "delete", e);
                (errors ??= []).Add(e);
            }
        }

        if (errors is not null)
        {
            throw new AggregateException($"Invalidating {key} failed in {errors.Count} tier(s); other tiers were cleared.", errors);
        }
    }
}
