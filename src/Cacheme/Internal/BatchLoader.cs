using System.Diagnostics.CodeAnalysis;

namespace CachemeNet.Internal;

/// <summary>Calls a node type's static <see cref="IBatchLoadNode{TNode, T}.LoadAllAsync"/> through a non-generic-over-TNode face.</summary>
internal abstract class BatchLoader<T>
{
    public abstract ValueTask<IReadOnlyList<T>> LoadAllAsync(IReadOnlyList<CacheNode<T>> nodes, CancellationToken cancellationToken);

    /// <summary>The batch loader of <paramref name="nodeType"/>, or null when it does not implement <see cref="IBatchLoadNode{TNode, T}"/>.</summary>
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Instantiated over the user's own node type, which the user's code references.")]
    [UnconditionalSuppressMessage("Trimming", "IL2055", Justification = "Instantiated over the user's own node type.")]
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Interfaces of the user's own node type.")]
    [UnconditionalSuppressMessage("Trimming", "IL2077", Justification = "Adapter type is internal and kept.")]
    public static BatchLoader<T>? For(Type nodeType)
    {
        bool implemented = nodeType.GetInterfaces().Any(i =>
            i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IBatchLoadNode<,>) &&
            i.GenericTypeArguments[0] == nodeType && i.GenericTypeArguments[1] == typeof(T));
        if (!implemented)
        {
            return null;
        }

        Type adapter = typeof(BatchLoader<,>).MakeGenericType(nodeType, typeof(T));
        return (BatchLoader<T>)Activator.CreateInstance(adapter)!;
    }
}

/// <summary>The adapter for one node type.</summary>
internal sealed class BatchLoader<TNode, T> : BatchLoader<T>
    where TNode : CacheNode<T>, IBatchLoadNode<TNode, T>
{
    public override ValueTask<IReadOnlyList<T>> LoadAllAsync(IReadOnlyList<CacheNode<T>> nodes, CancellationToken cancellationToken)
    {
        var typed = new TNode[nodes.Count];
        for (int i = 0; i < typed.Length; i++)
        {
            typed[i] = (TNode)nodes[i];
        }

        return TNode.LoadAllAsync(typed, cancellationToken);
    }
}
