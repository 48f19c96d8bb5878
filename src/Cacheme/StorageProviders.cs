using System.Collections.Concurrent;
using System.Reflection;
using CachemeNet.Internal.Local;

namespace CachemeNet;

/// <summary>
/// The process-wide table of URL schemes. <c>local</c> is built in; backend packages (Cacheme.Redis, Cacheme.PostgreSql,
/// Cacheme.MySql, Cacheme.Sqlite) are found by their <see cref="StorageProviderAttribute"/> when referenced.
/// </summary>
public static class StorageProviders
{
    private static readonly ConcurrentDictionary<string, IStorageProvider> Providers = new(StringComparer.OrdinalIgnoreCase);

    // Schemes served by Cacheme's own backend packages, so that a URL loads its package's assembly on first use.
    private static readonly Dictionary<string, string> KnownPackages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["redis"] = "Cacheme.Redis",
        ["rediss"] = "Cacheme.Redis",
        ["postgresql"] = "Cacheme.PostgreSql",
        ["postgres"] = "Cacheme.PostgreSql",
        ["mysql"] = "Cacheme.MySql",
        ["sqlite"] = "Cacheme.Sqlite",
    };

    internal const string MongoUnavailable =
        "mongodb:// storages are not available: no MongoDB driver can be restored in this build environment " +
        "(MongoDB.Driver's dependency MongoDB.Bson is absent from the package feed), so Cacheme ships no MongoDB backend. " +
        "schema/mongo.js holds the collection set-up for when a driver is available.";

    static StorageProviders() => Register(new LocalStorageProvider());

    /// <summary>Adds or replaces the provider for each of its schemes.</summary>
    /// <param name="provider">The provider.</param>
    public static void Register(IStorageProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        foreach (string scheme in provider.Schemes)
        {
            Providers[scheme] = provider;
        }
    }

    /// <summary>Finds the provider for a scheme, loading a known backend package's assembly when it is referenced.</summary>
    /// <param name="scheme">The URL scheme.</param>
    /// <exception cref="NotSupportedException">No provider handles the scheme; the message says which package would.</exception>
    public static IStorageProvider Resolve(string scheme)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        if (Providers.TryGetValue(scheme, out IStorageProvider? provider))
        {
            return provider;
        }

        if (scheme.Equals("mongodb", StringComparison.OrdinalIgnoreCase) || scheme.Equals("mongodb+srv", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException(MongoUnavailable);
        }

        if (KnownPackages.TryGetValue(scheme, out string? assemblyName))
        {
            if (TryLoadProviders(assemblyName) && Providers.TryGetValue(scheme, out provider))
            {
                return provider;
            }

            throw new NotSupportedException($"Storage URL scheme '{scheme}' needs the package {assemblyName}: add a reference to it.");
        }

        throw new NotSupportedException(
            $"Unknown storage URL scheme '{scheme}'. Known schemes: {string.Join(", ", Providers.Keys.Concat(KnownPackages.Keys).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal))}; " +
            "register others with StorageProviders.Register.");
    }

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Provider types are public types named by the backend assembly's own attribute.")]
    private static bool TryLoadProviders(string assemblyName)
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(assemblyName));
        }
        catch (FileNotFoundException)
        {
            return false;
        }

        bool any = false;
        foreach (StorageProviderAttribute attribute in assembly.GetCustomAttributes<StorageProviderAttribute>())
        {
            if (Activator.CreateInstance(attribute.ProviderType) is IStorageProvider provider)
            {
                Register(provider);
                any = true;
            }
        }

        return any;
    }
}
