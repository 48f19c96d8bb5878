using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CachemeNet.Internal.MessagePack;

/// <summary>
/// Builds and caches the codec of every type from one <see cref="JsonSerializerOptions"/>' contracts (<see cref="JsonTypeInfo"/>),
/// whether they come from reflection or a source-generated context. Objects, collections and dictionaries map natively;
/// primitives use <see cref="PrimitiveCodecs"/>; whatever else System.Text.Json supports (custom converters,
/// polymorphism, extension data, immutable or interface-typed collections, reference preservation) goes through its own
/// converter via <see cref="JsonBridgeCodec"/>. Thread-safe.
/// </summary>
internal sealed class MessagePackContract(JsonSerializerOptions options)
{
    private readonly ConcurrentDictionary<Type, MessagePackCodec> _codecs = new();
    private readonly Lock _building = new();
    private Dictionary<Type, MessagePackCodec>? _pending;

    public JsonSerializerOptions Options { get; } = options;

    public MessagePackCodec For(Type type)
    {
        if (_codecs.TryGetValue(type, out MessagePackCodec? codec))
        {
            return codec;
        }

        lock (_building)
        {
            _pending = [];
            try
            {
                codec = Resolve(type);
                foreach (KeyValuePair<Type, MessagePackCodec> built in _pending)
                {
                    _codecs.TryAdd(built.Key, built.Value);
                }

                return _codecs.GetOrAdd(type, codec);
            }
            finally
            {
                _pending = null;
            }
        }
    }

    /// <summary>Throws when writing nests deeper than the limit, which is what a reference cycle does.</summary>
    public static void CheckWriteDepth(int depth)
    {
        if (depth >= MessagePackReader.MaxDepth)
        {
            throw new CacheSerializationException($"The value nests deeper than {MessagePackReader.MaxDepth} levels; it may contain a reference cycle.");
        }
    }

    private MessagePackCodec Resolve(Type type)
    {
        if (_codecs.TryGetValue(type, out MessagePackCodec? codec) || _pending!.TryGetValue(type, out codec))
        {
            return codec;
        }

        JsonTypeInfo info = Options.GetTypeInfo(type);
        codec = Options.ReferenceHandler is null ? Build(info) : new JsonBridgeCodec(info);
        _pending[type] = codec;
        return codec;
    }

    private MessagePackCodec Build(JsonTypeInfo info)
    {
        Type type = info.Type;
        switch (info.Kind)
        {
            case JsonTypeInfoKind.None when Nullable.GetUnderlyingType(type) is { } underlying:
                MessagePackCodec inner = Resolve(underlying);
                return inner.IsNative ? new NullableCodec(type, inner) : new JsonBridgeCodec(info);
            case JsonTypeInfoKind.None when type.IsEnum:
                return new EnumCodec(type);
            case JsonTypeInfoKind.None when PrimitiveCodecs.TryGet(type, out MessagePackCodec primitive) && !Options.Converters.Any(c => c.CanConvert(type)):
                return primitive;
            case JsonTypeInfoKind.Object when ObjectCodec.TryCreate(info) is { } objectCodec:
                _pending![type] = objectCodec;
                return objectCodec.Bind(PropertyCodec) ? objectCodec : Replace(info);
            case JsonTypeInfoKind.Enumerable when ArrayCodec.TryCreate(info) is { } arrayCodec:
                _pending![type] = arrayCodec;
                arrayCodec.Bind(Resolve(info.ElementType!));
                return arrayCodec;
            case JsonTypeInfoKind.Dictionary when MapCodec.TryCreate(info) is { } mapCodec:
                _pending![type] = mapCodec;
                MessagePackCodec key = Resolve(info.KeyType!);
                if (!key.IsNative)
                {
                    return Replace(info);
                }

                mapCodec.Bind(key, Resolve(info.ElementType!));
                return mapCodec;
            default:
                return new JsonBridgeCodec(info);
        }
    }

    /// <summary>
    /// Falls back to System.Text.Json for a type whose native codec could not be completed. Codecs already built that
    /// refer to the abandoned one are harmless: they are only reachable through it.
    /// </summary>
    private JsonBridgeCodec Replace(JsonTypeInfo info)
    {
        var bridge = new JsonBridgeCodec(info);
        _pending![info.Type] = bridge;
        return bridge;
    }

    /// <summary>A property's codec: its type's, unless the property has its own converter, which then does the work.</summary>
    private MessagePackCodec PropertyCodec(JsonPropertyInfo property)
    {
        if (property.CustomConverter is null)
        {
            return Resolve(property.PropertyType);
        }

        var withConverter = new JsonSerializerOptions(Options);
        withConverter.Converters.Insert(0, property.CustomConverter);
        return new JsonBridgeCodec(withConverter.GetTypeInfo(property.PropertyType));
    }
}
