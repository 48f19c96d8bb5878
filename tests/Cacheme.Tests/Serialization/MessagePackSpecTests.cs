using System.Buffers;
using CachemeNet.Internal.MessagePack;

namespace CachemeNet.Serialization.Tests;

/// <summary>
/// The codec against the MessagePack specification (github.com/msgpack/msgpack, spec.md), byte for byte: every format's
/// boundaries, the minimal-size rule for writing, any-size acceptance for reading, and the timestamp extension's three forms.
/// </summary>
public class MessagePackSpecTests
{
    private delegate void WriteAction(ref MessagePackWriter writer);

    private delegate T ReadAction<T>(ref MessagePackReader reader);

    [Theory]
    [InlineData(0L, "00")]
    [InlineData(127L, "7F")]
    [InlineData(128L, "CC80")]
    [InlineData(255L, "CCFF")]
    [InlineData(256L, "CD0100")]
    [InlineData(65535L, "CDFFFF")]
    [InlineData(65536L, "CE00010000")]
    [InlineData(4294967295L, "CEFFFFFFFF")]
    [InlineData(4294967296L, "CF0000000100000000")]
    [InlineData(long.MaxValue, "CF7FFFFFFFFFFFFFFF")]
    [InlineData(-1L, "FF")]
    [InlineData(-32L, "E0")]
    [InlineData(-33L, "D0DF")]
    [InlineData(-128L, "D080")]
    [InlineData(-129L, "D1FF7F")]
    [InlineData(-32768L, "D18000")]
    [InlineData(-32769L, "D2FFFF7FFF")]
    [InlineData(-2147483648L, "D280000000")]
    [InlineData(-2147483649L, "D3FFFFFFFF7FFFFFFF")]
    [InlineData(long.MinValue, "D38000000000000000")]
    public void Integers_use_the_smallest_format_and_read_back(long value, string hex)
    {
        Assert.Equal(hex, Write((ref MessagePackWriter w) => w.WriteInt64(value)));
        Assert.Equal(value, Read(hex, (ref MessagePackReader r) => r.ReadInt64()));
    }

    [Fact]
    public void Uint64_beyond_int64_and_non_minimal_integers()
    {
        Assert.Equal("CFFFFFFFFFFFFFFFFF", Write((ref MessagePackWriter w) => w.WriteUInt64(ulong.MaxValue)));
        Assert.Equal(ulong.MaxValue, Read("CFFFFFFFFFFFFFFFFF", (ref MessagePackReader r) => r.ReadUInt64()));
        Assert.Throws<CacheSerializationException>(() => Read("CFFFFFFFFFFFFFFFFF", (ref MessagePackReader r) => r.ReadInt64()));
        Assert.Throws<CacheSerializationException>(() => Read("FF", (ref MessagePackReader r) => r.ReadUInt64()));

        // A decoder accepts every width, not only the smallest.
        Assert.Equal(1L, Read("CD0001", (ref MessagePackReader r) => r.ReadInt64()));
        Assert.Equal(1L, Read("D30000000000000001", (ref MessagePackReader r) => r.ReadInt64()));
        Assert.Equal(-1L, Read("D1FFFF", (ref MessagePackReader r) => r.ReadInt64()));
    }

    [Fact]
    public void Nil_booleans_and_floats()
    {
        Assert.Equal("C0", Write((ref MessagePackWriter w) => w.WriteNil()));
        Assert.Equal("C2", Write((ref MessagePackWriter w) => w.WriteBoolean(false)));
        Assert.Equal("C3", Write((ref MessagePackWriter w) => w.WriteBoolean(true)));
        Assert.Equal("CA3FC00000", Write((ref MessagePackWriter w) => w.WriteSingle(1.5f)));
        Assert.Equal("CB3FF8000000000000", Write((ref MessagePackWriter w) => w.WriteDouble(1.5)));
        Assert.Equal("CBFFF0000000000000", Write((ref MessagePackWriter w) => w.WriteDouble(double.NegativeInfinity)));
        Assert.Equal(1.5, Read("CA3FC00000", (ref MessagePackReader r) => r.ReadDouble()));
        Assert.Equal(1.5, Read("CB3FF8000000000000", (ref MessagePackReader r) => r.ReadDouble()));
        Assert.True(Read("C3", (ref MessagePackReader r) => r.ReadBoolean()));
        Assert.True(Read("C0", (ref MessagePackReader r) => r.TryReadNil()));
    }

