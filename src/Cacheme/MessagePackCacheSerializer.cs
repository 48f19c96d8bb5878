using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CachemeNet.Internal.MessagePack;

namespace CachemeNet;

/// <summary>
/// Serializes to MessagePack (format id 2) with Cacheme's own codec, written from the MessagePack specification. .NET
/// types are mapped through System.Text.Json's contracts (<see cref="JsonTypeInfo"/>), so every type the JSON serializer
/// handles works here too, source-generated contexts included: objects become maps keyed by their JSON property names,
/// collections arrays, dictionaries maps; primitives have fixed mappings (see docs/serializers.md); anything else is
/// written by its System.Text.Json converter and transcoded. No type name is ever written or read.
/// </summary>
public sealed class MessagePackCacheSerializer : ICacheSerializer
{
    private readonly MessagePackContract _contract;

    /// <summary>Creates a serializer.</summary>
    /// <param name="options">Options whose contracts map the values; defaults to <see cref="JsonSerializerOptions.Default"/>.</param>
    public MessagePackCacheSerializer(JsonSerializerOptions? options = null)
    {
        options ??= JsonSerializerOptions.Default;
        options.MakeReadOnly(populateMissingResolver: true);
        _contract = new MessagePackContract(options);
    }

    /// <summary>Creates a serializer over source-generated (or other) contracts, for trimming and native AOT.</summary>
    /// <param name="resolver">The contracts, for example a <see cref="System.Text.Json.Serialization.JsonSerializerContext"/>.</param>
    public MessagePackCacheSerializer(IJsonTypeInfoResolver resolver)
        : this(new JsonSerializerOptions { TypeInfoResolver = resolver ?? throw new ArgumentNullException(nameof(resolver)) })
    {
    }

    /// <inheritdoc />
    public byte FormatId => 2;

    /// <summary>The options whose contracts are used.</summary>
    public JsonSerializerOptions Options => _contract.Options;

    /// <inheritdoc />
    public void Serialize<T>(T value, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var output = new MessagePackWriter(writer);
        _contract.For(typeof(T)).WriteValue(ref output, value, 0);
        output.Flush();
    }

    /// <inheritdoc />
    public T Deserialize<T>(ReadOnlySequence<byte> data)
    {
        MessagePackCodec codec = _contract.For(typeof(T));
        if (data.IsSingleSegment)
        {
            return Decode<T>(codec, data.FirstSpan);
        }

        byte[] copy = ArrayPool<byte>.Shared.Rent((int)data.Length);
        try
        {
            data.CopyTo(copy);
            return Decode<T>(codec, copy.AsSpan(0, (int)data.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private static T Decode<T>(MessagePackCodec codec, ReadOnlySpan<byte> bytes)
    {
        try
        {
            var reader = new MessagePackReader(bytes);
            object? value = codec.ReadValue(ref reader, 0);
            reader.EnsureEnd();
            return (T)value!;
        }
        catch (Exception e) when (e is not (CacheSerializationException or OutOfMemoryException))
        {
            // Whatever the bytes make a converter, setter or constructor throw is an undecodable value, not a crash.
            throw new CacheSerializationException($"Invalid MessagePack for {typeof(T).Name}: {e.Message}", e);
        }
    }
}
