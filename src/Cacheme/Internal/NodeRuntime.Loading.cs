namespace CachemeNet.Internal;

/// <summary>Reads whose miss is loaded by a caller-supplied function instead of the node's own LoadAsync.</summary>
internal sealed partial class NodeRuntime<T>
{
    /// <summary>
    /// Like <see cref="GetAsync(CacheNode{T}, CancellationToken)"/>, but a miss calls <paramref name="load"/> with <paramref name="state"/>.
    /// A hit in a leading local tier allocates nothing; the loader object is created only when the caller leads a flight (a joiner creates none).
    /// </summary>
    public ValueTask<T> GetAsync<TState>(CacheNode<T> node, TState state, Func<TState, CancellationToken, ValueTask<T>> load, CancellationToken cancellationToken) =>
        TryServeLeadingLocal(node, new StateLoaderSource<T, TState>(state, load), out T value)
            ? new ValueTask<T>(value)
            : GetThroughFlight(node, new StateLoaderSource<T, TState>(state, load), cancellationToken);
}
