using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CachemeNet.Extensions.Internal;

/// <summary>
/// When each tag was last invalidated (UTC ticks), stored under <c>{prefix}:__tag:{tag}</c> in the shared remote tier
/// (8 bytes, little-endian, no expiry) and cached in process for a short time. The tag <c>*</c> invalidates every entry.
/// Without a remote tier the times live in this process only.
/// </summary>
internal sealed partial class TagInvalidations(CachemeClient client, IRemoteStorage? shared, TimeSpan cacheDuration)
{
    public const string AllTag = "*";

    private readonly ConcurrentDictionary<string, Known> _known = new(StringComparer.Ordinal);
    private readonly ILogger _logger = client.LoggerFactory.CreateLogger("Cacheme.Hybrid");
    private volatile bool _anyInvalidated; // in this process; set after the first invalidation is recorded

    /// <summary>The latest invalidation time over <paramref name="tags"/> and <c>*</c>; 0 when none was invalidated.</summary>
    public ValueTask<long> LatestAsync(string[]? tags, CancellationToken cancellationToken)
    {
        if (shared is not null)
        {
            return LatestSharedAsync(tags, cancellationToken);
        }

        // Without a shared tier the times live in this process only: nothing goes stale, nothing is fetched, no clock is read,
        // and until a tag is first invalidated there is nothing to look up.
        if (!_anyInvalidated)
        {
            return new ValueTask<long>(0);
        }

        long latest = KnownTicks(AllTag);
        foreach (string tag in tags ?? [])
        {
            latest = Math.Max(latest, KnownTicks(tag));
        }

        return new ValueTask<long>(latest);
    }

    private long KnownTicks(string tag) => _known.TryGetValue(tag, out Known known) ? known.Ticks : 0;

    private async ValueTask<long> LatestSharedAsync(string[]? tags, CancellationToken cancellationToken)
    {
        long now = client.TimeProvider.GetTimestamp();
        List<string>? stale = null;
        long latest = Lookup(AllTag, now, ref stale);
        foreach (string tag in tags ?? [])
        {
            latest = Math.Max(latest, Lookup(tag, now, ref stale));
        }

        if (stale is null)
        {
            return latest;
        }

        IReadOnlyList<byte[]?> values;
        try
        {
            values = await shared!.GetManyAsync([.. stale.Select(Key)], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogReadFailed(_logger, stale.Count, e);
            return latest; // keep the last known times; retried on the next call
        }

        for (int i = 0; i < stale.Count; i++)
        {
            long ticks = values[i] is { Length: 8 } bytes ? BinaryPrimitives.ReadInt64LittleEndian(bytes) : 0;
            // Static lambdas with the value as argument: a capturing one would allocate its closure on every call, hits included.
            Known known = _known.AddOrUpdate(stale[i], static (_, fetched) => fetched, static (_, old, fetched) => fetched with { Ticks = Math.Max(old.Ticks, fetched.Ticks) }, new Known(ticks, now));
            latest = Math.Max(latest, known.Ticks);
        }

        return latest;
    }

    /// <summary>Marks <paramref name="tag"/> invalidated now: entries with it created until now are stale.</summary>
    public async ValueTask InvalidateAsync(string tag, CancellationToken cancellationToken)
    {
        long ticks = client.TimeProvider.GetUtcNow().UtcTicks;
        _known.AddOrUpdate(tag, new Known(ticks, client.TimeProvider.GetTimestamp()), (_, old) => new Known(Math.Max(old.Ticks, ticks), old.Fetched));
        _anyInvalidated = true;
        if (shared is not null)
        {
            var bytes = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, ticks);
            await shared.SetAsync(Key(tag), bytes, null, cancellationToken).ConfigureAwait(false);
        }
    }

    private long Lookup(string tag, long now, ref List<string>? stale)
    {
        bool found = _known.TryGetValue(tag, out Known known);
        if (!found || client.TimeProvider.GetElapsedTime(known.Fetched, now) >= cacheDuration)
        {
            (stale ??= []).Add(tag);
        }

        return found ? known.Ticks : 0;
    }

    private string Key(string tag) => string.Concat(client.Prefix, ":__tag:", tag);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Reading {Count} tag invalidation time(s) from the shared tier failed; using the last known times")]
    private static partial void LogReadFailed(ILogger logger, int count, Exception exception);

    private readonly record struct Known(long Ticks, long Fetched);
}
