namespace CachemeNet.Tests;

/// <summary>Waiting for a condition another thread brings about: polled, with a deadline, never a fixed sleep.</summary>
internal static class Poll
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>Yields until <paramref name="condition"/> holds; fails the test when it has not within 30 seconds.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what = "the condition")
    {
        DateTime until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"{what} did not hold before the deadline");
            await Task.Yield();
        }
    }

    /// <summary>Awaits <paramref name="condition"/> until it holds; fails the test when it has not within 30 seconds.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what = "the condition")
    {
        DateTime until = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"{what} did not hold before the deadline");
            await Task.Yield();
        }
    }
}
