using System.Globalization;
using System.Net;
using CachemeNet.Dashboard.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CachemeNet.Dashboard;

/// <summary>Maps the Cacheme dashboard: an HTML page with live charts and its JSON API.</summary>
public static class CachemeDashboardEndpoints
{
    private static readonly Lazy<string> PageTemplate = new(() =>
    {
        using Stream stream = typeof(CachemeDashboardEndpoints).Assembly.GetManifestResourceStream("CachemeNet.Dashboard.dashboard.html")
            ?? throw new InvalidOperationException("The dashboard page is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>
    /// Maps under <paramref name="pattern"/>: <c>GET {pattern}</c> the HTML page (charts of hit rate, request rate and average
    /// load time per node, and the instance list, refreshed every <see cref="CachemeDashboardOptions.RefreshInterval"/>),
    /// <c>GET {pattern}/api/snapshot</c> (<see cref="DashboardSnapshot"/>), <c>GET {pattern}/api/instances</c> (each
    /// <see cref="InstanceSnapshot"/>) and <c>GET {pattern}/api/nodes</c> (<see cref="NodeSummary"/> per node, summed over instances).
    /// JSON is camelCase with durations in milliseconds. Returns the route group, e.g. to add <c>RequireAuthorization()</c>.
    /// </summary>
    /// <param name="endpoints">The app or route builder.</param>
    /// <param name="pattern">The path prefix. Defaults to <c>/cacheme</c>.</param>
    /// <param name="configure">Sets clients, fleet store and refresh interval.</param>
    public static RouteGroupBuilder MapCachemeDashboard(this IEndpointRouteBuilder endpoints, string pattern = "/cacheme", Action<CachemeDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var options = new CachemeDashboardOptions();
        configure?.Invoke(options);
        if (options.RefreshInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("RefreshInterval must be positive.", nameof(configure));
        }

        IServiceProvider services = endpoints.ServiceProvider;
        CachemeClient[] clients = options.Clients.Count > 0 ? [.. options.Clients] : [services.GetService<CachemeClient>() ?? Cacheme.Default];
        ILogger logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("Cacheme.Dashboard");
        var source = new SnapshotSource(clients, options.Fleet, services.GetService<TimeProvider>() ?? clients[0].TimeProvider, logger);
        string page = PageTemplate.Value
            .Replace("{{TITLE}}", WebUtility.HtmlEncode(options.Title), StringComparison.Ordinal)
            .Replace("{{INTERVAL_MS}}", ((long)options.RefreshInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

        RouteGroupBuilder group = endpoints.MapGroup(pattern);
        group.MapGet("/", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Content(page, "text/html; charset=utf-8");
        });
        group.MapGet("/api/snapshot", async (CancellationToken ct) => Results.Json(await source.BuildAsync(ct).ConfigureAwait(false), DashboardJson.Options));
        group.MapGet("/api/instances", async (CancellationToken ct) => Results.Json((await source.BuildAsync(ct).ConfigureAwait(false)).Instances, DashboardJson.Options));
        group.MapGet("/api/nodes", async (CancellationToken ct) => Results.Json((await source.BuildAsync(ct).ConfigureAwait(false)).Nodes, DashboardJson.Options));
        return group;
    }
}
