using CachemeNet;

namespace CachemeNet.Tests;

public sealed class StorageTests
{
    [Theory]
    [InlineData("redis://:secret@127.0.0.1:6379/0", "redis://:***@127.0.0.1:6379/0")]
    [InlineData("postgresql://user:pa55@host:5432/db", "postgresql://user:***@host:5432/db")]
    [InlineData("redis://127.0.0.1:6379,password=abc,connectTimeout=500", "redis://127.0.0.1:6379,password=***,connectTimeout=500")]
    [InlineData("local://lru", "local://lru")]
    [InlineData("redis://secret@127.0.0.1:6379", "redis://***@127.0.0.1:6379")]
    [InlineData("redis://:p@ss@127.0.0.1:6379", "redis://:***@127.0.0.1:6379")]
    [InlineData("redis://alice:s3cret@127.0.0.1:6379,connectTimeout=500", "redis://alice:***@127.0.0.1:6379,connectTimeout=500")]
    [InlineData("mysql://cacheme:a@b:c@127.0.0.1:3306/db", "mysql://cacheme:***@127.0.0.1:3306/db")]
    [InlineData("redis://127.0.0.1:6379,name=a@b", "redis://127.0.0.1:6379,name=a@b")]
    public void Redacted_url_hides_passwords(string url, string expected)
    {
        var storage = new Storage(url);
        Assert.Equal(expected, storage.RedactedUrl);
        Assert.Equal(expected, storage.ToString());
    }

    [Fact]
    public void Scheme_is_lower_case()
    {
        Assert.Equal("redis", new Storage("REDIS://h:1").Scheme);
    }

    [Fact]
    public void Connection_errors_name_the_redacted_url_and_the_cause()
    {
        var e = new StorageConnectionException(new Storage("redis://:secret@h:1"), new IOException("refused"));
        Assert.Equal("Cannot connect storage 'redis://:***@h:1': refused", e.Message);
        Assert.DoesNotContain("secret", e.Message);
    }
}
