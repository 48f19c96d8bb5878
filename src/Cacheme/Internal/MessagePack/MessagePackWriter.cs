using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace CachemeNet.Internal.MessagePack;

/// <summary>
/// Writes MessagePack objects to an <see cref="IBufferWriter{T}"/>, always in the smallest format that holds the value
/// (as the specification recommends). Call <see cref="Flush"/> at the end.
/// </summary>
internal ref struct MessagePackWriter
{
    private const int MinChunk = 4096;
    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _position;

    public MessagePackWriter(IBufferWriter<byte> output)
    {
        _output = output;
        _span = default;
        _position = 0;
    }

    /// <summary>Commits everything written so far to the output.</summary>
    public void Flush()
    {
        if (_position > 0)
        {
            _output.Advance(_position);
        }

        _position = 0;
        _span = default;
    }

    public void WriteNil() => Take(1)[0] = MessagePackCode.Nil;

    public void WriteBoolean(bool value) => Take(1)[0] = value ? MessagePackCode.True : MessagePackCode.False;

    public void WriteInt64(long value)
    {
        if (value >= 0)
        {
            WriteUInt64((ulong)value);
        }
        else if (value >= -32)
        {
            Take(1)[0] = unchecked((byte)value);
        }
        else if (value >= sbyte.MinValue)
        {
            Span<byte> s = Take(2);
            s[0] = MessagePackCode.Int8;
            s[1] = unchecked((byte)value);
        }
        else if (value >= short.MinValue)
        {
            Span<byte> s = Take(3);
            s[0] = MessagePackCode.Int16;
            BinaryPrimitives.WriteInt16BigEndian(s[1..], (short)value);
        }
        else if (value >= int.MinValue)
        {
            Span<byte> s = Take(5);
            s[0] = MessagePackCode.Int32;
            BinaryPrimitives.WriteInt32BigEndian(s[1..], (int)value);
        }
        else
        {
            Span<byte> s = Take(9);
            s[0] = MessagePackCode.Int64;
            BinaryPrimitives.WriteInt64BigEndian(s[1..], value);
        }
    }

    public void WriteUInt64(ulong value)
    {
        if (value <= MessagePackCode.MaxPositiveFixInt)
        {
            Take(1)[0] = (byte)value;
        }
        else if (value <= byte.MaxValue)
        {
            Span<byte> s = Take(2);
            s[0] = MessagePackCode.UInt8;
            s[1] = (byte)value;
        }
        else if (value <= ushort.MaxValue)
        {
            Span<byte> s = Take(3);
            s[0] = MessagePackCode.UInt16;
            BinaryPrimitives.WriteUInt16BigEndian(s[1..], (ushort)value);
        }
        else if (value <= uint.MaxValue)
        {
            Span<byte> s = Take(5);
            s[0] = MessagePackCode.UInt32;
            BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)value);
        }
        else
        {
            Span<byte> s = Take(9);
            s[0] = MessagePackCode.UInt64;
            BinaryPrimitives.WriteUInt64BigEndian(s[1..], value);
        }
    }

    public void WriteSingle(float value)
    {
        Span<byte> s = Take(5);
        s[0] = MessagePackCode.Float32;
        BinaryPrimitives.WriteSingleBigEndian(s[1..], value);
    }

    public void WriteDouble(double value)
    {
        Span<byte> s = Take(9);
        s[0] = MessagePackCode.Float64;
        BinaryPrimitives.WriteDoubleBigEndian(s[1..], value);
    }

    public void WriteString(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        WriteStringHeader(length);
        Encoding.UTF8.GetBytes(value, Take(length));
    }

    public void WriteString(scoped ReadOnlySpan<char> value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        WriteStringHeader(length);
        Encoding.UTF8.GetBytes(value, Take(length));
    }

    /// <summary>Writes a str whose bytes are already UTF-8.</summary>
    public void WriteUtf8String(scoped ReadOnlySpan<byte> utf8)
    {
        WriteStringHeader(utf8.Length);
        utf8.CopyTo(Take(utf8.Length));
    }

    public void WriteStringHeader(int length)
    {
        if (length <= 31)
        {
            Take(1)[0] = (byte)(MessagePackCode.MinFixStr | length);
        }
        else
        {
            WriteLengthHeader(length, MessagePackCode.Str8, MessagePackCode.Str16, MessagePackCode.Str32);
        }
    }

    public void WriteBinary(scoped ReadOnlySpan<byte> value)
    {
        WriteLengthHeader(value.Length, MessagePackCode.Bin8, MessagePackCode.Bin16, MessagePackCode.Bin32);
        value.CopyTo(Take(value.Length));
    }

    public void WriteArrayHeader(int count)
    {
        if (count <= 15)
        {
            Take(1)[0] = (byte)(MessagePackCode.MinFixArray | count);
        }
        else
        {
            WriteCountHeader(count, MessagePackCode.Array16, MessagePackCode.Array32);
        }
    }

    public void WriteMapHeader(int count)
    {
        if (count <= 15)
        {
            Take(1)[0] = (byte)(MessagePackCode.MinFixMap | count);
        }
        else
        {
            WriteCountHeader(count, MessagePackCode.Map16, MessagePackCode.Map32);
        }
    }

    /// <summary>Writes an ext header (fixext when the length is 1, 2, 4, 8 or 16); the caller then writes <paramref name="length"/> bytes with <see cref="WriteRaw"/>.</summary>
    public void WriteExtensionHeader(sbyte type, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        byte fixCode = length switch
        {
            1 => MessagePackCode.FixExt1,
            2 => MessagePackCode.FixExt2,
            4 => MessagePackCode.FixExt4,
            8 => MessagePackCode.FixExt8,
            16 => MessagePackCode.FixExt16,
            _ => 0,
        };
        if (fixCode != 0)
        {
            Span<byte> s = Take(2);
            s[0] = fixCode;
            s[1] = unchecked((byte)type);
            return;
        }

        WriteLengthHeader(length, MessagePackCode.Ext8, MessagePackCode.Ext16, MessagePackCode.Ext32);
        Take(1)[0] = unchecked((byte)type);
    }

    public void WriteRaw(scoped ReadOnlySpan<byte> bytes) => bytes.CopyTo(Take(bytes.Length));

    /// <summary>
    /// Writes the timestamp extension (type -1) in its smallest form: timestamp 32 when the nanoseconds are zero and the
    /// seconds fit 32 unsigned bits, timestamp 64 when the seconds fit 34 unsigned bits, timestamp 96 otherwise.
    /// </summary>
    public void WriteTimestamp(long seconds, uint nanoseconds)
    {
        if (nanoseconds > 999_999_999)
        {
            throw new ArgumentOutOfRangeException(nameof(nanoseconds), nanoseconds, "Nanoseconds must be below one second.");
        }

        if ((ulong)seconds >> 34 == 0)
        {
            ulong data64 = ((ulong)nanoseconds << 34) | (ulong)seconds;
            if ((data64 & 0xffffffff00000000UL) == 0)
            {
                WriteExtensionHeader(MessagePackCode.TimestampExtension, 4);
                BinaryPrimitives.WriteUInt32BigEndian(Take(4), (uint)data64);
            }
            else
            {
                WriteExtensionHeader(MessagePackCode.TimestampExtension, 8);
                BinaryPrimitives.WriteUInt64BigEndian(Take(8), data64);
            }
        }
        else
        {
            WriteExtensionHeader(MessagePackCode.TimestampExtension, 12);
            Span<byte> s = Take(12);
            BinaryPrimitives.WriteUInt32BigEndian(s, nanoseconds);
            BinaryPrimitives.WriteInt64BigEndian(s[4..], seconds);
        }
    }

    /// <summary>Writes an instant as the timestamp extension, exact to the 100 ns tick.</summary>
    public void WriteTimestamp(DateTime utc)
    {
        long ticks = utc.Ticks - DateTime.UnixEpoch.Ticks;
        long seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }

        WriteTimestamp(seconds, (uint)(remainder * 100));
    }

    private void WriteLengthHeader(int length, byte code8, byte code16, byte code32)
    {
        if (length <= byte.MaxValue)
        {
            Span<byte> s = Take(2);
            s[0] = code8;
            s[1] = (byte)length;
        }
        else
        {
            WriteCountHeader(length, code16, code32);
        }
    }

    private void WriteCountHeader(int count, byte code16, byte code32)
    {
        if (count <= ushort.MaxValue)
        {
            Span<byte> s = Take(3);
            s[0] = code16;
            BinaryPrimitives.WriteUInt16BigEndian(s[1..], (ushort)count);
        }
        else
        {
            Span<byte> s = Take(5);
            s[0] = code32;
            BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)count);
        }
    }

    private Span<byte> Take(int length)
    {
        if (_span.Length - _position < length)
        {
            Flush();
            _span = _output.GetSpan(Math.Max(length, MinChunk));
        }

        Span<byte> taken = _span.Slice(_position, length);
        _position += length;
        return taken;
    }
}
