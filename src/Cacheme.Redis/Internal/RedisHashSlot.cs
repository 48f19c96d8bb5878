using System.Text;

namespace CachemeNet.Redis.Internal;

/// <summary>
/// Redis Cluster key slots, from the cluster specification: <c>HASH_SLOT = CRC16(key) mod 16384</c>, where CRC16 is the
/// XMODEM variant (polynomial 0x1021, initial value 0, no reflection, no final XOR) over the key's bytes, and when the
/// key contains <c>{…}</c> with at least one byte between the first <c>{</c> and the next <c>}</c>, only those bytes are hashed.
/// </summary>
internal static class RedisHashSlot
{
    public const int SlotCount = 16384;

    private static readonly ushort[] Table = BuildTable();

    /// <summary>The slot of a key (encoded as UTF-8, as the client sends it).</summary>
    public static int Of(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int length = Encoding.UTF8.GetByteCount(key);
        Span<byte> bytes = length <= 512 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(key, bytes);
        return Of(bytes);
    }

    /// <summary>The slot of a key given as bytes.</summary>
    public static int Of(ReadOnlySpan<byte> key)
    {
        int open = key.IndexOf((byte)'{');
        if (open >= 0)
        {
            int close = key[(open + 1)..].IndexOf((byte)'}');
            if (close > 0)
            {
                key = key.Slice(open + 1, close);
            }
        }

        return Crc16(key) & (SlotCount - 1);
    }

    /// <summary>CRC-16/XMODEM.</summary>
    public static ushort Crc16(ReadOnlySpan<byte> data)
    {
        ushort crc = 0;
        foreach (byte b in data)
        {
            crc = (ushort)((crc << 8) ^ Table[((crc >> 8) ^ b) & 0xFF]);
        }

        return crc;
    }

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (int i = 0; i < 256; i++)
        {
            int crc = i << 8;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }

            table[i] = (ushort)crc;
        }

        return table;
    }
}
