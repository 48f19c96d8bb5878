namespace CachemeNet.Extensions;

/// <summary>
/// The options of a <see cref="CachemeClient"/> registered with <see cref="CachemeServiceCollectionExtensions.AddCacheme(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{CachemeServiceOptions}?)"/>.
/// Binds from configuration, for example <c>{ "Prefix": "shop", "Storages": { "local": { "Url": "local://tlfu", "Size": 10000 } } }</c>.
/// </summary>
public sealed class CachemeServiceOptions
{
    /// <summary>The key prefix (<see cref="CachemeOptions.Prefix"/>). Defaults to <c>cacheme</c>.</summary>
    public string Prefix { get; set; } = "cacheme";

    /// <summary>The storages to register, by the name nodes refer to in <see cref="Cache.Storage"/>.</summary>
    public IDictionary<string, CachemeStorageOptions> Storages { get; } = new Dictionary<string, CachemeStorageOptions>(StringComparer.Ordinal);
}

/// <summary>One storage in <see cref="CachemeServiceOptions.Storages"/>; the fields of <see cref="Storage"/>, bindable from configuration.</summary>
public sealed class CachemeStorageOptions
{
    /// <summary>The storage URL (<c>local://tlfu</c>, <c>redis://host:port</c>, <c>sqlite:///file.db</c>, …).</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>For local storages, the maximum number of entries.</summary>
    public int? Size { get; set; }

    /// <summary>For SQL storages, the table name.</summary>
    public string? Table { get; set; }

    /// <summary>For Redis, connect to a Redis Cluster.</summary>
    public bool Cluster { get; set; }

    /// <summary>For remote storages, the connection pool size.</summary>
    public int? PoolSize { get; set; }

    /// <summary>For SQL storages, create the table when missing. Defaults to true.</summary>
    public bool CreateTable { get; set; } = true;

    /// <summary>Further backend-specific options.</summary>
    public IDictionary<string, string> Options { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The <see cref="Storage"/> these options describe.</summary>
    /// <param name="name">The storage name, for the error message.</param>
    /// <exception cref="InvalidOperationException">The URL is missing or invalid.</exception>
    public Storage ToStorage(string name)
    {
        if (string.IsNullOrWhiteSpace(Url))
        {
            throw new InvalidOperationException($"Cacheme storage '{name}' has no Url; set Storages:{name}:Url (e.g. local://tlfu).");
        }

        try
        {
            return new Storage(Url, Size)
            {
                Table = Table,
                Cluster = Cluster,
                PoolSize = PoolSize,
                CreateTable = CreateTable,
                Options = new Dictionary<string, string>(Options, StringComparer.Ordinal),
            };
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"Cacheme storage '{name}' is invalid: {e.Message}", e);
        }
    }
}
