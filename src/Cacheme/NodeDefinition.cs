using CachemeNet.Internal;
using CachemeNet.Internal.Local;

namespace CachemeNet;

/// <summary>
/// A node kind built at run time (cacheme's <c>build_node</c>): key-only nodes with their own configuration and their
/// own statistics. Create with <see cref="CachemeClient.BuildNode{T}"/>, then make nodes with <see cref="Create"/>.
/// </summary>
/// <typeparam name="T">The cached value type.</typeparam>
public sealed class NodeDefinition<T> : IRemembersRuntime
{
    internal NodeDefinition(string name, NodeMeta meta)
    {
        Name = name;
        Meta = meta;
    }

    /// <summary>The node's name, as shown in statistics.</summary>
    public string Name { get; }

    /// <summary>The runtime of the client that served this definition first, so reads skip the client's runtime lookup.</summary>
    internal NodeRuntime<T>? Runtime { get; set; }

    /// <inheritdoc/>
    void IRemembersRuntime.Forget(CachemeClient client)
    {
        if (Runtime is { } remembered && ReferenceEquals(remembered.Client, client))
        {
            Runtime = null;
        }
    }

    /// <summary>The node's configuration.</summary>
    public NodeMeta Meta { get; }

    /// <summary>Makes a node for <paramref name="key"/> that loads with <paramref name="loader"/>.</summary>
    /// <param name="key">The node key, without prefix and version.</param>
    /// <param name="loader">Loads the value on a miss.</param>
    public CacheNode<T> Create(string key, Func<CancellationToken, ValueTask<T>> loader)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(loader);
        return new BuiltNode(this, key, loader);
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>The hash of the node this definition creates for <paramref name="key"/>, computed without creating it.</summary>
    internal int HashOf(string key) => HashCode.Combine(this, StringComparer.Ordinal.GetHashCode(key));

    /// <summary>Recognises, in a local tier, the node this definition creates for <paramref name="key"/> (its hash is <see cref="HashOf"/>).</summary>
    internal KeyProbe ProbeFor(string key) => new(this, key);

    /// <summary>Matches the stored node of one definition and key, so a local tier is read without creating the node.</summary>
    internal readonly struct KeyProbe(NodeDefinition<T> owner, string key) : IKeyProbe<object>
    {
        public bool Matches(object candidate) => candidate is BuiltNode node && node.Is(owner, key);
    }

    private sealed record BuiltNode(NodeDefinition<T> Owner, string NodeKey, Func<CancellationToken, ValueTask<T>> Loader) : CacheNode<T>
    {
        public override NodeMeta Meta => Owner.Meta;

        internal override object Definition => Owner;

        public override string Key() => NodeKey;

        public override ValueTask<T> LoadAsync(CancellationToken cancellationToken) => Loader(cancellationToken);

        // Two built nodes are the same cache entry when they share a definition and a key; the loader does not matter.
        public bool Equals(BuiltNode? other) => other is not null && Is(other.Owner, other.NodeKey);

        /// <summary>Whether this is the node <paramref name="owner"/> creates for <paramref name="key"/>.</summary>
        public bool Is(NodeDefinition<T> owner, string key) => ReferenceEquals(Owner, owner) && string.Equals(NodeKey, key, StringComparison.Ordinal);

        public override int GetHashCode() => Owner.HashOf(NodeKey);
    }
}

/// <summary>A node definition that remembers the runtime of the client that first served it.</summary>
internal interface IRemembersRuntime
{
    /// <summary>Drops the remembered runtime if it is <paramref name="client"/>'s (the client is being disposed).</summary>
    void Forget(CachemeClient client);
}
