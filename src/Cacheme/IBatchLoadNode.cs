namespace CachemeNet;

/// <summary>
/// Implemented by a node type that can load many of its nodes in one call (one SQL query, one HTTP request).
/// <see cref="CachemeClient.GetAllAsync{T}(IEnumerable{CacheNode{T}}, CancellationToken)"/> then loads every missing node with one call
/// instead of calling <see cref="CacheNode{T}.LoadAsync"/> once per node.
/// </summary>
/// <typeparam name="TNode">The node type itself.</typeparam>
/// <typeparam name="T">The cached value type.</typeparam>
public interface IBatchLoadNode<TNode, T> where TNode : CacheNode<T>, IBatchLoadNode<TNode, T>
{
    /// <summary>Loads the values of <paramref name="nodes"/>, returning exactly one value per node, in the same order.</summary>
    /// <param name="nodes">The nodes to load; distinct by key.</param>
    /// <param name="cancellationToken">Cancelled when the batch is abandoned.</param>
    static abstract ValueTask<IReadOnlyList<T>> LoadAllAsync(IReadOnlyList<TNode> nodes, CancellationToken cancellationToken);
}
