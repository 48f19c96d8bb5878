using System.Globalization;
using CachemeNet.Redis.Internal;
using StackExchange.Redis;

namespace CachemeNet.Redis;

/// <summary>
/// A backplane over Redis pub/sub: every client attached with <see cref="CachemeClient.AttachBackplaneAsync"/> to the same
/// Redis and channel hears the others' invalidations and drops the affected entries from its local tiers.
/// </summary>
/// <example>
/// <code>
/// await client.AttachBackplaneAsync(await RedisBackplane.ConnectAsync("redis://127.0.0.1:6379"));
/// </code>
/// </example>
public sealed class RedisBackplane : ICacheBackplane
{
    private const string FormatVersion = "1";
    private const int ConfirmAttempts = 200;
    private static readonly TimeSpan ConfirmInterval = TimeSpan.FromMilliseconds(50);
    private readonly ConnectionMultiplexer _connection;
    private readonly RedisChannel _channel;
    private long _received;
    private long _undecodable;
    private long _resubscribed;
    private Func<CacheInvalidation, ValueTask>? _handler;

    private RedisBackplane(ConnectionMultiplexer connection, string channel)
    {
        _connection = connection;
        _channel = new RedisChannel(channel, RedisChannel.PatternMode.Literal);
    }

    /// <summary>Messages received (including this instance's own, which the client ignores).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Messages on the channel that were not Cacheme invalidations and were ignored.</summary>
    public long Undecodable => Interlocked.Read(ref _undecodable);

    /// <summary>
    /// How many times the connection came back after a loss, the subscription was confirmed again and the handler had
    /// handled a <see cref="CacheInvalidationKind.All"/> message (what was published meanwhile is lost).
    /// </summary>
    public long Resubscribed => Interlocked.Read(ref _resubscribed);

    /// <summary>Connects to Redis for pub/sub.</summary>
    /// <param name="url">A <c>redis://</c> URL, as for a Redis storage.</param>
    /// <param name="channel">The channel; instances that should hear each other use the same one.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <exception cref="StorageConnectionException">Redis cannot be reached.</exception>
    public static async Task<RedisBackplane> ConnectAsync(string url, string channel = "cacheme:invalidations", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        return new RedisBackplane(await RedisConnection.ConnectAsync(url, cancellationToken).ConfigureAwait(false), channel);
    }

