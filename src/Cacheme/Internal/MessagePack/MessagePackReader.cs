using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace CachemeNet.Internal.MessagePack;

/// <summary>
/// Reads MessagePack objects from a span. Every length and count read from the input is checked against the bytes that
/// remain before anything is allocated or looped over, so forged headers cannot make it allocate more than the input's
/// size or loop without end; nesting is limited by the caller's depth. Every malformed input ends in
/// <see cref="CacheSerializationException"/>.
/// </summary>
internal ref struct MessagePackReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public MessagePackReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly bool End => _position >= _data.Length;

    private readonly int Remaining => _data.Length - _position;

    public readonly MessagePackType NextType
    {
        get
        {
            byte code = PeekCode();
            return code switch
            {
                <= MessagePackCode.MaxPositiveFixInt or >= MessagePackCode.MinNegativeFixInt => MessagePackType.Integer,
                <= MessagePackCode.MaxFixMap => MessagePackType.Map,
                <= MessagePackCode.MaxFixArray => MessagePackType.Array,
                <= MessagePackCode.MaxFixStr => MessagePackType.String,
                MessagePackCode.Nil => MessagePackType.Nil,
                MessagePackCode.False or MessagePackCode.True => MessagePackType.Boolean,
                MessagePackCode.Bin8 or MessagePackCode.Bin16 or MessagePackCode.Bin32 => MessagePackType.Binary,
                MessagePackCode.Ext8 or MessagePackCode.Ext16 or MessagePackCode.Ext32 => MessagePackType.Extension,
                >= MessagePackCode.FixExt1 and <= MessagePackCode.FixExt16 => MessagePackType.Extension,
                MessagePackCode.Float32 or MessagePackCode.Float64 => MessagePackType.Float,
                >= MessagePackCode.UInt8 and <= MessagePackCode.Int64 => MessagePackType.Integer,
                MessagePackCode.Str8 or MessagePackCode.Str16 or MessagePackCode.Str32 => MessagePackType.String,
                MessagePackCode.Array16 or MessagePackCode.Array32 => MessagePackType.Array,
                MessagePackCode.Map16 or MessagePackCode.Map32 => MessagePackType.Map,
                _ => throw Invalid($"format byte 0x{code:x2} is never used"),
            };
        }
    }

    public readonly byte PeekCode()
    {
        if (_position >= _data.Length)
        {
            ThrowTruncated();
        }

        return _data[_position];
    }

    /// <summary>Consumes a nil and returns true, or returns false and consumes nothing.</summary>
    public bool TryReadNil()
    {
        if (_position < _data.Length && _data[_position] == MessagePackCode.Nil)
        {
            _position++;
            return true;
        }

        return false;
    }

    public bool ReadBoolean() => ReadCode() switch
    {
        MessagePackCode.True => true,
        MessagePackCode.False => false,
        byte other => throw Mismatch("bool", other),
    };

    public long ReadInt64()
    {
        byte code = ReadCode();
        switch (code)
        {
            case <= MessagePackCode.MaxPositiveFixInt:
                return code;
            case >= MessagePackCode.MinNegativeFixInt:
                return unchecked((sbyte)code);
            case MessagePackCode.UInt8:
                return Take(1)[0];
            case MessagePackCode.UInt16:
                return BinaryPrimitives.ReadUInt16BigEndian(Take(2));
            case MessagePackCode.UInt32:
                return BinaryPrimitives.ReadUInt32BigEndian(Take(4));
            case MessagePackCode.UInt64:
                ulong big = BinaryPrimitives.ReadUInt64BigEndian(Take(8));
                return big <= long.MaxValue ? (long)big : throw Invalid($"integer {big} is out of range");
            case MessagePackCode.Int8:
                return unchecked((sbyte)Take(1)[0]);
            case MessagePackCode.Int16:
                return BinaryPrimitives.ReadInt16BigEndian(Take(2));
            case MessagePackCode.Int32:
                return BinaryPrimitives.ReadInt32BigEndian(Take(4));
            case MessagePackCode.Int64:
                return BinaryPrimitives.ReadInt64BigEndian(Take(8));
            default:
                throw Mismatch("integer", code);
        }
    }

    public ulong ReadUInt64()
    {
        if (PeekCode() == MessagePackCode.UInt64)
        {
            _position++;
            return BinaryPrimitives.ReadUInt64BigEndian(Take(8));
        }

        long value = ReadInt64();
        return value >= 0 ? (ulong)value : throw Invalid($"integer {value} is out of range");
    }

    /// <summary>Reads an integer and checks it lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public long ReadInt64InRange(long min, long max)
    {
        long value = ReadInt64();
        return value >= min && value <= max ? value : throw Invalid($"integer {value} is out of range");
    }

    /// <summary>Reads a float32, float64 or integer as a double.</summary>
    public double ReadDouble()
    {
        switch (PeekCode())
        {
            case MessagePackCode.Float32:
                _position++;
                return BinaryPrimitives.ReadSingleBigEndian(Take(4));
            case MessagePackCode.Float64:
                _position++;
                return BinaryPrimitives.ReadDoubleBigEndian(Take(8));
            case MessagePackCode.UInt64:
                return ReadUInt64();
            default:
                return NextType == MessagePackType.Integer ? ReadInt64() : throw Mismatch("float", PeekCode());
        }
    }

    /// <summary>Reads the UTF-8 bytes of a str without decoding them.</summary>
    public ReadOnlySpan<byte> ReadStringBytes()
    {
        byte code = ReadCode();
        int length = code switch
        {
            >= MessagePackCode.MinFixStr and <= MessagePackCode.MaxFixStr => code & 0x1f,
            MessagePackCode.Str8 => Take(1)[0],
            MessagePackCode.Str16 => BinaryPrimitives.ReadUInt16BigEndian(Take(2)),
            MessagePackCode.Str32 => ReadLength32(),
            _ => throw Mismatch("str", code),
        };
        return Take(length);
    }

    /// <summary>Reads a str and decodes it; invalid UTF-8 is an error.</summary>
    public string ReadString()
    {
        ReadOnlySpan<byte> bytes = ReadStringBytes();
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new CacheSerializationException("A MessagePack str is not valid UTF-8.", e);
        }
    }

    public ReadOnlySpan<byte> ReadBinary()
    {
        byte code = ReadCode();
        int length = code switch
        {
            MessagePackCode.Bin8 => Take(1)[0],
            MessagePackCode.Bin16 => BinaryPrimitives.ReadUInt16BigEndian(Take(2)),
            MessagePackCode.Bin32 => ReadLength32(),
            _ => throw Mismatch("bin", code),
        };
        return Take(length);
    }

    /// <summary>Reads an array header; the count is at most the bytes remaining, since every element takes at least one.</summary>
    public int ReadArrayHeader()
    {
        byte code = ReadCode();
        int count = code switch
        {
            >= MessagePackCode.MinFixArray and <= MessagePackCode.MaxFixArray => code & 0x0f,
            MessagePackCode.Array16 => BinaryPrimitives.ReadUInt16BigEndian(Take(2)),
            MessagePackCode.Array32 => ReadLength32(),
            _ => throw Mismatch("array", code),
        };
        return count <= Remaining ? count : throw Truncated();
    }

    /// <summary>Reads a map header; the count is at most half the bytes remaining, since every key and value takes at least one.</summary>
    public int ReadMapHeader()
    {
        byte code = ReadCode();
        int count = code switch
        {
            >= MessagePackCode.MinFixMap and <= MessagePackCode.MaxFixMap => code & 0x0f,
            MessagePackCode.Map16 => BinaryPrimitives.ReadUInt16BigEndian(Take(2)),
            MessagePackCode.Map32 => ReadLength32(),
            _ => throw Mismatch("map", code),
        };
        return count <= Remaining / 2 ? count : throw Truncated();
    }

    /// <summary>Reads an ext header and returns its data length; the data follows (read it with <see cref="ReadRaw"/>).</summary>
    public int ReadExtensionHeader(out sbyte type)
    {
        byte code = ReadCode();
        int length = code switch
        {
            MessagePackCode.FixExt1 => 1,
            MessagePackCode.FixExt2 => 2,
            MessagePackCode.FixExt4 => 4,
            MessagePackCode.FixExt8 => 8,
            MessagePackCode.FixExt16 => 16,
            MessagePackCode.Ext8 => Take(1)[0],
            MessagePackCode.Ext16 => BinaryPrimitives.ReadUInt16BigEndian(Take(2)),
            MessagePackCode.Ext32 => ReadLength32(),
            _ => throw Mismatch("ext", code),
        };
        type = unchecked((sbyte)Take(1)[0]);
        return length <= Remaining ? length : throw Truncated();
    }

    public ReadOnlySpan<byte> ReadRaw(int length) => Take(length);

    /// <summary>Reads the timestamp extension (32, 64 or 96) as seconds and nanoseconds since the Unix epoch.</summary>
    public long ReadTimestamp(out uint nanoseconds)
    {
        int length = ReadExtensionHeader(out sbyte type);
        if (type != MessagePackCode.TimestampExtension)
        {
            throw Invalid($"expected the timestamp extension (-1), found extension type {type}");
        }

        return ReadTimestampData(length, out nanoseconds);
    }

    /// <summary>Decodes the data of a timestamp extension whose header has been read.</summary>
    public long ReadTimestampData(int length, out uint nanoseconds)
    {
        long seconds;
        switch (length)
        {
            case 4:
                nanoseconds = 0;
                return BinaryPrimitives.ReadUInt32BigEndian(Take(4));
            case 8:
                ulong data64 = BinaryPrimitives.ReadUInt64BigEndian(Take(8));
                nanoseconds = (uint)(data64 >> 34);
                seconds = (long)(data64 & 0x3_ffff_ffffUL);
                break;
            case 12:
                ReadOnlySpan<byte> data = Take(12);
                nanoseconds = BinaryPrimitives.ReadUInt32BigEndian(data);
                seconds = BinaryPrimitives.ReadInt64BigEndian(data[4..]);
                break;
            default:
                throw Invalid($"a timestamp has 4, 8 or 12 bytes, not {length}");
        }

        return nanoseconds <= 999_999_999 ? seconds : throw Invalid($"timestamp nanoseconds {nanoseconds} exceed one second");
    }

    /// <summary>Reads a timestamp as a UTC <see cref="DateTime"/>; sub-tick nanoseconds are truncated.</summary>
    public DateTime ReadTimestampAsDateTime()
    {
        long seconds = ReadTimestamp(out uint nanoseconds);
        return ToDateTime(seconds, nanoseconds);
    }

    public static DateTime ToDateTime(long seconds, uint nanoseconds)
    {
        const long MinSeconds = -62135596800L;   // 0001-01-01T00:00:00Z
        const long MaxSeconds = 253402300799L;   // 9999-12-31T23:59:59Z
        if (seconds < MinSeconds || seconds > MaxSeconds)
        {
            throw Invalid($"timestamp {seconds} s is outside DateTime's range");
        }

        return new DateTime(DateTime.UnixEpoch.Ticks + (seconds * TimeSpan.TicksPerSecond) + (nanoseconds / 100), DateTimeKind.Utc);
    }

    /// <summary>Skips one object and everything nested in it.</summary>
    public void Skip(int depth)
    {
        switch (NextType)
        {
            case MessagePackType.Nil:
            case MessagePackType.Boolean:
                _position++;
                return;
            case MessagePackType.Integer:
                ReadInt64OrUInt64();
                return;
            case MessagePackType.Float:
                ReadDouble();
                return;
            case MessagePackType.String:
                ReadStringBytes();
                return;
            case MessagePackType.Binary:
                ReadBinary();
                return;
            case MessagePackType.Array:
                int items = ReadArrayHeader();
                CheckDepth(depth + 1);
                for (int i = 0; i < items; i++)
                {
                    Skip(depth + 1);
                }

                return;
            case MessagePackType.Map:
                int entries = ReadMapHeader();
                CheckDepth(depth + 1);
                for (int i = 0; i < entries * 2; i++)
                {
                    Skip(depth + 1);
                }

                return;
            default:
                Take(ReadExtensionHeader(out _));
                return;
        }
    }

    private void ReadInt64OrUInt64()
    {
        if (PeekCode() == MessagePackCode.UInt64)
        {
            ReadUInt64();
        }
        else
        {
            ReadInt64();
        }
    }

    /// <summary>Throws when <paramref name="depth"/> exceeds the nesting limit.</summary>
    public static void CheckDepth(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Invalid($"nesting deeper than {MaxDepth} levels");
        }
    }

    /// <summary>The deepest nesting accepted (the same default as System.Text.Json).</summary>
    public const int MaxDepth = 64;

    /// <summary>Throws unless every byte has been consumed.</summary>
    public readonly void EnsureEnd()
    {
        if (_position != _data.Length)
        {
            throw Invalid($"{_data.Length - _position} unexpected bytes after the value");
        }
    }

    private byte ReadCode() => Take(1)[0];

    private int ReadLength32()
    {
        uint length = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
        return length <= (uint)Remaining ? (int)length : throw Truncated();
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if ((uint)length > (uint)Remaining)
        {
            ThrowTruncated();
        }

        ReadOnlySpan<byte> taken = _data.Slice(_position, length);
        _position += length;
        return taken;
    }

    public readonly CacheSerializationException Mismatch(string expected, byte code) =>
        Invalid($"expected {expected} but found format byte 0x{code:x2} at offset {_position - 1}");

    public static CacheSerializationException Invalid(string message) => new($"Invalid MessagePack: {message}.");

    private static CacheSerializationException Truncated() => Invalid("the data is truncated");

    [DoesNotReturn]
    private static void ThrowTruncated() => throw Truncated();
}
