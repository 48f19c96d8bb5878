namespace CachemeNet;

/// <summary>
/// Base class of a typed cache node: one kind of cached thing, such as "a user's profile".
/// Derive a <c>record</c> from it so that two nodes with the same fields are equal; the local tiers are
/// keyed by the node itself, so nodes that are equal as records must return the same <see cref="Key"/>.
/// </summary>
/// <typeparam name="T">The type of the cached value.</typeparam>
public abstract record CacheNode<T>
{
    /// <summary>The node type's configuration: version, tier chain, serializer and doorkeeper. Return one shared instance.</summary>
    public abstract NodeMeta Meta { get; }

    /// <summary>The node's key, without prefix and version; for example <c>user:42:info</c>. Must not be empty.</summary>
    public abstract string Key();

    /// <summary>
    /// The node's namespace, built from its fields (for example <c>$"tenant:{TenantId}"</c>), or <see langword="null"/> (the
    /// default) for none. <see cref="CachemeClient.InvalidateNamespaceAsync"/> makes every key of a namespace miss at once,
    /// in every tier and every instance, without scanning: the namespace's current version is part of every full key.
    /// </summary>
    public virtual string? Namespace() => null;

    /// <summary>Loads the value from the source of truth. Called once per key however many callers wait.</summary>
    /// <param name="cancellationToken">Cancelled when every caller waiting for this load has given up.</param>
    public abstract ValueTask<T> LoadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Identifies the node definition that configuration and statistics belong to. For ordinary nodes this is the CLR type;
    /// nodes built at run time with <see cref="CachemeClient.BuildNode{T}"/> return their definition.
    /// </summary>
    internal virtual object Definition => GetType();
}
