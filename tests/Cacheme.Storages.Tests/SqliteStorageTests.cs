using CachemeNet.Sqlite.Internal;

namespace CachemeNet.Storages.Tests;

public sealed class SqliteStorageTests : SqlStorageContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cacheme-sqlite-").FullName;

    protected override string Url => $"sqlite:///{_directory}/cache.db";

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_database_runs_in_WAL_mode()
    {
        Assert.Equal("wal", await ScalarAsync<string>("PRAGMA journal_mode"));
    }

    [Theory]
    [InlineData("sqlite:///relative/file.db", "relative/file.db")]
    [InlineData("sqlite:////absolute/file.db", "/absolute/file.db")]
    [InlineData("sqlite:///file.db", "file.db")]
    public void Urls_are_read_as_cacheme_and_SQLAlchemy_spell_them(string url, string path)
    {
        Assert.Equal(path, SqliteDialect.ParsePath(new Storage(url)));
    }

    [Fact]
    public void A_url_without_a_path_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => SqliteDialect.ParsePath(new Storage("sqlite:///")));
        Assert.Throws<ArgumentException>(() => SqliteDialect.ParsePath(new Storage("sqlite://host/file.db")));
    }
}
