using System.Buffers;

namespace CachemeNet;

/// <summary>
/// Turns values into bytes for remote tiers and back. Implementations are thread-safe and must only ever create the
/// type asked for by the caller: nothing read from stored bytes may choose a .NET type.
/// </summary>
public interface ICacheSerializer
{
    /// <summary>
    /// A byte stored in every remote value's envelope so that bytes written by another serializer are recognised and treated as a miss.
    /// Cacheme's own serializers use 1-15; use 128-255 for your own.
    /// </summary>
    byte FormatId { get; }

    /// <summary>Writes <paramref name="value"/> to <paramref name="writer"/>.</summary>
    /// <typeparam name="T">The declared value type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="writer">Where the bytes go.</param>
    void Serialize<T>(T value, IBufferWriter<byte> writer);

    /// <summary>Reads a value of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The declared value type.</typeparam>
    /// <param name="data">The bytes written by <see cref="Serialize{T}"/>.</param>
    /// <exception cref="CacheSerializationException">The bytes are not a valid encoding of a <typeparamref name="T"/>.</exception>
    T Deserialize<T>(ReadOnlySequence<byte> data);
}

/// <summary>Thrown by a serializer for bytes it cannot decode. Cacheme treats such a remote value as a miss.</summary>
public sealed class CacheSerializationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CacheSerializationException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong with the bytes.</param>
    public CacheSerializationException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    /// <param name="message">What is wrong with the bytes.</param>
    /// <param name="innerException">The cause.</param>
    public CacheSerializationException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
