using StackExchange.Redis;

namespace CachemeNet.Redis.Internal;

/// <summary>
/// Opens a plain multiplexer from a <c>redis://</c> URL for the parts of Cacheme that talk to Redis without being a storage
/// (the backplane, the dashboard's fleet store): one URL grammar (<see cref="RedisUrl"/>) and one error shape everywhere.
/// </summary>
internal static class RedisConnection
{
    /// <exception cref="ArgumentException">The URL is not a <c>redis://</c> or <c>rediss://</c> URL, or has an invalid part.</exception>
    /// <exception cref="StorageConnectionException">Redis cannot be reached; the message hides the password.</exception>
    public static async Task<ConnectionMultiplexer> ConnectAsync(string url, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        var storage = new Storage(url);
        if (storage.Scheme is not ("redis" or "rediss"))
        {
            throw new ArgumentException($"'{storage.RedactedUrl}' is not a Redis URL; expected redis://[:password@]host:port[/db].", nameof(url));
        }

        ConfigurationOptions options = RedisUrl.Parse(storage);
        try
        {
            return await OpenAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new StorageConnectionException(storage, e);
        }
    }

    /// <summary>
    /// Connects, ending the wait when <paramref name="cancellationToken"/> fires. The connect itself cannot be cancelled:
    /// a multiplexer it still produces is disposed then, or (with <c>abortConnect=false</c>) it would go on reconnecting
    /// for the life of the process.
    /// </summary>
    public static async Task<ConnectionMultiplexer> OpenAsync(ConfigurationOptions options, CancellationToken cancellationToken)
    {
        Task<ConnectionMultiplexer> connecting = ConnectionMultiplexer.ConnectAsync(options);
        try
        {
            return await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _ = connecting.ContinueWith(
                static t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        t.Result.Dispose();
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            throw;
        }
    }
}
