using System.Text.Json.Serialization.Metadata;

namespace CachemeNet.Internal.MessagePack;

/// <summary>Encodes and decodes the values of one .NET type, as built from its System.Text.Json contract.</summary>
internal abstract class MessagePackCodec(Type type)
{
    public Type Type { get; } = type;

    /// <summary>Whether nil is a valid value (reference types and <see cref="Nullable{T}"/>).</summary>
    public bool AcceptsNull { get; } = !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;

    /// <summary>Whether values are written natively; false when they go through System.Text.Json's own converter.</summary>
    public virtual bool IsNative => true;

    public virtual void WriteValue(ref MessagePackWriter writer, object? value, int depth)
    {
        if (value is null)
        {
            writer.WriteNil();
        }
        else
        {
            Write(ref writer, value, depth);
        }
    }

    public virtual object? ReadValue(ref MessagePackReader reader, int depth)
    {
        if (reader.TryReadNil())
        {
            return AcceptsNull ? null : throw MessagePackReader.Invalid($"nil is not a valid {Type.Name}");
        }

        return Read(ref reader, depth);
    }

    protected abstract void Write(ref MessagePackWriter writer, object value, int depth);

    protected abstract object Read(ref MessagePackReader reader, int depth);
}

/// <summary>A value written by System.Text.Json's converter for its type and transcoded (see <see cref="JsonTranscoder"/>).</summary>
internal sealed class JsonBridgeCodec(JsonTypeInfo typeInfo) : MessagePackCodec(typeInfo.Type)
{
    public override bool IsNative => false;

    public override void WriteValue(ref MessagePackWriter writer, object? value, int depth) => JsonTranscoder.Serialize(value, typeInfo, ref writer);

    public override object? ReadValue(ref MessagePackReader reader, int depth) => JsonTranscoder.Deserialize(ref reader, typeInfo, depth);

    protected override void Write(ref MessagePackWriter writer, object value, int depth) => WriteValue(ref writer, value, depth);

    protected override object Read(ref MessagePackReader reader, int depth) => ReadValue(ref reader, depth)!;
}

/// <summary><see cref="Nullable{T}"/>: nil, or the underlying type's encoding (a boxed <c>T?</c> is a boxed <c>T</c>).</summary>
internal sealed class NullableCodec(Type type, MessagePackCodec underlying) : MessagePackCodec(type)
{
    protected override void Write(ref MessagePackWriter writer, object value, int depth) => underlying.WriteValue(ref writer, value, depth);

    protected override object Read(ref MessagePackReader reader, int depth) => underlying.ReadValue(ref reader, depth)!;
}
