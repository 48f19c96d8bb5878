using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CachemeNet.Dashboard.Tests;

/// <summary>The dashboard's JSON API and page, served by a TestServer.</summary>
public sealed class DashboardApiTests
{
    private static async Task<WebApplication> StartAsync(Action<WebApplicationBuilder>? services, Action<WebApplication> map)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        services?.Invoke(builder);
        WebApplication app = builder.Build();
        map(app);
        await app.StartAsync();
        return app;
    }

    private static async Task<JsonElement> GetJsonAsync(WebApplication app, string path)
    {
        using HttpClient http = app.GetTestClient();
        using HttpResponseMessage response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task Snapshot_reports_each_instance_and_each_node_with_configuration_and_stats()
    {
        await using Workload work = await Workload.CreateAsync("api");
        await work.RunAsync(250); // 100 keys cycling through a 50-entry local tier: 100 misses, then 150 hits, all in "shared"
        await using WebApplication app = await StartAsync(null, a => a.MapCachemeDashboard("/cacheme", o => o.Clients.Add(work.Client)));

        JsonElement snapshot = await GetJsonAsync(app, "/cacheme/api/snapshot");

        JsonElement instance = Assert.Single(snapshot.GetProperty("instances").EnumerateArray());
        Assert.Equal("api", instance.GetProperty("client").GetString());
        Assert.Equal(Environment.ProcessId, instance.GetProperty("processId").GetInt32());
        JsonElement node = Assert.Single(snapshot.GetProperty("nodes").EnumerateArray());
        Assert.Equal("ProfileNode", node.GetProperty("node").GetString());
        JsonElement stats = node.GetProperty("stats");
        Assert.Equal(250, stats.GetProperty("requestCount").GetInt64());
        Assert.Equal(150, stats.GetProperty("hitCount").GetInt64());
        Assert.Equal(100, stats.GetProperty("loadCount").GetInt64());
        Assert.Equal(0.6, stats.GetProperty("hitRate").GetDouble(), 9);
        Assert.Equal(0, stats.GetProperty("tierHits").GetProperty("local").GetInt64());
        Assert.Equal(150, stats.GetProperty("tierHits").GetProperty("shared").GetInt64());
        Assert.Equal(JsonValueKind.Number, stats.GetProperty("averageLoadTime").ValueKind);
        JsonElement tiers = node.GetProperty("configuration").GetProperty("tiers");
        Assert.Equal(["local", "shared"], tiers.EnumerateArray().Select(t => t.GetProperty("storage").GetString()));
        Assert.Equal(30_000, tiers[0].GetProperty("ttl").GetDouble());
        Assert.Equal("local://lru", tiers[0].GetProperty("url").GetString());
    }

    [Fact]
    public async Task Nodes_are_summed_over_instances_and_instances_listed_separately()
    {
        await using Workload a = await Workload.CreateAsync("a");
        await using Workload b = await Workload.CreateAsync("b");
        await a.RunAsync(100);
        await b.RunAsync(300);
        await using WebApplication app = await StartAsync(null, x => x.MapCachemeDashboard("/ops/cache", o =>
        {
            o.Clients.Add(a.Client);
            o.Clients.Add(b.Client);
        }));

        JsonElement nodes = await GetJsonAsync(app, "/ops/cache/api/nodes");
        JsonElement instances = await GetJsonAsync(app, "/ops/cache/api/instances");

        JsonElement node = Assert.Single(nodes.EnumerateArray());
        Assert.Equal(2, node.GetProperty("instances").GetInt32());
        Assert.Equal(400, node.GetProperty("stats").GetProperty("requestCount").GetInt64());
        Assert.Equal(200, node.GetProperty("stats").GetProperty("missCount").GetInt64());
        Assert.Equal(["a", "b"], instances.EnumerateArray().Select(i => i.GetProperty("client").GetString()));
        Assert.Equal([100L, 300L], instances.EnumerateArray().Select(i => i.GetProperty("nodes")[0].GetProperty("stats").GetProperty("requestCount").GetInt64()));
    }

    [Fact]
    public async Task Without_configured_clients_the_containers_client_is_shown()
    {
        await using Workload work = await Workload.CreateAsync("from-di");
        await work.RunAsync(10);
        await using WebApplication app = await StartAsync(b => b.Services.AddSingleton(work.Client), a => a.MapCachemeDashboard());

        JsonElement instances = await GetJsonAsync(app, "/cacheme/api/instances");

        Assert.Equal("from-di", Assert.Single(instances.EnumerateArray()).GetProperty("client").GetString());
    }

    [Fact]
    public async Task The_page_is_self_contained_html_with_the_refresh_interval()
    {
        await using Workload work = await Workload.CreateAsync("page");
        await using WebApplication app = await StartAsync(null, a => a.MapCachemeDashboard("/cacheme", o =>
        {
            o.Clients.Add(work.Client);
            o.RefreshInterval = TimeSpan.FromMilliseconds(250);
            o.Title = "Shop <cache>";
        }));
        using HttpClient http = app.GetTestClient();

        foreach (string path in new[] { "/cacheme", "/cacheme/" })
        {
            using HttpResponseMessage response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            string html = await response.Content.ReadAsStringAsync();
            Assert.Contains("const INTERVAL = 250;", html, StringComparison.Ordinal);
            Assert.Contains("Shop &lt;cache&gt;", html, StringComparison.Ordinal);
            Assert.DoesNotContain("{{", html, StringComparison.Ordinal);
            Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_non_positive_refresh_interval_is_refused()
    {
        WebApplication app = WebApplication.CreateSlimBuilder().Build();
        Assert.Throws<ArgumentException>(() => app.MapCachemeDashboard("/cacheme", o => o.RefreshInterval = TimeSpan.Zero));
    }
}
