using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;
using CachemeNet.Internal.Compression;

namespace CachemeNet;

/// <summary>
/// Compresses another serializer's output with zlib (RFC 1950) at level 3, as cacheme's Compressed serializers do. The
/// payload is exactly the zlib stream of the inner serializer's bytes. Decompression stops with
/// <see cref="CacheSerializationException"/> once the output would exceed <see cref="MaxPayloadBytes"/>, so a zip bomb
/// cannot allocate without bound.
/// </summary>
public sealed class CompressedCacheSerializer : ICacheSerializer
{
    /// <summary>The default largest decompressed payload: 64 MiB.</summary>
    public const int DefaultMaxPayloadBytes = 64 * 1024 * 1024;

    /// <summary>The zlib level used, as in cacheme.</summary>
    public const int CompressionLevel = 3;

    /// <summary>Creates a compressing wrapper.</summary>
    /// <param name="inner">The serializer whose bytes are compressed.</param>
    /// <param name="formatId">
    /// The envelope format id. Defaults to 3 over a <see cref="JsonCacheSerializer"/> (id 1) and 4 over a
    /// <see cref="MessagePackCacheSerializer"/> (id 2); required for any other inner serializer.
    /// </param>
    /// <param name="maxPayloadBytes">The largest decompressed payload accepted.</param>
    /// <exception cref="ArgumentException">No format id was given for a custom inner serializer.</exception>
    public CompressedCacheSerializer(ICacheSerializer inner, byte? formatId = null, int maxPayloadBytes = DefaultMaxPayloadBytes)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPayloadBytes);
        Inner = inner;
        MaxPayloadBytes = maxPayloadBytes;
        FormatId = formatId ?? inner.FormatId switch
        {
            1 => 3,
            2 => 4,
            _ => throw new ArgumentException($"Give a format id for compressing a serializer with format id {inner.FormatId}.", nameof(formatId)),
        };
        if (FormatId == inner.FormatId)
        {
            throw new ArgumentException("The compressed format id must differ from the inner serializer's.", nameof(formatId));
        }
    }

    /// <inheritdoc />
    public byte FormatId { get; }

    /// <summary>The serializer whose bytes are compressed.</summary>
    public ICacheSerializer Inner { get; }

    /// <summary>The largest decompressed payload accepted.</summary>
    public int MaxPayloadBytes { get; }

    /// <inheritdoc />
    public void Serialize<T>(T value, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var plain = new ArrayBufferWriter<byte>(1024);
        Inner.Serialize(value, plain);
        using var output = new BufferWriterStream(writer);
        using (var zlib = new ZLibStream(output, new ZLibCompressionOptions { CompressionLevel = CompressionLevel }, leaveOpen: true))
        {
            zlib.Write(plain.WrittenSpan);
        }
    }

    /// <inheritdoc />
    public T Deserialize<T>(ReadOnlySequence<byte> data)
    {
        byte[] plain;
        int length;
        try
        {
            using Stream input = AsStream(data);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            (plain, length) = BoundedInflater.ReadAll(zlib, MaxPayloadBytes);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new CacheSerializationException($"Invalid zlib data: {e.Message}", e);
        }

        try
        {
            return Inner.Deserialize<T>(new ReadOnlySequence<byte>(plain, 0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plain);
        }
    }

    private static MemoryStream AsStream(ReadOnlySequence<byte> data)
    {
        if (data.IsSingleSegment && MemoryMarshal.TryGetArray(data.First, out ArraySegment<byte> segment))
        {
            return new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false);
        }

        return new MemoryStream(data.ToArray(), writable: false);
    }
}
