using System.Collections.Concurrent;
using CachemeNet.Internal;

namespace CachemeNet;

/// <content>What a client tells about itself: its name and its nodes' configuration and statistics.</content>
public sealed partial class CachemeClient
{
    private readonly ConcurrentDictionary<string, string> _storageUrls = new(StringComparer.Ordinal);

    /// <summary>The client's name (<see cref="CachemeOptions.Name"/>): the <c>client</c> tag of its metrics and its label on the dashboard.</summary>
    public string Name { get; }

    internal IEnumerable<NodeRuntime> Runtimes => _runtimes.Values;

    /// <summary>Every node this client has served (built nodes included), with configuration and statistics, in name order.</summary>
    public IReadOnlyList<NodeReport> Describe() =>
    [
        .. _runtimes.Values.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => new NodeReport
        {
            Node = r.Name,
            NodeType = r.NodeType?.FullName,
            Version = r.Meta.Version ?? string.Empty,
            Serializer = r.Meta.Serializer?.GetType().Name ?? string.Empty,
            Doorkeeper = r.Meta.Doorkeeper is not null,
            FailSafe = r.Meta.FailSafe is { } failSafe && failSafe > TimeSpan.Zero ? failSafe : null,
            EagerRefresh = r.Meta.EagerRefresh,
            Tiers = [.. r.Tiers.Select(t => new TierReport(t.Name, t.Local is null ? "remote" : "local", _storageUrls.GetValueOrDefault(t.Name, string.Empty), t.Ttl))],
            Stats = r.Counters.Snapshot(),
        }),
    ];

    private static string ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name;
    }
}
