using System.Buffers.Binary;
using System.Globalization;

namespace CachemeNet.Internal.MessagePack;

internal delegate void WriteFunc(ref MessagePackWriter writer, object value);

internal delegate object ReadFunc(ref MessagePackReader reader);

/// <summary>A type with a fixed MessagePack mapping (see <see cref="PrimitiveCodecs"/>).</summary>
internal sealed class PrimitiveCodec(Type type, WriteFunc write, ReadFunc read) : MessagePackCodec(type)
{
    protected override void Write(ref MessagePackWriter writer, object value, int depth) => write(ref writer, value);

    protected override object Read(ref MessagePackReader reader, int depth) => read(ref reader);
}

/// <summary>Enums as their underlying integer value, whatever name-based converter JSON would use.</summary>
internal sealed class EnumCodec(Type type) : MessagePackCodec(type)
{
    private readonly bool _unsigned = Type.GetTypeCode(Enum.GetUnderlyingType(type)) is TypeCode.UInt64 or TypeCode.UInt32 or TypeCode.UInt16 or TypeCode.Byte;

    protected override void Write(ref MessagePackWriter writer, object value, int depth)
    {
        if (_unsigned)
        {
            writer.WriteUInt64(Convert.ToUInt64(value, CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteInt64(Convert.ToInt64(value, CultureInfo.InvariantCulture));
        }
    }

    protected override object Read(ref MessagePackReader reader, int depth) =>
        _unsigned ? Enum.ToObject(Type, reader.ReadUInt64()) : Enum.ToObject(Type, reader.ReadInt64());
}

/// <summary>
/// The fixed mappings of .NET primitives onto MessagePack (documented in docs/serializers.md): integers in their
/// smallest int format, float and double as float32 and float64, decimal as its invariant text (scale kept), char and
/// string as str, byte[] as bin, Guid as bin 16 (RFC 9562 byte order), TimeSpan as its ticks, DateOnly as its day
/// number, TimeOnly as its ticks, a UTC DateTime as the timestamp extension and any other DateTime as extension 2,
/// a DateTimeOffset as the timestamp extension when its offset is zero, else as [timestamp, offset minutes].
/// </summary>
internal static class PrimitiveCodecs
{
    private static readonly object True = true;
    private static readonly object False = false;
    private static readonly Dictionary<Type, PrimitiveCodec> Codecs = Create();

    public static bool TryGet(Type type, out MessagePackCodec codec)
    {
        bool found = Codecs.TryGetValue(type, out PrimitiveCodec? primitive);
        codec = primitive!;
        return found;
    }

    private static Dictionary<Type, PrimitiveCodec> Create()
    {
        var codecs = new Dictionary<Type, PrimitiveCodec>();
        void Add(Type type, WriteFunc write, ReadFunc read) => codecs.Add(type, new PrimitiveCodec(type, write, read));

        Add(typeof(bool), static (ref MessagePackWriter w, object v) => w.WriteBoolean((bool)v), static (ref MessagePackReader r) => r.ReadBoolean() ? True : False);
        Add(typeof(byte), static (ref MessagePackWriter w, object v) => w.WriteUInt64((byte)v), static (ref MessagePackReader r) => (byte)r.ReadInt64InRange(byte.MinValue, byte.MaxValue));
        Add(typeof(sbyte), static (ref MessagePackWriter w, object v) => w.WriteInt64((sbyte)v), static (ref MessagePackReader r) => (sbyte)r.ReadInt64InRange(sbyte.MinValue, sbyte.MaxValue));
        Add(typeof(short), static (ref MessagePackWriter w, object v) => w.WriteInt64((short)v), static (ref MessagePackReader r) => (short)r.ReadInt64InRange(short.MinValue, short.MaxValue));
        Add(typeof(ushort), static (ref MessagePackWriter w, object v) => w.WriteUInt64((ushort)v), static (ref MessagePackReader r) => (ushort)r.ReadInt64InRange(ushort.MinValue, ushort.MaxValue));
        Add(typeof(int), static (ref MessagePackWriter w, object v) => w.WriteInt64((int)v), static (ref MessagePackReader r) => (int)r.ReadInt64InRange(int.MinValue, int.MaxValue));
        Add(typeof(uint), static (ref MessagePackWriter w, object v) => w.WriteUInt64((uint)v), static (ref MessagePackReader r) => (uint)r.ReadInt64InRange(uint.MinValue, uint.MaxValue));
        Add(typeof(long), static (ref MessagePackWriter w, object v) => w.WriteInt64((long)v), static (ref MessagePackReader r) => r.ReadInt64());
        Add(typeof(ulong), static (ref MessagePackWriter w, object v) => w.WriteUInt64((ulong)v), static (ref MessagePackReader r) => r.ReadUInt64());
        Add(typeof(float), static (ref MessagePackWriter w, object v) => w.WriteSingle((float)v), static (ref MessagePackReader r) => (float)r.ReadDouble());
        Add(typeof(double), static (ref MessagePackWriter w, object v) => w.WriteDouble((double)v), static (ref MessagePackReader r) => r.ReadDouble());
        Add(typeof(decimal), static (ref MessagePackWriter w, object v) => WriteDecimal(ref w, (decimal)v), static (ref MessagePackReader r) => ReadDecimal(ref r));
        Add(typeof(char), static (ref MessagePackWriter w, object v) => w.WriteString([(char)v]), static (ref MessagePackReader r) => ReadChar(ref r));
        Add(typeof(string), static (ref MessagePackWriter w, object v) => w.WriteString((string)v), static (ref MessagePackReader r) => r.ReadString());
        Add(typeof(byte[]), static (ref MessagePackWriter w, object v) => w.WriteBinary((byte[])v), static (ref MessagePackReader r) => r.ReadBinary().ToArray());
        Add(typeof(Guid), static (ref MessagePackWriter w, object v) => WriteGuid(ref w, (Guid)v), static (ref MessagePackReader r) => ReadGuid(ref r));
        Add(typeof(TimeSpan), static (ref MessagePackWriter w, object v) => w.WriteInt64(((TimeSpan)v).Ticks), static (ref MessagePackReader r) => TimeSpan.FromTicks(r.ReadInt64()));
        Add(typeof(DateOnly), static (ref MessagePackWriter w, object v) => w.WriteInt64(((DateOnly)v).DayNumber), static (ref MessagePackReader r) => DateOnly.FromDayNumber((int)r.ReadInt64InRange(DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber)));
        Add(typeof(TimeOnly), static (ref MessagePackWriter w, object v) => w.WriteInt64(((TimeOnly)v).Ticks), static (ref MessagePackReader r) => new TimeOnly(r.ReadInt64InRange(TimeOnly.MinValue.Ticks, TimeOnly.MaxValue.Ticks)));
        Add(typeof(DateTime), static (ref MessagePackWriter w, object v) => WriteDateTime(ref w, (DateTime)v), static (ref MessagePackReader r) => ReadDateTime(ref r));
        Add(typeof(DateTimeOffset), static (ref MessagePackWriter w, object v) => WriteDateTimeOffset(ref w, (DateTimeOffset)v), static (ref MessagePackReader r) => ReadDateTimeOffset(ref r));
        return codecs;
    }

    private static void WriteDecimal(ref MessagePackWriter writer, decimal value)
    {
        Span<char> text = stackalloc char[64];
        value.TryFormat(text, out int written, default, CultureInfo.InvariantCulture);
        writer.WriteString(text[..written]);
    }

    private static object ReadDecimal(ref MessagePackReader reader)
    {
        switch (reader.NextType)
        {
            case MessagePackType.Integer:
                return reader.PeekCode() == MessagePackCode.UInt64 ? (decimal)reader.ReadUInt64() : (decimal)reader.ReadInt64();
            case MessagePackType.Float:
                return (decimal)reader.ReadDouble();
            default:
                ReadOnlySpan<byte> text = reader.ReadStringBytes();
                return decimal.TryParse(text, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out decimal value)
                    ? value
                    : throw MessagePackReader.Invalid("a decimal str does not hold a number");
        }
    }

    private static char ReadChar(ref MessagePackReader reader)
    {
        string text = reader.ReadString();
        return text.Length == 1 ? text[0] : throw MessagePackReader.Invalid("a char must be a str of one UTF-16 unit");
    }

    private static void WriteGuid(ref MessagePackWriter writer, Guid value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes, bigEndian: true, out _);
        writer.WriteBinary(bytes);
    }

    private static Guid ReadGuid(ref MessagePackReader reader)
    {
        ReadOnlySpan<byte> bytes = reader.ReadBinary();
        return bytes.Length == 16 ? new Guid(bytes, bigEndian: true) : throw MessagePackReader.Invalid("a Guid must be bin of 16 bytes");
    }

    private static void WriteDateTime(ref MessagePackWriter writer, DateTime value)
    {
        if (value.Kind == DateTimeKind.Utc)
        {
            writer.WriteTimestamp(value);
            return;
        }

        writer.WriteExtensionHeader(MessagePackCode.DateTimeExtension, 8);
        Span<byte> data = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(data, value.ToBinary());
        writer.WriteRaw(data);
    }

    private static DateTime ReadDateTime(ref MessagePackReader reader)
    {
        int length = reader.ReadExtensionHeader(out sbyte type);
        return type switch
        {
            MessagePackCode.TimestampExtension => MessagePackReader.ToDateTime(reader.ReadTimestampData(length, out uint nanoseconds), nanoseconds),
            MessagePackCode.DateTimeExtension when length == 8 => DateTime.FromBinary(BinaryPrimitives.ReadInt64BigEndian(reader.ReadRaw(8))),
            _ => throw MessagePackReader.Invalid($"extension type {type} of {length} bytes is not a DateTime"),
        };
    }

    private static void WriteDateTimeOffset(ref MessagePackWriter writer, DateTimeOffset value)
    {
        if (value.Offset == TimeSpan.Zero)
        {
            writer.WriteTimestamp(value.UtcDateTime);
            return;
        }

        writer.WriteArrayHeader(2);
        writer.WriteTimestamp(value.UtcDateTime);
        writer.WriteInt64(value.TotalOffsetMinutes);
    }

    private static DateTimeOffset ReadDateTimeOffset(ref MessagePackReader reader)
    {
        if (reader.NextType == MessagePackType.Extension)
        {
            return new DateTimeOffset(reader.ReadTimestampAsDateTime());
        }

        if (reader.ReadArrayHeader() != 2)
        {
            throw MessagePackReader.Invalid("a DateTimeOffset is a timestamp or [timestamp, offset minutes]");
        }

        var utc = new DateTimeOffset(reader.ReadTimestampAsDateTime());
        return utc.ToOffset(TimeSpan.FromMinutes(reader.ReadInt64InRange(-14 * 60, 14 * 60)));
    }
}
