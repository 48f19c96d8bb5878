using System.Buffers;
using System.Buffers.Binary;

namespace CachemeNet.Internal;

/// <summary>
/// The byte layout of every value in a remote tier:
/// <code>
/// offset 0   1 byte   format version (1)
/// offset 1   1 byte   serializer format id (ICacheSerializer.FormatId)
/// offset 2   8 bytes  written-at time, Unix milliseconds, signed 64-bit little-endian
/// offset 10  …        payload written by the serializer
/// </code>
/// </summary>
internal static class RemoteEnvelope
{
    public const byte FormatVersion = 1;
    public const int HeaderSize = 10;

    public static byte[] Encode<T>(ICacheSerializer serializer, T value, DateTimeOffset writtenAt)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Span<byte> header = buffer.GetSpan(HeaderSize);
        header[0] = FormatVersion;
        header[1] = serializer.FormatId;
        BinaryPrimitives.WriteInt64LittleEndian(header[2..], writtenAt.ToUnixTimeMilliseconds());
        buffer.Advance(HeaderSize);
        serializer.Serialize(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a stored value; returns false with a reason for anything that is not this serializer's valid encoding.</summary>
    public static bool TryDecode<T>(ICacheSerializer serializer, byte[] bytes, out T value, out DateTimeOffset writtenAt, out string? error)
    {
        value = default!;
        writtenAt = default;
        if (bytes.Length < HeaderSize)
        {
            error = $"truncated envelope ({bytes.Length} bytes)";
            return false;
        }

        if (bytes[0] != FormatVersion)
        {
            error = $"unknown envelope format version {bytes[0]}";
            return false;
        }

        if (bytes[1] != serializer.FormatId)
        {
            error = $"written by serializer format {bytes[1]}, expected {serializer.FormatId}";
            return false;
        }

        long ms = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(2));
        if (ms < -62135596800000L || ms > 253402300799999L)
        {
            error = "written-at time out of range";
            return false;
        }

        try
        {
            value = serializer.Deserialize<T>(new ReadOnlySequence<byte>(bytes, HeaderSize, bytes.Length - HeaderSize));
        }
        catch (CacheSerializationException e)
        {
            // The documented decode failure; Cacheme's serializers wrap everything else they meet in it (a custom
            // serializer that throws something else is a bug that surfaces to the caller).
            error = e.Message;
            return false;
        }

        writtenAt = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        error = null;
        return true;
    }
}
