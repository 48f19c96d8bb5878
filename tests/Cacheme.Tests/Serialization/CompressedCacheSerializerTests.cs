using System.Buffers;
using System.IO.Compression;
using static CachemeNet.Serialization.Tests.SerializerCases;

namespace CachemeNet.Serialization.Tests;

public class CompressedCacheSerializerTests
{
    [Fact]
    public void Format_ids_are_distinct_and_documented()
    {
        Assert.Equal([1, 2, 3, 4], ByName.Values.Select(s => (int)s.FormatId));
        Assert.Throws<ArgumentException>(() => new CompressedCacheSerializer(new CustomSerializer()));
        Assert.Equal(200, new CompressedCacheSerializer(new CustomSerializer(), formatId: 200).FormatId);
        Assert.Throws<ArgumentException>(() => new CompressedCacheSerializer(Serializers.Json, formatId: 1));
    }

    [Theory]
    [InlineData("Json")]
    [InlineData("MessagePack")]
    public void The_payload_is_the_inner_bytes_as_a_zlib_level_3_stream(string innerName)
    {
        ICacheSerializer inner = ByName[innerName];
        var compressed = new CompressedCacheSerializer(inner);
        List<Order> value = [.. Enumerable.Range(0, 50).Select(SerializerRoundTripTests.SampleOrder)];
        byte[] plain = Encode(inner, value);
        byte[] payload = Encode(compressed, value);

        var expected = new MemoryStream();
        using (var zlib = new ZLibStream(expected, new ZLibCompressionOptions { CompressionLevel = 3 }, leaveOpen: true))
        {
            zlib.Write(plain);
        }

        Assert.Equal(expected.ToArray(), payload);
        Assert.Equal(0x78, payload[0]);
        Assert.True(payload.Length < plain.Length / 3);
        using var inflate = new ZLibStream(new MemoryStream(payload), CompressionMode.Decompress);
        var inflated = new MemoryStream();
        inflate.CopyTo(inflated);
        Assert.Equal(plain, inflated.ToArray());
    }

    [Fact]
    public void A_zip_bomb_stops_at_the_payload_limit()
    {
        // 64 MiB of zeros compress to about 64 KiB; a 1 MiB limit must stop it early.
        var bomb = new MemoryStream();
        using (var zlib = new ZLibStream(bomb, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++)
            {
                zlib.Write(zeros);
            }
        }

        var limited = new CompressedCacheSerializer(Serializers.MessagePack, maxPayloadBytes: 1 << 20);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CacheSerializationException>(() => limited.Deserialize<byte[]>(new ReadOnlySequence<byte>(bomb.ToArray())));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("limit", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void A_payload_at_the_limit_still_decodes()
    {
        byte[] blob = new byte[1000];
        new Random(1).NextBytes(blob);
        var limited = new CompressedCacheSerializer(Serializers.MessagePack, maxPayloadBytes: 1003);
        Assert.Equal(blob, RoundTrip(limited, blob));
        var tooSmall = new CompressedCacheSerializer(Serializers.MessagePack, maxPayloadBytes: 1002);
        Assert.Throws<CacheSerializationException>(() => Decode<byte[]>(tooSmall, Encode(limited, blob)));
    }

    private sealed class CustomSerializer : ICacheSerializer
    {
        public byte FormatId => 150;

        public void Serialize<T>(T value, IBufferWriter<byte> writer) => throw new NotSupportedException();

        public T Deserialize<T>(ReadOnlySequence<byte> data) => throw new NotSupportedException();
    }
}
