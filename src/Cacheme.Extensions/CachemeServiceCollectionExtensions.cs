using CachemeNet.Extensions.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CachemeNet.Extensions;

/// <summary>
/// Registers <see cref="CachemeClient"/>s in a service collection. The default client is an unkeyed singleton; named clients
/// are keyed singletons (resolve with <c>[FromKeyedServices("name")]</c> or <c>GetRequiredKeyedService</c>). Each client
/// takes <see cref="TimeProvider"/> and <see cref="Microsoft.Extensions.Logging.ILoggerFactory"/> from the container when
/// registered there, and connects its storages when first resolved. Dispose the provider with <c>DisposeAsync</c>.
/// </summary>
public static class CachemeServiceCollectionExtensions
{
    /// <summary>Registers the default client, configured in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets prefix and storages.</param>
    public static CachemeBuilder AddCacheme(this IServiceCollection services, Action<CachemeServiceOptions>? configure = null) =>
        AddCacheme(services, Options.DefaultName, configure);

    /// <summary>Registers the default client, bound to a configuration section (<c>Prefix</c>, <c>Storages:{name}:Url</c>, …).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section, e.g. <c>configuration.GetSection("Cacheme")</c>.</param>
    public static CachemeBuilder AddCacheme(this IServiceCollection services, IConfiguration configuration) =>
        AddCacheme(services, Options.DefaultName, configuration);

    /// <summary>Registers a named client as a keyed singleton, configured in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The service key and <see cref="CachemeClient.Name"/>.</param>
    /// <param name="configure">Sets prefix and storages.</param>
    public static CachemeBuilder AddCacheme(this IServiceCollection services, string name, Action<CachemeServiceOptions>? configure)
    {
        CachemeBuilder builder = Register(services, name);
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        return builder;
    }

    /// <summary>Registers a named client as a keyed singleton, bound to a configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The service key and <see cref="CachemeClient.Name"/>.</param>
    /// <param name="configuration">The section.</param>
    public static CachemeBuilder AddCacheme(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        CachemeBuilder builder = Register(services, name);
        services.AddOptions<CachemeServiceOptions>(name).Bind(configuration);
        return builder;
    }

    private static CachemeBuilder Register(IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        services.AddOptions();
        if (name.Length == 0)
        {
            services.TryAddSingleton(sp => CachemeClientFactory.Create(sp, Options.DefaultName));
        }
        else
        {
            services.TryAddKeyedSingleton(name, (sp, key) => CachemeClientFactory.Create(sp, (string)key!));
        }

        return new CachemeBuilder(services, name);
    }
}