    /// <inheritdoc />
    public async ValueTask PublishAsync(CacheInvalidation message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _connection.GetSubscriber().PublishAsync(_channel, Encode(message)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Returns once Redis has the subscription: a message published after it returns is heard, whether or not the client
    /// library's <c>SubscribeAsync</c> waits for the server (older versions did not; see <see cref="ConfirmSubscribedAsync"/>).
    /// </remarks>
    /// <exception cref="TimeoutException">Redis did not confirm the subscription within 10 seconds.</exception>
    public async ValueTask SubscribeAsync(Func<CacheInvalidation, ValueTask> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        cancellationToken.ThrowIfCancellationRequested();
        ISubscriber subscriber = _connection.GetSubscriber();
        Action<RedisChannel, RedisValue> onMessage = (channel, value) =>
        {
            Interlocked.Increment(ref _received);
            if (Decode(value) is { } message)
            {
                _ = handler(message).AsTask();
            }
            else
            {
                Interlocked.Increment(ref _undecodable);
            }
        };
        try
        {
            await SubscribeChannelAsync(subscriber, onMessage, cancellationToken).ConfigureAwait(false);
            await ConfirmSubscribedAsync(subscriber, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The caller is told the subscription failed, so its handler must not hear anything: the client library
            // drops the handler at once; the server's UNSUBSCRIBE is not waited for (Redis may be the reason we failed).
            UnsubscribeInBackground(subscriber, _channel, onMessage);
            throw;
        }

        if (Interlocked.Exchange(ref _handler, handler) is null)
        {
            _connection.ConnectionRestored += OnConnectionRestored;
        }
    }

    /// <summary>
    /// Sends SUBSCRIBE. The client library keeps a separate connection for pub/sub, which may still be connecting just
    /// after <see cref="ConnectAsync"/> returns, and with <c>BacklogPolicy.FailFast</c> a command sent then fails at once;
    /// so a refused SUBSCRIBE is taken back (else the handler would be registered twice) and sent again, for as long as
    /// the subscription may take to confirm.
    /// </summary>
    private async Task SubscribeChannelAsync(ISubscriber subscriber, Action<RedisChannel, RedisValue> onMessage, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await subscriber.SubscribeAsync(_channel, onMessage).WaitAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RedisConnectionException) when (attempt < ConfirmAttempts)
            {
                UnsubscribeInBackground(subscriber, _channel, onMessage);
                await Task.Delay(ConfirmInterval, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static void UnsubscribeInBackground(ISubscriber subscriber, RedisChannel channel, Action<RedisChannel, RedisValue>? handler)
    {
        _ = UnsubscribeAsync();

        async Task UnsubscribeAsync()
        {
            try
            {
                await subscriber.UnsubscribeAsync(channel, handler).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
            {
                // The connection is gone or closing; the server drops its subscriptions with it.
            }
        }
    }

    /// <summary>
    /// Redis pub/sub does not replay what was published while this connection was down, so once it is back (and the
    /// subscription confirmed again) the handler is told that anything may have changed.
    /// </summary>
    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => _ = ResubscribedAsync();

    private async Task ResubscribedAsync()
    {
        try
        {
            await ConfirmSubscribedAsync(_connection.GetSubscriber(), CancellationToken.None).ConfigureAwait(false);
            if (Volatile.Read(ref _handler) is { } handler)
            {
                await handler(new CacheInvalidation(CacheInvalidationKind.All, string.Empty, string.Empty, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds())).ConfigureAwait(false);
            }

            Interlocked.Increment(ref _resubscribed); // counted once handled, so whoever watches it sees the effect
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            // Lost again, or disposed: the next restore tries again.
        }
    }

    /// <summary>
    /// Waits until Redis has applied this connection's subscriptions: a probe channel of this instance's own is subscribed
    /// after the channel, on the same connection (which Redis serves in order), and published to until Redis reports one
    /// receiver; then it is unsubscribed.
    /// </summary>
    private async Task ConfirmSubscribedAsync(ISubscriber subscriber, CancellationToken cancellationToken)
    {
        var probe = new RedisChannel($"{_channel}:probe:{Guid.NewGuid():N}", RedisChannel.PatternMode.Literal);
        await subscriber.SubscribeAsync(probe, static (_, _) => { }).WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (int attempt = 0; await subscriber.PublishAsync(probe, "probe").WaitAsync(cancellationToken).ConfigureAwait(false) == 0; attempt++)
            {
                if (attempt == ConfirmAttempts)
                {
                    throw new TimeoutException($"Redis did not confirm the subscription to {_channel} within {ConfirmAttempts * ConfirmInterval.TotalSeconds:0} seconds.");
                }

                await Task.Delay(ConfirmInterval, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            UnsubscribeInBackground(subscriber, probe, null); // not waited for: a caller that cancelled returns at once
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _connection.ConnectionRestored -= OnConnectionRestored;
        Volatile.Write(ref _handler, null);
        await _connection.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
        _connection.Dispose();
    }

    // Wire format: "1|{kind}|{sent-at unix ms}|{sender}|{target}"; the target comes last so it may contain '|'.
    internal static string Encode(CacheInvalidation message) => string.Create(CultureInfo.InvariantCulture,
        $"{FormatVersion}|{(int)message.Kind}|{message.SentAtUnixMs}|{message.Sender.Replace('|', '/')}|{message.Target}");

    internal static CacheInvalidation? Decode(string? text)
    {
        string[]? parts = text?.Split('|', 5);
        if (parts is not { Length: 5 } || parts[0] != FormatVersion
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int kind)
            || !Enum.IsDefined((CacheInvalidationKind)kind)
            || !long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long sentAt))
        {
            return null;
        }

        return new CacheInvalidation((CacheInvalidationKind)kind, parts[4], parts[3], sentAt);
    }
}
