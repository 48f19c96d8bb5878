namespace CachemeNet.Storages.Tests;

public sealed class PostgreSqlStorageTests : SqlStorageContract
{
    protected override string Url => TestServers.Postgres;

    [Fact]
    public async Task A_wrong_password_fails_registration_with_the_url_and_cause_and_without_the_password()
    {
        var url = new Uri(Url);
        string wrong = $"postgresql://cacheme:not-the-password@{url.Host}:{url.Port}{url.AbsolutePath}";
        await using var client = new CachemeClient();

        StorageConnectionException error = await Assert.ThrowsAsync<StorageConnectionException>(() => client.RegisterStorageAsync("pg", new Storage(wrong)));

        Assert.Contains($"postgresql://cacheme:***@{url.Host}:{url.Port}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", error.Message, StringComparison.Ordinal);
        Assert.Contains("password authentication failed", error.Message, StringComparison.Ordinal);
    }
}
