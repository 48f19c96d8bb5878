using Microsoft.Extensions.Logging;

namespace CachemeNet;

/// <summary>
/// Creates storages for one or more URL schemes. Backend packages provide one and announce it with
/// <see cref="StorageProviderAttribute"/>; applications can add their own with <see cref="StorageProviders.Register"/>.
/// </summary>
public interface IStorageProvider
{
    /// <summary>The URL schemes handled, lower case (for example <c>redis</c>).</summary>
    IReadOnlyList<string> Schemes { get; }

    /// <summary>Connects a storage. Throws <see cref="StorageConnectionException"/> when it cannot connect.</summary>
    /// <param name="storage">The storage description.</param>
    /// <param name="context">The registering client's clock and logging.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    ValueTask<ICacheStorage> CreateAsync(Storage storage, StorageContext context, CancellationToken cancellationToken);
}

/// <summary>What a storage receives from the client that registers it.</summary>
/// <param name="Name">The name the storage is registered under.</param>
/// <param name="TimeProvider">The client's clock; storages must read time only from it.</param>
/// <param name="LoggerFactory">The client's logging.</param>
public sealed record StorageContext(string Name, TimeProvider TimeProvider, ILoggerFactory LoggerFactory);

/// <summary>Names the <see cref="IStorageProvider"/> type of a backend assembly, so its URL schemes resolve without set-up code.</summary>
/// <param name="providerType">A public type implementing <see cref="IStorageProvider"/> with a parameterless constructor.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class StorageProviderAttribute(Type providerType) : Attribute
{
    /// <summary>The provider type.</summary>
    public Type ProviderType { get; } = providerType;
}

/// <summary>Thrown when a storage cannot connect at registration; the message names the URL (password hidden) and the cause.</summary>
public sealed class StorageConnectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="storage">The storage that failed.</param>
    /// <param name="cause">Why it failed.</param>
    public StorageConnectionException(Storage storage, Exception cause)
        : base($"Cannot connect storage '{storage?.RedactedUrl}': {cause?.Message}", cause)
    {
        RedactedUrl = storage?.RedactedUrl ?? string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public StorageConnectionException(string message) : base(message) => RedactedUrl = string.Empty;

    /// <summary>Creates the exception with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public StorageConnectionException(string message, Exception innerException) : base(message, innerException) => RedactedUrl = string.Empty;

    /// <summary>Creates the exception.</summary>
    public StorageConnectionException() => RedactedUrl = string.Empty;

    /// <summary>The storage URL with its password hidden.</summary>
    public string RedactedUrl { get; }
}
