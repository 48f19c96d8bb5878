using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CachemeNet.Extensions.Internal;

/// <summary>Builds a registered client from its named options and the container's clock and logging.</summary>
internal static class CachemeClientFactory
{
    public const string DefaultClientName = "default";

    public static CachemeClient Create(IServiceProvider services, string name)
    {
        CachemeServiceOptions options = services.GetRequiredService<IOptionsMonitor<CachemeServiceOptions>>().Get(name);
        var client = new CachemeClient(new CachemeOptions
        {
            Name = name.Length == 0 ? DefaultClientName : name,
            Prefix = options.Prefix,
            TimeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System,
            LoggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
        });

        try
        {
            // Service factories are synchronous; local storages complete at once, remote ones connect here, on first resolve.
            foreach ((string storageName, CachemeStorageOptions storage) in options.Storages)
            {
                client.RegisterStorageAsync(storageName, storage.ToStorage(storageName)).GetAwaiter().GetResult();
            }
        }
        catch
        {
            client.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        return client;
    }
}
