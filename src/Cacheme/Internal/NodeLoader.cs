namespace CachemeNet.Internal;

/// <summary>A load that replaces <see cref="CacheNode{T}.LoadAsync"/> for one read; created only on a miss.</summary>
internal abstract class NodeLoader<T>
{
    public abstract ValueTask<T> LoadAsync(CancellationToken cancellationToken);
}

/// <summary>Calls a (typically static, non-capturing) function with the state the caller passed, so callers allocate no closure.</summary>
internal sealed class StateNodeLoader<T, TState>(TState state, Func<TState, CancellationToken, ValueTask<T>> load) : NodeLoader<T>
{
    public override ValueTask<T> LoadAsync(CancellationToken cancellationToken) => load(state, cancellationToken);
}

/// <summary>
/// What a read hands down to make its <see cref="NodeLoader{T}"/>: <see cref="Create"/> is called only when the read leads a
/// flight, so a caller that joins one allocates no loader.
/// </summary>
internal interface INodeLoaderSource<T>
{
    /// <summary>The loader for the flight this read leads; null for the node's own <see cref="CacheNode{T}.LoadAsync"/>.</summary>
    NodeLoader<T>? Create();
}

/// <summary>The node loads itself (<see cref="CacheNode{T}.LoadAsync"/>).</summary>
internal readonly struct NodeOwnLoader<T> : INodeLoaderSource<T>
{
    public NodeLoader<T>? Create() => null;
}

/// <summary>A <see cref="StateNodeLoader{T, TState}"/> made when the read leads.</summary>
internal readonly struct StateLoaderSource<T, TState>(TState state, Func<TState, CancellationToken, ValueTask<T>> load) : INodeLoaderSource<T>
{
    public NodeLoader<T>? Create() => new StateNodeLoader<T, TState>(state, load);
}
