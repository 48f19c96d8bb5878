using System.Buffers;

namespace CachemeNet.Internal.Compression;

/// <summary>Reads a decompressing stream to its end into a pooled buffer that grows with the output, up to a limit.</summary>
internal static class BoundedInflater
{
    private const int InitialSize = 4096;

    /// <summary>Returns a rented buffer (return it to <see cref="ArrayPool{T}.Shared"/>) and the number of bytes in it.</summary>
    /// <exception cref="CacheSerializationException">The output exceeds <paramref name="maxBytes"/>.</exception>
    public static (byte[] Buffer, int Length) ReadAll(Stream source, int maxBytes)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialSize, maxBytes + 1));
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBytes)
                    {
                        throw new CacheSerializationException($"The decompressed payload exceeds the limit of {maxBytes} bytes.");
                    }

                    byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, (long)maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read = source.Read(buffer, length, Math.Min(buffer.Length, maxBytes + 1) - length);
                if (read == 0)
                {
                    return (buffer, length);
                }

                length += read;
                if (length > maxBytes)
                {
                    throw new CacheSerializationException($"The decompressed payload exceeds the limit of {maxBytes} bytes.");
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
