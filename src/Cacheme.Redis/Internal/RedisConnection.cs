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
            return await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new StorageConnectionException(storage, e);
        }
    }
}
