using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CachemeNet;

/// <summary>Options of a <see cref="CachemeClient"/>.</summary>
public sealed class CachemeOptions
{
    /// <summary>The client's name, as shown in metrics (tag <c>client</c>) and on the dashboard. Defaults to <c>default</c>.</summary>
    public string Name { get; set; } = "default";

    /// <summary>The key prefix: full keys are <c>{prefix}:{key}:{version}</c>. Defaults to <c>cacheme</c>.</summary>
    public string Prefix { get; set; } = "cacheme";

    /// <summary>The clock for TTLs, load times and envelopes. Defaults to <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How long this process trusts its cached copy of a namespace's version before reading it again from the shared tier. Defaults to 1 second.</summary>
    public TimeSpan NamespaceCacheDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Timeouts and circuit breaking for remote tiers.</summary>
    public TierResilienceOptions TierResilience { get; set; } = new();

    /// <summary>Where log messages go. Defaults to none.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;
}
