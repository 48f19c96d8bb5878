namespace CachemeNet.Generators.Tests;

public sealed class CacheTierSpecTests
{
    [Theory]
    [InlineData("local", "local", null)]
    [InlineData("local:500ms", "local", 500L * 10_000)]
    [InlineData("local:30s", "local", 30L * 10_000_000)]
    [InlineData("redis:10m", "redis", 600L * 10_000_000)]
    [InlineData("redis:2h", "redis", 7200L * 10_000_000)]
    [InlineData(" shared:10d ", "shared", 864000L * 10_000_000)]
    public void Parses_storage_and_ttl(string entry, string storage, long? ticks)
    {
        Assert.True(CacheTierSpec.TryParse(entry, out CacheTierSpec spec, out string error), error);
        Assert.Equal(new CacheTierSpec(storage, ticks), spec);
    }

    [Theory]
    [InlineData("")]
    [InlineData(":30s")]
    [InlineData("local:")]
    [InlineData("local:30")]
    [InlineData("local:0s")]
    [InlineData("local:-5s")]
    [InlineData("local:1.5h")]
    [InlineData("local:30x")]
    [InlineData("my storage:30s")]
    [InlineData("local:99999999999999999d")]
    public void Rejects_malformed_entries(string entry)
    {
        Assert.False(CacheTierSpec.TryParse(entry, out _, out string error));
        Assert.NotEmpty(error);
    }
}
