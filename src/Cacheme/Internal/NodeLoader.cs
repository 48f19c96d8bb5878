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
