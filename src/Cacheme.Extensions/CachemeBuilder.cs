using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CachemeNet.Extensions;

/// <summary>Returned by <c>AddCacheme</c>: configures that client further and adds services built on it.</summary>
public sealed class CachemeBuilder
{
    internal CachemeBuilder(IServiceCollection services, string name)
    {
        Services = services;
        Name = name;
    }

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The client's name: <see cref="Microsoft.Extensions.Options.Options.DefaultName"/> (empty) for the default client, else its service key.</summary>
    public string Name { get; }

    /// <summary>Whether this is the default (unkeyed) client.</summary>
    public bool IsDefault => Name.Length == 0;

    /// <summary>Adds configuration to this client's options.</summary>
    /// <param name="configure">Changes the options.</param>
    public CachemeBuilder Configure(Action<CachemeServiceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(Name, configure);
        return this;
    }

    /// <summary>
    /// Registers a <see cref="CachemeHybridCache"/> over this client as <see cref="HybridCache"/> (unkeyed for the default
    /// client, keyed by <see cref="Name"/> otherwise), so code written against Microsoft's HybridCache API uses Cacheme.
    /// </summary>
    /// <param name="configure">Sets the hybrid cache's options (tiers, default entry options, tag cache duration).</param>
    public CachemeBuilder AddHybridCache(Action<CachemeHybridCacheOptions>? configure = null)
    {
        OptionsBuilder<CachemeHybridCacheOptions> options = Services.AddOptions<CachemeHybridCacheOptions>(Name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        Func<IServiceProvider, CachemeHybridCache> create = sp => new CachemeHybridCache(Client(sp), sp.GetRequiredService<IOptionsMonitor<CachemeHybridCacheOptions>>().Get(Name));
        if (IsDefault)
        {
            Services.TryAddSingleton<HybridCache>(create);
        }
        else
        {
            Services.TryAddKeyedSingleton<HybridCache>(Name, (sp, _) => create(sp));
        }

        return this;
    }

    /// <summary>Resolves this builder's client.</summary>
    internal CachemeClient Client(IServiceProvider services) =>
        IsDefault ? services.GetRequiredService<CachemeClient>() : services.GetRequiredKeyedService<CachemeClient>(Name);
}
