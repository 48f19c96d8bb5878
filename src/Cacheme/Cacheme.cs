namespace CachemeNet;

/// <summary>
/// The static entry point: every member forwards to <see cref="Default"/>, a process-wide <see cref="CachemeClient"/>.
/// </summary>
public static class Cacheme
{
    /// <summary>The default client.</summary>
    public static CachemeClient Default { get; } = new();

    /// <inheritdoc cref="CachemeClient.RegisterStorageAsync"/>
    public static Task RegisterStorageAsync(string name, Storage storage, CancellationToken cancellationToken = default) =>
        Default.RegisterStorageAsync(name, storage, cancellationToken);

    /// <inheritdoc cref="CachemeClient.GetAsync{T}"/>
    public static ValueTask<T> GetAsync<T>(CacheNode<T> node, CancellationToken cancellationToken = default) =>
        Default.GetAsync(node, cancellationToken);

    /// <inheritdoc cref="CachemeClient.GetAllAsync{T}"/>
    public static ValueTask<IReadOnlyList<T>> GetAllAsync<T>(IEnumerable<CacheNode<T>> nodes, CancellationToken cancellationToken = default) =>
        Default.GetAllAsync(nodes, cancellationToken);

    /// <inheritdoc cref="CachemeClient.InvalidateAsync{T}"/>
    public static ValueTask InvalidateAsync<T>(CacheNode<T> node, CancellationToken cancellationToken = default) =>
        Default.InvalidateAsync(node, cancellationToken);

    /// <inheritdoc cref="CachemeClient.SetAsync{T}"/>
    public static ValueTask SetAsync<T>(CacheNode<T> node, T value, CancellationToken cancellationToken = default) =>
        Default.SetAsync(node, value, cancellationToken);

    /// <inheritdoc cref="CachemeClient.RefreshAsync{T}"/>
    public static ValueTask<T> RefreshAsync<T>(CacheNode<T> node, CancellationToken cancellationToken = default) =>
        Default.RefreshAsync(node, cancellationToken);

    /// <inheritdoc cref="CachemeClient.InvalidateNamespaceAsync"/>
    public static Task InvalidateNamespaceAsync(string ns, CancellationToken cancellationToken = default) =>
        Default.InvalidateNamespaceAsync(ns, cancellationToken);

    /// <inheritdoc cref="CachemeClient.Stats{TNode}()"/>
    public static NodeStats Stats<TNode>() => Default.Stats<TNode>();

    /// <inheritdoc cref="CachemeClient.Nodes"/>
    public static IReadOnlyList<Type> Nodes() => Default.Nodes();

    /// <inheritdoc cref="CachemeClient.SetPrefix"/>
    public static void SetPrefix(string prefix) => Default.SetPrefix(prefix);

    /// <inheritdoc cref="CachemeClient.BuildNode{T}"/>
    public static NodeDefinition<T> BuildNode<T>(string name, NodeMeta meta) => Default.BuildNode<T>(name, meta);
}
