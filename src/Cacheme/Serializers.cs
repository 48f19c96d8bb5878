namespace CachemeNet;

/// <summary>The built-in serializers, each with its own envelope format id (see docs/serializers.md).</summary>
public static class Serializers
{
    /// <summary>System.Text.Json with default options (format id 1).</summary>
    public static ICacheSerializer Json { get; } = new JsonCacheSerializer();

    /// <summary>MessagePack through System.Text.Json's contracts with default options (format id 2).</summary>
    public static ICacheSerializer MessagePack { get; } = new MessagePackCacheSerializer();

    /// <summary><see cref="Json"/> compressed with zlib level 3 (format id 3).</summary>
    public static ICacheSerializer CompressedJson { get; } = new CompressedCacheSerializer(Json);

    /// <summary><see cref="MessagePack"/> compressed with zlib level 3 (format id 4).</summary>
    public static ICacheSerializer CompressedMessagePack { get; } = new CompressedCacheSerializer(MessagePack);
}
