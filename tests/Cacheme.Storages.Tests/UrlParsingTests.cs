using System.Net;
using CachemeNet.Redis.Internal;
using CachemeNet.Sql.Internal;
using StackExchange.Redis;

namespace CachemeNet.Storages.Tests;

public sealed class UrlParsingTests
{
    [Fact]
    public void A_redis_url_gives_password_database_and_the_options_after_the_comma()
    {
        ConfigurationOptions options = RedisUrl.Parse(new Storage("redis://:s%40cret@10.0.0.5:6380/3,connectTimeout=500,abortConnect=false"));

        Assert.Equal("s@cret", options.Password);
        Assert.Equal(3, options.DefaultDatabase);
        Assert.Equal(500, options.ConnectTimeout);
        Assert.False(options.AbortOnConnectFail);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.5"), 6380), Assert.Single(options.EndPoints));
    }

    [Fact]
    public void A_redis_url_may_list_more_endpoints_and_rediss_means_tls()
    {
        ConfigurationOptions options = RedisUrl.Parse(new Storage("rediss://127.0.0.1:7101,127.0.0.1:7102"));

        Assert.Equal(2, options.EndPoints.Count);
        Assert.True(options.Ssl);
        Assert.Null(options.Password);
    }

    [Theory]
    [InlineData("redis://")]
    [InlineData("redis://host:6379/db")]
    [InlineData("redis://host:abc")]
    [InlineData("redis://host:0")]
    [InlineData("redis://host:70000")]
    [InlineData("redis://good:6379,bad:x")]
    [InlineData("redis://good:6379,connectTimeout=500,other:")]
    [InlineData("redis://[::1]x")]
    public void A_malformed_redis_url_is_rejected_without_showing_its_password(string url)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => RedisUrl.Parse(new Storage(url)));
        Assert.Contains("Storage URL", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("redis://localhost", 1)]
    [InlineData("redis://10.0.0.1:7000,10.0.0.2:7000,connectTimeout=500", 2)]
    [InlineData("redis://[::1]:6379", 1)]
    [InlineData("redis://[::1]", 1)]
    public void Well_formed_endpoints_are_all_kept(string url, int endpoints)
    {
        Assert.Equal(endpoints, RedisUrl.Parse(new Storage(url)).EndPoints.Count);
    }

    [Fact]
    public void A_sql_url_gives_user_password_host_port_database_and_driver_options()
    {
        SqlUrl url = SqlUrl.Parse(new Storage("postgresql://app:p%3Ass@db.internal:6543/cache?Timeout=3"), 5432);

        Assert.Equal(new SqlUrl("db.internal", 6543, "app", "p:ss", "cache", url.Query), url);
        Assert.Equal("3", url.Query["Timeout"]);
        Assert.Equal(3306, SqlUrl.Parse(new Storage("mysql://u@h/db"), 3306).Port);
    }

    [Fact]
    public void A_sql_url_without_a_database_is_rejected_without_its_password()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => SqlUrl.Parse(new Storage("postgresql://u:hunter2@h:5432"), 5432));
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "cacheme_data")]
    [InlineData("cache_2", "cache_2")]
    [InlineData("_x", "_x")]
    public void Valid_table_names_are_accepted(string? table, string expected)
    {
        Assert.Equal(expected, SqlTableName.Validate(table));
    }

    [Theory]
    [InlineData("a\"; DROP TABLE x; --")]
    [InlineData("a.b")]
    [InlineData("tablé")]
    [InlineData("9lives")]
    public void Other_table_names_are_rejected(string table)
    {
        Assert.Throws<ArgumentException>(() => SqlTableName.Validate(table));
        Assert.Throws<ArgumentException>(() => SqlTableName.Validate(new string('a', SqlTableName.MaxLength + 1)));
    }
}
