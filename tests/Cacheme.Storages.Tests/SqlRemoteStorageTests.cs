using CachemeNet.Sql.Internal;

namespace CachemeNet.Storages.Tests;

/// <summary>The SQL storage's pure parts; its behaviour against the servers is in <see cref="SqlStorageContract"/>.</summary>
public sealed class SqlRemoteStorageTests
{
    private static KeyValuePair<string, ReadOnlyMemory<byte>> Row(string key, int bytes) => new(key, new byte[bytes]);

    [Fact]
    public void Write_chunks_keep_order_and_respect_both_the_row_and_the_byte_limits()
    {
        KeyValuePair<string, ReadOnlyMemory<byte>>[] rows = [Row("a", 40), Row("b", 40), Row("c", 40), Row("d", 10), Row("e", 10), Row("f", 10), Row("g", 10)];

        // Each row counts its value plus 4 bytes a key char: 44, 44, 44, 14, 14, 14, 14. At most 100 bytes and 3 rows.
        List<List<KeyValuePair<string, ReadOnlyMemory<byte>>>> chunks = [.. SqlRemoteStorage.WriteChunks(rows, maxRows: 3, maxBytes: 100)];

        Assert.Equal([["a", "b"], ["c", "d", "e"], ["f", "g"]], chunks.Select(c => c.Select(r => r.Key).ToArray()));
    }

    [Fact]
    public void A_row_larger_than_the_byte_limit_goes_alone()
    {
        List<List<KeyValuePair<string, ReadOnlyMemory<byte>>>> chunks = [.. SqlRemoteStorage.WriteChunks([Row("a", 1), Row("huge", 500), Row("b", 1)], maxRows: 10, maxBytes: 100)];

        Assert.Equal([["a"], ["huge"], ["b"]], chunks.Select(c => c.Select(r => r.Key).ToArray()));
        Assert.Empty(SqlRemoteStorage.WriteChunks([], maxRows: 10, maxBytes: 100));
    }
}
