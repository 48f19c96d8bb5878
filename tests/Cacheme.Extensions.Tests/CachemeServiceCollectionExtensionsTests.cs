using CachemeNet.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CachemeNet.Extensions.Tests;

/// <summary>services.AddCacheme with a real ServiceCollection and ServiceProvider.</summary>
public sealed class CachemeServiceCollectionExtensionsTests
{
    private sealed record CountNode(int Id) : CacheNode<int>
    {
        private static readonly NodeMeta Config = new() { Caches = [new Cache("local", null)] };

        public static int Loads;

        public override NodeMeta Meta => Config;

        public override string Key() => $"count:{Id}";

        public override ValueTask<int> LoadAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Interlocked.Increment(ref Loads));
    }

    [Fact]
    public async Task Default_client_is_a_singleton_configured_in_code_with_the_containers_clock_and_logging()
    {
        var time = new ManualTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddLogging();
        services.AddCacheme(o =>
        {
            o.Prefix = "shop";
            o.Storages["local"] = new CachemeStorageOptions { Url = "local://lru", Size = 10 };
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        CachemeClient client = provider.GetRequiredService<CachemeClient>();
        Assert.Same(client, provider.GetRequiredService<CachemeClient>());
        Assert.Equal("default", client.Name);
        Assert.Equal("shop", client.Prefix);
        Assert.Same(time, client.TimeProvider);
        Assert.Same(provider.GetRequiredService<ILoggerFactory>(), client.LoggerFactory);
        Assert.IsAssignableFrom<ILocalStorage>(client.GetStorage("local"));

        int first = await client.GetAsync(new CountNode(1));
        Assert.Equal(first, await client.GetAsync(new CountNode(1)));
    }

    [Fact]
    public async Task Options_bind_from_configuration()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cacheme:Prefix"] = "fromconfig",
            ["Cacheme:Storages:local:Url"] = "local://tlfu",
            ["Cacheme:Storages:local:Size"] = "500",
            ["Cacheme:Storages:second:Url"] = "local://lru",
        }).Build();
        var services = new ServiceCollection();
        services.AddCacheme(configuration.GetSection("Cacheme"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        CachemeClient client = provider.GetRequiredService<CachemeClient>();
        Assert.Equal("fromconfig", client.Prefix);
        Assert.NotNull(client.GetStorage("local"));
        Assert.NotNull(client.GetStorage("second"));
        Assert.Same(TimeProvider.System, client.TimeProvider);
    }

    [Fact]
    public async Task Named_clients_are_keyed_services_with_their_own_options()
    {
        var services = new ServiceCollection();
        services.AddCacheme(o => o.Storages["local"] = new CachemeStorageOptions { Url = "local://lru" });
        services.AddCacheme("tenant-a", o =>
        {
            o.Prefix = "a";
            o.Storages["local"] = new CachemeStorageOptions { Url = "local://lru" };
        });
        services.AddCacheme("tenant-b", o => o.Prefix = "b").Configure(o => o.Storages["mem"] = new CachemeStorageOptions { Url = "local://lru" });
        await using ServiceProvider provider = services.BuildServiceProvider();

        CachemeClient a = provider.GetRequiredKeyedService<CachemeClient>("tenant-a");
        CachemeClient b = provider.GetRequiredKeyedService<CachemeClient>("tenant-b");
        CachemeClient main = provider.GetRequiredService<CachemeClient>();
        Assert.Equal(("tenant-a", "a"), (a.Name, a.Prefix));
        Assert.Equal(("tenant-b", "b"), (b.Name, b.Prefix));
        Assert.NotNull(b.GetStorage("mem"));
        Assert.Null(b.GetStorage("local"));
        Assert.Same(a, provider.GetRequiredKeyedService<CachemeClient>("tenant-a"));
        Assert.NotSame(a, main);
        Assert.Equal("cacheme", main.Prefix);
    }

    [Fact]
    public async Task A_storage_without_url_fails_on_resolve_naming_the_setting()
    {
        var services = new ServiceCollection();
        services.AddCacheme(o => o.Storages["shared"] = new CachemeStorageOptions());
        await using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<CachemeClient>());
        Assert.Contains("Storages:shared:Url", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_scheme_fails_on_resolve_with_the_core_message()
    {
        var services = new ServiceCollection();
        services.AddCacheme(o => o.Storages["x"] = new CachemeStorageOptions { Url = "nope://here" });
        await using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<NotSupportedException>(() => provider.GetRequiredService<CachemeClient>());
        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
    }
}
