using System.Collections.Concurrent;
using CachemeNet;

namespace CachemeNet.Tests;

/// <summary>A loader the test controls: counts calls per key, can be gated and can fail.</summary>
public sealed class TestSource
{
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private int _total;

    public int Total => Volatile.Read(ref _total);

    /// <summary>When set, loads wait for this task before returning.</summary>
    public Task? Gate { get; set; }

    /// <summary>When set, loads throw it (after the gate).</summary>
    public Exception? Failure { get; set; }

    /// <summary>Completed with the loader's token each time a load starts.</summary>
    public ConcurrentQueue<CancellationToken> Tokens { get; } = new();

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Appended to every loaded value, so tests can tell loads apart.</summary>
    public string Suffix { get; set; } = "";

    public int Calls(string key) => _calls.GetValueOrDefault(key);

    /// <summary>Calls of <see cref="LoadManyAsync"/>.</summary>
    public int BatchCalls => Volatile.Read(ref _batchCalls);

    private int _batchCalls;

    /// <summary>One batch call: counted once, then each key as <see cref="LoadAsync"/> counts it.</summary>
    public async ValueTask<IReadOnlyList<string>> LoadManyAsync(IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _batchCalls);
        var values = new List<string>();
        foreach (string key in keys)
        {
            values.Add(await LoadAsync(key, cancellationToken));
        }

        return values;
    }

    public async ValueTask<string> LoadAsync(string key, CancellationToken cancellationToken)
    {
        _calls.AddOrUpdate(key, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _total);
        Tokens.Enqueue(cancellationToken);
        Started.TrySetResult();
        if (Gate is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }

        if (Failure is { } failure)
        {
            throw failure;
        }

        return $"value:{key}{Suffix}";
    }
}

/// <summary>A node over <see cref="TestSource"/> with a configurable chain, set per test through <see cref="Configure"/>.</summary>
public sealed record ItemNode(string Id, TestSource Source, NodeMeta Config) : CacheNode<string>
{
    public override NodeMeta Meta => Config;

    public override string Key() => $"item:{Id}";

    public override ValueTask<string> LoadAsync(CancellationToken cancellationToken) => Source.LoadAsync(Id, cancellationToken);
}

/// <summary>An <see cref="ItemNode"/> (same keys) whose type also loads in batches, through the first node's <see cref="TestSource"/>.</summary>
public sealed record BatchSourceNode(string Id, TestSource Source, NodeMeta Config) : CacheNode<string>, IBatchLoadNode<BatchSourceNode, string>
{
    public override NodeMeta Meta => Config;

    public override string Key() => $"item:{Id}";

    public override ValueTask<string> LoadAsync(CancellationToken cancellationToken) => Source.LoadAsync(Id, cancellationToken);

    public static ValueTask<IReadOnlyList<string>> LoadAllAsync(IReadOnlyList<BatchSourceNode> nodes, CancellationToken cancellationToken) =>
        nodes[0].Source.LoadManyAsync(nodes.Select(n => n.Id), cancellationToken);
}

/// <summary>A node type with a static batch loader.</summary>
public sealed record BatchItemNode(int Id) : CacheNode<string>, IBatchLoadNode<BatchItemNode, string>
{
    public static NodeMeta Config { get; set; } = new() { Caches = [new Cache("local", null)] };

    public static int BatchCalls;
    public static int SingleCalls;

    public override NodeMeta Meta => Config;

    public override string Key() => $"batch:{Id}";

    public override ValueTask<string> LoadAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref SingleCalls);
        return ValueTask.FromResult($"single:{Id}");
    }

    public static ValueTask<IReadOnlyList<string>> LoadAllAsync(IReadOnlyList<BatchItemNode> nodes, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref BatchCalls);
        return ValueTask.FromResult<IReadOnlyList<string>>([.. nodes.Select(n => $"batch:{n.Id}")]);
    }
}

/// <summary>A namespaced node: every tenant's keys can be dropped at once.</summary>
public sealed record TenantUserNode(int TenantId, int UserId, TestSource Source, NodeMeta Config) : CacheNode<string>
{
    public override NodeMeta Meta => Config;

    public override string Key() => $"tenant:{TenantId}:user:{UserId}";

    public override string? Namespace() => $"tenant:{TenantId}";

    public override ValueTask<string> LoadAsync(CancellationToken cancellationToken) => Source.LoadAsync($"{TenantId}/{UserId}", cancellationToken);
}
