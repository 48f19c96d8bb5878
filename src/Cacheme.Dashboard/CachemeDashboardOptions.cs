namespace CachemeNet.Dashboard;

/// <summary>Options of <see cref="CachemeDashboardEndpoints.MapCachemeDashboard"/>.</summary>
public sealed class CachemeDashboardOptions
{
    /// <summary>
    /// This process's clients to show. When empty, the container's <see cref="CachemeClient"/> is used if registered,
    /// else <see cref="Cacheme.Default"/>.
    /// </summary>
    public IList<CachemeClient> Clients { get; } = [];

    /// <summary>Where the fleet's instances publish their snapshots (see <see cref="FleetPublisher"/>); null shows this process only.</summary>
    public IFleetStore? Fleet { get; set; }

    /// <summary>How often the page polls the API. Defaults to 1 second.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The page title. Defaults to <c>Cacheme</c>.</summary>
    public string Title { get; set; } = "Cacheme";
}
