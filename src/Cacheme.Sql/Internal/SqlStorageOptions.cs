using System.Globalization;

namespace CachemeNet.Sql.Internal;

/// <summary>
/// The SQL storages' expiry-sweeper options from <see cref="Storage.Options"/>: <c>sweep_interval</c> (seconds, default 60)
/// and <c>sweep_batch_size</c> (rows per DELETE, default 500).
/// </summary>
internal sealed record SqlStorageOptions(TimeSpan SweepInterval, int SweepBatchSize)
{
    public const string SweepIntervalOption = "sweep_interval";
    public const string SweepBatchSizeOption = "sweep_batch_size";

    public static SqlStorageOptions From(Storage storage)
    {
        double seconds = Read(storage, SweepIntervalOption, 60, s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 ? v : (double?)null);
        int batch = Read(storage, SweepBatchSizeOption, 500, s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : (int?)null);
        return new SqlStorageOptions(TimeSpan.FromSeconds(seconds), batch);
    }

    private static T Read<T>(Storage storage, string name, T fallback, Func<string, T?> parse)
        where T : struct
    {
        if (!storage.Options.TryGetValue(name, out string? text))
        {
            return fallback;
        }

        return parse(text) ?? throw new ArgumentException($"Storage option {name}='{text}' of '{storage.RedactedUrl}' must be a positive number.", nameof(storage));
    }
}
