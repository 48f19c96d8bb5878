namespace CachemeNet.Storages.Tests;

/// <summary>
/// The servers started by scripts/services.sh (run by `bash scripts/test.sh`). A missing variable fails the test: no backend
/// test is ever skipped.
/// </summary>
public static class TestServers
{
    public static string Redis => Require("CACHEME_TEST_REDIS");

    public static string RedisCluster => Require("CACHEME_TEST_REDIS_CLUSTER");

    public static string Postgres => Require("CACHEME_TEST_POSTGRES");

    public static string MySql => Require("CACHEME_TEST_MYSQL");

    /// <summary>
    /// Tier resilience for tests that are not about timeouts: the default 500 ms per remote operation is a production
    /// setting, and on a shared 2-core CI machine, while another test starts a process, one Redis round trip has taken
    /// longer (a refresh's invalidation timed out in a clean-clone run), failing a test about something else.
    /// </summary>
    public static TierResilienceOptions PatientResilience() => new() { OperationTimeout = TimeSpan.FromSeconds(10) };

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes (then fails with <paramref name="what"/>).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        DateTime end = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < end, "Timed out waiting until " + what);
            await Task.Delay(10);
        }
    }

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set. Run the suite with `bash scripts/test.sh`, or start the servers with " +
                "`eval \"$(bash scripts/services.sh start)\"` before `dotnet test`.");
}