    [Theory]
    [InlineData(0, "A0")]
    [InlineData(1, "A1")]
    [InlineData(31, "BF")]
    [InlineData(32, "D920")]
    [InlineData(255, "D9FF")]
    [InlineData(256, "DA0100")]
    [InlineData(65535, "DAFFFF")]
    [InlineData(65536, "DB00010000")]
    public void Str_headers_at_each_boundary(int length, string header)
    {
        string text = new('a', length);
        string hex = Write((ref MessagePackWriter w) => w.WriteString(text));
        Assert.Equal(header + new string('6', length * 2).Replace("66", "61", StringComparison.Ordinal), hex);
        Assert.Equal(text, Read(hex, (ref MessagePackReader r) => r.ReadString()));
    }

    [Fact]
    public void Str_is_utf8_and_rejects_invalid_utf8()
    {
        Assert.Equal("A3E282AC", Write((ref MessagePackWriter w) => w.WriteString("€")));
        Assert.Equal("A4F09F9880", Write((ref MessagePackWriter w) => w.WriteString("😀")));
        Assert.Throws<CacheSerializationException>(() => Read("A2C328", (ref MessagePackReader r) => r.ReadString()));
    }

    [Theory]
    [InlineData(0, "C400")]
    [InlineData(255, "C4FF")]
    [InlineData(256, "C50100")]
    [InlineData(65535, "C5FFFF")]
    [InlineData(65536, "C600010000")]
    public void Bin_headers_at_each_boundary(int length, string header)
    {
        byte[] data = new byte[length];
        string hex = Write((ref MessagePackWriter w) => w.WriteBinary(data));
        Assert.StartsWith(header, hex, StringComparison.Ordinal);
        Assert.Equal(header.Length / 2 + length, hex.Length / 2);
        Assert.Equal(length, Read(hex, (ref MessagePackReader r) => r.ReadBinary().Length));
    }

    [Theory]
    [InlineData(0, "90", "80")]
    [InlineData(15, "9F", "8F")]
    [InlineData(16, "DC0010", "DE0010")]
    [InlineData(65535, "DCFFFF", "DEFFFF")]
    [InlineData(65536, "DD00010000", "DF00010000")]
    public void Array_and_map_headers_at_each_boundary(int count, string arrayHeader, string mapHeader)
    {
        Assert.Equal(arrayHeader, Write((ref MessagePackWriter w) => w.WriteArrayHeader(count)));
        Assert.Equal(mapHeader, Write((ref MessagePackWriter w) => w.WriteMapHeader(count)));
        string items = string.Concat(Enumerable.Repeat("00", count * 2));
        Assert.Equal(count, Read(arrayHeader + items, (ref MessagePackReader r) => r.ReadArrayHeader(), whole: false));
        Assert.Equal(count, Read(mapHeader + items, (ref MessagePackReader r) => r.ReadMapHeader(), whole: false));
        if (count > 0)
        {
            Assert.Throws<CacheSerializationException>(() => Read(arrayHeader + items[..((count * 2) - 2)], (ref MessagePackReader r) => { r.Skip(0); return 0; }));
        }
    }

    [Theory]
    [InlineData(1, "D405")]
    [InlineData(2, "D505")]
    [InlineData(4, "D605")]
    [InlineData(8, "D705")]
    [InlineData(16, "D805")]
    [InlineData(0, "C70005")]
    [InlineData(3, "C70305")]
    [InlineData(255, "C7FF05")]
    [InlineData(256, "C8010005")]
    [InlineData(65536, "C90001000005")]
    public void Fixext_and_ext_headers(int length, string header)
    {
        Assert.Equal(header, Write((ref MessagePackWriter w) => w.WriteExtensionHeader(5, length)));
        string data = string.Concat(Enumerable.Repeat("AB", length));
        Assert.Equal((length, (sbyte)5), Read(header + data, (ref MessagePackReader r) => (r.ReadExtensionHeader(out sbyte type), type), whole: false));
    }

    [Theory]
    [InlineData(0L, 0u, "D6FF00000000")]
    [InlineData(4294967295L, 0u, "D6FFFFFFFFFF")]
    [InlineData(4294967296L, 0u, "D7FF0000000100000000")]
    [InlineData(1L, 1u, "D7FF0000000400000001")]
    [InlineData(17179869183L, 999999999u, "D7FFEE6B27FFFFFFFFFF")]
    [InlineData(17179869184L, 0u, "C70CFF000000000000000400000000")]
    [InlineData(-1L, 0u, "C70CFF00000000FFFFFFFFFFFFFFFF")]
    [InlineData(-62135596800L, 0u, "C70CFF00000000FFFFFFF1886E0900")]
    public void Timestamp_32_64_and_96(long seconds, uint nanoseconds, string hex)
    {
        Assert.Equal(hex, Write((ref MessagePackWriter w) => w.WriteTimestamp(seconds, nanoseconds)));
        Assert.Equal((seconds, nanoseconds), Read(hex, (ref MessagePackReader r) => (r.ReadTimestamp(out uint ns), ns)));
    }

