using System.Diagnostics;

namespace CachemeNet.Storages.Tests;

public sealed class MongoStorageTests
{
    [Theory]
    [InlineData("mongodb://127.0.0.1:27017/cacheme")]
    [InlineData("mongodb+srv://cluster0.example.net/cacheme")]
    public async Task Registering_a_mongodb_url_fails_saying_no_driver_can_be_restored(string url)
    {
        await using var client = new CachemeClient();
        NotSupportedException error = await Assert.ThrowsAsync<NotSupportedException>(() => client.RegisterStorageAsync("mongo", new Storage(url)));

        Assert.Contains("no MongoDB driver can be restored", error.Message, StringComparison.Ordinal);
        Assert.Contains("MongoDB.Bson is absent", error.Message, StringComparison.Ordinal);
        Assert.Contains("schema/mongo.js", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_mongo_schema_is_valid_javascript_with_a_unique_key_index_and_a_ttl_index()
    {
        string path = Path.Combine(RepositoryRoot(), "schema", "mongo.js");
        string script = await File.ReadAllTextAsync(path);
        Assert.Contains("createIndex({ key: 1 }, { unique: true", script, StringComparison.Ordinal);
        Assert.Contains("createIndex({ expire: 1 }, { expireAfterSeconds: 0", script, StringComparison.Ordinal);

        // node checks the syntax without running it (mongosh scripts are JavaScript).
        using var node = Process.Start(new ProcessStartInfo("node", ["--check", path]) { RedirectStandardError = true })!;
        string errors = await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, errors);
    }

    internal static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cacheme.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cacheme.sln not found above " + AppContext.BaseDirectory);
    }
}
