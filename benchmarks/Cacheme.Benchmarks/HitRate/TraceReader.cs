using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace CachemeNet.Benchmarks.HitRate;

/// <summary>The trace file formats the simulator reads (see shared/traces/README.md).</summary>
internal enum TraceFormat
{
    /// <summary>One non-negative integer key per line; other lines are skipped.</summary>
    Lirs,

    /// <summary>One integer key per line (same reader as <see cref="Lirs"/>).</summary>
    Keys,

    /// <summary>Lines "start count ignored request-number": the keys start .. start+count-1.</summary>
    Arc,

    /// <summary>8-byte big-endian signed integers, one key each.</summary>
    Corda,
}

/// <summary>Reads a whole trace into memory as keys; gzip-compressed files are recognised by their magic bytes.</summary>
internal static class TraceReader
{
    public static TraceFormat ParseFormat(string text) => text.ToLowerInvariant() switch
    {
        "lirs" => TraceFormat.Lirs,
        "keys" => TraceFormat.Keys,
        "arc" => TraceFormat.Arc,
        "corda" => TraceFormat.Corda,
        _ => throw new ArgumentException($"Unknown trace format '{text}'; use lirs, arc, corda or keys."),
    };

    public static long[] Read(string path, TraceFormat format)
    {
        using Stream stream = Open(path);
        var keys = new List<long>(1 << 16);
        switch (format)
        {
            case TraceFormat.Lirs:
            case TraceFormat.Keys:
                ReadLines(stream, line =>
                {
                    if (long.TryParse(line.AsSpan().Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long key))
                    {
                        keys.Add(key);
                    }
                });
                break;
            case TraceFormat.Arc:
                ReadLines(stream, line =>
                {
                    string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length >= 2
                        && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long start)
                        && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long count))
                    {
                        for (long i = 0; i < count; i++)
                        {
                            keys.Add(start + i);
                        }
                    }
                });
                break;
            case TraceFormat.Corda:
                Span<byte> buffer = stackalloc byte[8];
                while (stream.ReadAtLeast(buffer, 8, throwOnEndOfStream: false) == 8)
                {
                    keys.Add(BinaryPrimitives.ReadInt64BigEndian(buffer));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }

        return [.. keys];
    }

    private static Stream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        int first = file.ReadByte();
        int second = file.ReadByte();
        file.Position = 0;
        return first == 0x1f && second == 0x8b ? new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16) : file;
    }

    private static void ReadLines(Stream stream, Action<string> onLine)
    {
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            onLine(line);
        }
    }
}