    [Fact]
    public void Timestamp_from_DateTime_and_invalid_nanoseconds()
    {
        var halfSecond = DateTime.UnixEpoch.AddMilliseconds(500);
        Assert.Equal("D7FF7735940000000000", Write((ref MessagePackWriter w) => w.WriteTimestamp(halfSecond)));
        Assert.Equal(halfSecond, Read("D7FF7735940000000000", (ref MessagePackReader r) => r.ReadTimestampAsDateTime()));
        // One tick before the epoch: -1 s and 999,999,900 ns.
        Assert.Equal("C70CFF3B9AC99CFFFFFFFFFFFFFFFF", Write((ref MessagePackWriter w) => w.WriteTimestamp(DateTime.UnixEpoch.AddTicks(-1))));
        // nanoseconds 1,000,000,000 in a timestamp 96.
        Assert.Throws<CacheSerializationException>(() => Read("C70CFF3B9ACA000000000000000000", (ref MessagePackReader r) => r.ReadTimestamp(out _)));
    }

    [Theory]
    [InlineData("C1")]
    [InlineData("")]
    [InlineData("CD01")]
    [InlineData("D9FF61")]
    [InlineData("DBFFFFFFFF")]
    [InlineData("C6FFFFFFFF")]
    [InlineData("DDFFFFFFFF00")]
    [InlineData("DFFFFFFFFF0000")]
    [InlineData("C9FFFFFFFF01")]
    public void Malformed_or_forged_headers_are_rejected_without_allocating(string hex)
    {
        Assert.Throws<CacheSerializationException>(() => Read(hex, (ref MessagePackReader r) =>
        {
            r.Skip(0);
            return 0;
        }));
    }

    [Fact]
    public void Nesting_is_limited()
    {
        string deep = string.Concat(Enumerable.Repeat("91", 200)) + "C0";
        Assert.Throws<CacheSerializationException>(() => Read(deep, (ref MessagePackReader r) =>
        {
            r.Skip(0);
            return 0;
        }));
        Assert.Throws<CacheSerializationException>(() => Serializers.MessagePack.Deserialize<object>(new ReadOnlySequence<byte>(Convert.FromHexString(deep))));
        Assert.Throws<CacheSerializationException>(() => Serializers.MessagePack.Deserialize<List<object>>(new ReadOnlySequence<byte>(Convert.FromHexString(deep))));
    }

    [Fact]
    public void Serialized_values_follow_the_documented_mapping()
    {
        Assert.Equal("93010203", Hex(new[] { 1, 2, 3 }));
        Assert.Equal("82A15801A15902", Hex(new Point(1, 2)));
        Assert.Equal("81FFA161", Hex(new Dictionary<int, string> { [-1] = "a" }));
        Assert.Equal("C41000112233445566778899AABBCCDDEEFF", Hex(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff")));
        Assert.Equal("A4312E3130", Hex(1.10m));
        Assert.Equal("CE05F5E100", Hex(TimeSpan.FromSeconds(10)));
        Assert.Equal("D6FF00000000", Hex(DateTime.UnixEpoch));
        Assert.Equal("D6FF00000000", Hex(new DateTimeOffset(DateTime.UnixEpoch)));
        Assert.Equal("92D6FF000000003C", Hex(new DateTimeOffset(1970, 1, 1, 1, 0, 0, TimeSpan.FromHours(1))));
        Assert.Equal("D702" + new DateTime(2000, 1, 1).ToBinary().ToString("X16", System.Globalization.CultureInfo.InvariantCulture), Hex(new DateTime(2000, 1, 1)));
        Assert.Equal("C403010203", Hex(new byte[] { 1, 2, 3 }));
        Assert.Equal("05", Hex(Colour.Green));
        Assert.Equal("C0", Hex<int?>(null));
    }

    private static string Hex<T>(T value) => Convert.ToHexString(SerializerCases.Encode(Serializers.MessagePack, value));

    private static string Write(WriteAction action)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        action(ref writer);
        writer.Flush();
        return Convert.ToHexString(buffer.WrittenSpan);
    }

    private static T Read<T>(string hex, ReadAction<T> action, bool whole = true)
    {
        var reader = new MessagePackReader(Convert.FromHexString(hex));
        T value = action(ref reader);
        if (whole)
        {
            reader.EnsureEnd();
        }

        return value;
    }
}
