namespace CachemeNet.Dashboard;

/// <summary>One client in one process at one moment: what each instance publishes and the dashboard lists.</summary>
public sealed record InstanceSnapshot
{
    /// <summary>A fleet-unique id (<c>{host}/{process id}/{client name}</c> unless set).</summary>
    public required string Instance { get; init; }

    /// <summary>The client's name.</summary>
    public required string Client { get; init; }

    /// <summary>The machine name.</summary>
    public required string Host { get; init; }

    /// <summary>The process id.</summary>
    public int ProcessId { get; init; }

    /// <summary>When the snapshot was taken, on the publisher's clock.</summary>
    public DateTimeOffset PublishedAt { get; init; }

    /// <summary>The client's nodes with configuration and statistics.</summary>
    public required IReadOnlyList<NodeReport> Nodes { get; init; }

    /// <summary>Takes a snapshot of <paramref name="client"/> now.</summary>
    /// <param name="client">The client.</param>
    /// <param name="instance">The instance id, or null for <see cref="DefaultInstanceId"/>.</param>
    public static InstanceSnapshot Of(CachemeClient client, string? instance = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new InstanceSnapshot
        {
            Instance = instance ?? DefaultInstanceId(client),
            Client = client.Name,
            Host = Environment.MachineName,
            ProcessId = Environment.ProcessId,
            PublishedAt = client.TimeProvider.GetUtcNow(),
            Nodes = client.Describe(),
        };
    }

    /// <summary>The default instance id of a client in this process: <c>{host}/{process id}/{client name}</c>.</summary>
    /// <param name="client">The client.</param>
    public static string DefaultInstanceId(CachemeClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return $"{Environment.MachineName}/{Environment.ProcessId}/{client.Name}";
    }
}

/// <summary>One node across every instance that serves it: configuration (from the first instance) and summed statistics.</summary>
public sealed record NodeSummary
{
    /// <summary>The node's name.</summary>
    public required string Node { get; init; }

    /// <summary>How many instances serve it.</summary>
    public int Instances { get; init; }

    /// <summary>The configuration, as reported by the first instance serving it.</summary>
    public required NodeReport Configuration { get; init; }

    /// <summary>The statistics summed over instances.</summary>
    public required NodeStats Stats { get; init; }
}

/// <summary>What the dashboard page polls: every instance, and every node summed over them.</summary>
public sealed record DashboardSnapshot
{
    /// <summary>When the dashboard built this, on its clock.</summary>
    public DateTimeOffset GeneratedAt { get; init; }

    /// <summary>The instances, this process's first, then the fleet's by id.</summary>
    public required IReadOnlyList<InstanceSnapshot> Instances { get; init; }

    /// <summary>The nodes, summed over instances, by name.</summary>
    public required IReadOnlyList<NodeSummary> Nodes { get; init; }
}
