using Microsoft.Extensions.Logging;

namespace CachemeNet.Internal;

/// <summary>Cacheme's log messages, with stable event IDs (documented in the README).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Loading node {Node} key {Key} failed")]
    public static partial void LoadFailed(ILogger logger, string node, string key, Exception exception);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Tier {Tier} failed on {Operation} for node {Node}; continuing without it")]
    public static partial void TierFailed(ILogger logger, string tier, string operation, string node, Exception exception);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Undecodable value for node {Node} key {Key} in tier {Tier} ({Reason}); treated as a miss and reloaded")]
    public static partial void Undecodable(ILogger logger, string node, string key, string tier, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Tier {Tier} is failing; skipping it for {BreakDuration}")]
    public static partial void CircuitOpened(ILogger logger, string tier, TimeSpan breakDuration, Exception? exception);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Tier {Tier} answers again and is back in use")]
    public static partial void CircuitClosed(ILogger logger, string tier);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Debug, Message = "Tier {Tier} skipped for node {Node}: its circuit is open")]
    public static partial void TierSkipped(ILogger logger, string tier, string node);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Publishing the {Kind} invalidation of {Target} to the backplane failed; other instances keep their local copy until its TTL")]
    public static partial void BackplaneFailed(ILogger logger, string kind, string target, Exception exception);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Distributed load lock for {Key} unavailable; loading without it")]
    public static partial void LoadLockFailed(ILogger logger, string key, Exception exception);
}
