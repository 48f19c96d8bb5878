namespace CachemeNet;

/// <summary>Reads that load a miss with a caller-supplied function; the runtime side of <see cref="MemoizeAttribute"/>.</summary>
public sealed partial class CachemeClient
{
    /// <summary>
    /// Reads a node through its tier chain like <see cref="GetAsync{T}(CacheNode{T}, CancellationToken)"/>, but loads a miss with
    /// <paramref name="load"/> instead of the node's <see cref="CacheNode{T}.LoadAsync"/>. The node still decides the key, the
    /// configuration and the statistics. Pass what the loader needs as <paramref name="state"/> and a <c>static</c> lambda as
    /// <paramref name="load"/>: a read served by a local tier then allocates nothing. Code generated for <see cref="MemoizeAttribute"/> uses this.
    /// </summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="TState">The loader's state, e.g. a tuple of the owning object and the method arguments.</typeparam>
    /// <param name="node">The node.</param>
    /// <param name="state">Passed to <paramref name="load"/>.</param>
    /// <param name="load">Loads the value; called once per key however many callers wait, with a token that is cancelled when every waiter has given up.</param>
    /// <param name="cancellationToken">Ends this caller's wait.</param>
    /// <returns>The value.</returns>
    public ValueTask<T> GetAsync<T, TState>(CacheNode<T> node, TState state, Func<TState, CancellationToken, ValueTask<T>> load, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(load);
        return Runtime(node).GetAsync(node, state, load, cancellationToken);
    }

    /// <summary>Invalidates the node, then reads it again, loading with <paramref name="load"/> (see <see cref="GetAsync{T, TState}"/>).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="TState">The loader's state.</typeparam>
    /// <param name="node">The node.</param>
    /// <param name="state">Passed to <paramref name="load"/>.</param>
    /// <param name="load">Loads the value.</param>
    /// <param name="cancellationToken">Cancels the refresh.</param>
    /// <returns>The freshly loaded value.</returns>
    public async ValueTask<T> RefreshAsync<T, TState>(CacheNode<T> node, TState state, Func<TState, CancellationToken, ValueTask<T>> load, CancellationToken cancellationToken = default)
    {
        await InvalidateAsync(node, cancellationToken).ConfigureAwait(false);
        return await GetAsync(node, state, load, cancellationToken).ConfigureAwait(false);
    }
}
