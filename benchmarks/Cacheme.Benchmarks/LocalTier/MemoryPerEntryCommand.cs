using System.Globalization;
using CachemeNet.Internal.Local;
using Microsoft.Extensions.Caching.Memory;

namespace CachemeNet.Benchmarks.LocalTier;

/// <summary>
/// The <c>local-memory</c> command: bytes of managed heap per entry after filling each cache with 1M entries
/// (keys and the shared value are created beforehand and not counted).
/// Run: <c>dotnet run -c Release --project benchmarks/Cacheme.Benchmarks -- local-memory [--entries 1000000]</c>
/// </summary>
internal static class MemoryPerEntryCommand
{
    public static int Run(string[] args)
    {
        int entries = args.Length == 2 && args[0] == "--entries" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        object[] keys = [.. Enumerable.Range(0, entries).Select(k => (object)new NodeKey(k))];
        object value = new();
        Console.WriteLine("cache,entries,bytes_per_entry,ratio_to_MemoryCache");
        double memoryCache = Measure(() =>
        {
            var cache = new MemoryCache(new MemoryCacheOptions());
            foreach (object key in keys)
            {
                cache.Set(key, value);
            }

            return cache;
        }, entries);
        foreach (string policy in new[] { "tlfu", "lru" })
        {
            double ours = Measure(() =>
            {
                var storage = LocalCacheStorage.Create(policy, entries, TimeProvider.System);
                foreach (object key in keys)
                {
                    storage.Set(key, value, null);
                }

                return storage;
            }, entries);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"local://{policy},{entries},{ours:F0},{ours / memoryCache:F2}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MemoryCache,{entries},{memoryCache:F0},1.00"));
        GC.KeepAlive(keys);
        return 0;
    }

    private static double Measure(Func<object> fill, int entries)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        object cache = fill();
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(cache);
        switch (cache)
        {
            case IDisposable disposable:
                disposable.Dispose();
                break;
            case IAsyncDisposable asyncDisposable:
                asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
                break;
        }

        return (double)(after - before) / entries;
    }

    /// <summary>A stand-in for a node record key.</summary>
    private sealed record NodeKey(int Id);
}
