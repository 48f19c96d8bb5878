using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CachemeNet;

/// <summary>
/// Serializes with System.Text.Json as UTF-8. Pass options with a source-generated <see cref="JsonSerializerOptions.TypeInfoResolver"/>
/// for trimming and native AOT.
/// </summary>
public sealed class JsonCacheSerializer : ICacheSerializer
{
    private readonly JsonSerializerOptions _options;

    /// <summary>Creates a serializer.</summary>
    /// <param name="options">Serializer options; defaults to <see cref="JsonSerializerOptions.Default"/>.</param>
    public JsonCacheSerializer(JsonSerializerOptions? options = null)
    {
        _options = options ?? JsonSerializerOptions.Default;
        _options.MakeReadOnly(populateMissingResolver: true);
    }

    /// <summary>Creates a serializer over source-generated (or other) contracts, for trimming and native AOT.</summary>
    /// <param name="resolver">The contracts, for example a <see cref="System.Text.Json.Serialization.JsonSerializerContext"/>.</param>
    public JsonCacheSerializer(IJsonTypeInfoResolver resolver)
        : this(new JsonSerializerOptions { TypeInfoResolver = resolver ?? throw new ArgumentNullException(nameof(resolver)) })
    {
    }

    /// <inheritdoc />
    public byte FormatId => 1;

    /// <summary>The options in use.</summary>
    public JsonSerializerOptions Options => _options;

    /// <inheritdoc />
    public void Serialize<T>(T value, IBufferWriter<byte> writer)
    {
        using var json = new Utf8JsonWriter(writer);
        JsonSerializer.Serialize(json, value, TypeInfo<T>());
    }

    /// <inheritdoc />
    public T Deserialize<T>(ReadOnlySequence<byte> data)
    {
        try
        {
            if (data.IsSingleSegment)
            {
                // The span overload parses once; the reader overload first scans to the value's end, then parses again.
                return JsonSerializer.Deserialize(data.FirstSpan, TypeInfo<T>())!;
            }

            var reader = new Utf8JsonReader(data);
            return JsonSerializer.Deserialize(ref reader, TypeInfo<T>())!;
        }
        catch (Exception e) when (e is not (CacheSerializationException or OutOfMemoryException))
        {
            // JsonException for malformed text, NotSupportedException for a missing type discriminator, and whatever
            // a converter, setter or constructor throws for the values read: all mean the bytes are not a valid value.
            throw new CacheSerializationException($"Invalid JSON for {typeof(T).Name}: {e.Message}", e);
        }
    }

    private JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)_options.GetTypeInfo(typeof(T));
}
