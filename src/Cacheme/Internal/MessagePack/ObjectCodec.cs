using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Serialization.Metadata;

namespace CachemeNet.Internal.MessagePack;

/// <summary>
/// An object contract (<see cref="JsonTypeInfoKind.Object"/>) as a map from property name (the JSON name, naming policy
/// applied) to value. Reads create the object with the contract's <see cref="JsonTypeInfo.CreateObject"/> and setters, or
/// with the constructor System.Text.Json binds its parameters to (records); unknown keys are skipped, missing ones keep
/// their defaults.
/// </summary>
internal sealed class ObjectCodec : MessagePackCodec
{
    private static readonly object Missing = new();
    private readonly JsonTypeInfo _info;
    private Property[] _properties = [];
    private bool _conditional;
    private ConstructorInfo? _constructor;
    private object?[] _defaultArguments = [];

    private ObjectCodec(JsonTypeInfo info) : base(info.Type) => _info = info;

    /// <summary>Returns a codec for the contract, or null when the object must go through System.Text.Json (see <see cref="MessagePackContract"/>).</summary>
    public static ObjectCodec? TryCreate(JsonTypeInfo info)
    {
        bool usesConstructor = info.Properties.Any(p => p.AssociatedParameter is not null);
        if (info.PolymorphismOptions is not null || info.Properties.Any(p => p.IsExtensionData)
            || (!usesConstructor && info.CreateObject is null)
            || (usesConstructor && info.ConstructorAttributeProvider is not ConstructorInfo))
        {
            return null;
        }

        return new ObjectCodec(info);
    }

    /// <summary>Resolves the property codecs; called after this codec is registered, so recursive types find it.</summary>
    public bool Bind(Func<JsonPropertyInfo, MessagePackCodec> codecFor)
    {
        _properties = [.. _info.Properties.Select((p, i) => new Property(p, i, codecFor(p)))];
        _conditional = _properties.Any(p => p.ShouldSerialize is not null);
        if (_info.ConstructorAttributeProvider is ConstructorInfo constructor && _info.Properties.Any(p => p.AssociatedParameter is not null))
        {
            ParameterInfo[] parameters = constructor.GetParameters();
            _defaultArguments = new object?[parameters.Length];
            var bound = new bool[parameters.Length];
            foreach (JsonPropertyInfo property in _info.Properties)
            {
                if (property.AssociatedParameter is { } parameter && parameter.Position < parameters.Length)
                {
                    bound[parameter.Position] = true;
                    _defaultArguments[parameter.Position] = parameter.HasDefaultValue ? parameter.DefaultValue : DefaultOf(parameter.ParameterType);
                }
            }

            if (Array.Exists(bound, b => !b))
            {
                return false;
            }

            _constructor = constructor;
        }

        return true;
    }

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2067", Justification = "Only value types reach here; their zero value needs no constructor.")]
    private static object? DefaultOf(Type type) => type.IsValueType && Nullable.GetUnderlyingType(type) is null ? RuntimeHelpers.GetUninitializedObject(type) : null;

    protected override void Write(ref MessagePackWriter writer, object value, int depth)
    {
        MessagePackContract.CheckWriteDepth(depth);
        _info.OnSerializing?.Invoke(value);
        writer.WriteMapHeader(_conditional ? CountWritten(value) : _properties.Length);
        foreach (Property property in _properties)
        {
            object? propertyValue = property.Get(value);
            if (property.ShouldSerialize is { } shouldSerialize && !shouldSerialize(value, propertyValue))
            {
                continue;
            }

            writer.WriteRaw(property.EncodedName);
            property.Codec.WriteValue(ref writer, propertyValue, depth + 1);
        }

        _info.OnSerialized?.Invoke(value);
    }

    private int CountWritten(object value)
    {
        int count = 0;
        foreach (Property property in _properties)
        {
            if (property.ShouldSerialize is not { } shouldSerialize || shouldSerialize(value, property.Get(value)))
            {
                count++;
            }
        }

        return count;
    }

    protected override object Read(ref MessagePackReader reader, int depth)
    {
        int entries = reader.ReadMapHeader();
        MessagePackReader.CheckDepth(depth + 1);
        return _constructor is null ? ReadWithSetters(ref reader, entries, depth) : ReadWithConstructor(ref reader, entries, depth);
    }

    private object ReadWithSetters(ref MessagePackReader reader, int entries, int depth)
    {
        object result = _info.CreateObject!();
        _info.OnDeserializing?.Invoke(result);
        for (int i = 0; i < entries; i++)
        {
            Property? property = Find(reader.ReadStringBytes(), i);
            if (property?.Set is not { } set)
            {
                reader.Skip(depth + 1);
                continue;
            }

            set(result, property.Codec.ReadValue(ref reader, depth + 1));
        }

        _info.OnDeserialized?.Invoke(result);
        return result;
    }

    private object ReadWithConstructor(ref MessagePackReader reader, int entries, int depth)
    {
        object?[] arguments = (object?[])_defaultArguments.Clone();
        object?[]? others = null;
        for (int i = 0; i < entries; i++)
        {
            Property? property = Find(reader.ReadStringBytes(), i);
            if (property is null || (property.Parameter < 0 && property.Set is null))
            {
                reader.Skip(depth + 1);
                continue;
            }

            object? value = property.Codec.ReadValue(ref reader, depth + 1);
            if (property.Parameter >= 0)
            {
                arguments[property.Parameter] = value;
            }
            else
            {
                others ??= CreateMissing(_properties.Length);
                others[property.Index] = value;
            }
        }

        object result = _constructor!.Invoke(arguments);
        _info.OnDeserializing?.Invoke(result);
        if (others is not null)
        {
            for (int i = 0; i < others.Length; i++)
            {
                if (!ReferenceEquals(others[i], Missing))
                {
                    _properties[i].Set!(result, others[i]);
                }
            }
        }

        _info.OnDeserialized?.Invoke(result);
        return result;
    }

    private static object?[] CreateMissing(int length)
    {
        var values = new object?[length];
        Array.Fill(values, Missing);
        return values;
    }

    /// <summary>Finds a property by its UTF-8 name, trying the one at the key's position first (keys are written in order).</summary>
    private Property? Find(ReadOnlySpan<byte> name, int position)
    {
        Property[] properties = _properties;
        if (position < properties.Length && name.SequenceEqual(properties[position].Name))
        {
            return properties[position];
        }

        foreach (Property property in properties)
        {
            if (name.SequenceEqual(property.Name))
            {
                return property;
            }
        }

        return null;
    }

    private sealed class Property
    {
        public Property(JsonPropertyInfo info, int index, MessagePackCodec codec)
        {
            Index = index;
            Name = Encoding.UTF8.GetBytes(info.Name);
            var encoded = new System.Buffers.ArrayBufferWriter<byte>(Name.Length + 5);
            var writer = new MessagePackWriter(encoded);
            writer.WriteUtf8String(Name);
            writer.Flush();
            EncodedName = encoded.WrittenSpan.ToArray();
            Codec = codec;
            Get = info.Get ?? (static (_) => null);
            Set = info.Set;
            ShouldSerialize = info.Get is null ? static (_, _) => false : info.ShouldSerialize;
            Parameter = info.AssociatedParameter?.Position ?? -1;
        }

        public int Index { get; }

        public byte[] Name { get; }

        public byte[] EncodedName { get; }

        public MessagePackCodec Codec { get; }

        public Func<object, object?> Get { get; }

        public Action<object, object?>? Set { get; }

        public Func<object, object?, bool>? ShouldSerialize { get; }

        public int Parameter { get; }
    }
}
