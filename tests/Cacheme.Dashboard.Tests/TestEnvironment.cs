namespace CachemeNet.Dashboard.Tests;

/// <summary>What the test command provides: the Redis URL and the repository root (for artifacts).</summary>
public static class TestEnvironment
{
    /// <summary>The Redis started by scripts/test.sh. Tests fail (not skip) without it.</summary>
    public static string RedisUrl => Environment.GetEnvironmentVariable("CACHEME_TEST_REDIS") is { Length: > 0 } url
        ? url
        : throw new InvalidOperationException("CACHEME_TEST_REDIS is not set: run `bash scripts/test.sh`, which starts Redis and exports it (e.g. redis://127.0.0.1:6390).");

    /// <summary>The Redis Cluster started by scripts/test.sh.</summary>
    public static string RedisClusterUrl => Environment.GetEnvironmentVariable("CACHEME_TEST_REDIS_CLUSTER") is { Length: > 0 } url
        ? url
        : throw new InvalidOperationException("CACHEME_TEST_REDIS_CLUSTER is not set: run `bash scripts/test.sh`, which starts a Redis Cluster and exports it.");

    /// <summary>The directory holding Cacheme.sln.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Cacheme.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"Cacheme.sln not found above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        T last = await probe();
        while (!condition(last))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0} s waiting for {what}; last value: {last}");
            }

            await Task.Delay(50);
            last = await probe();
        }

        return last;
    }
}
