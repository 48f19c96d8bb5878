namespace CachemeNet;

/// <summary>The built-in serializers.</summary>
public static class Serializers
{
    /// <summary>System.Text.Json with default options.</summary>
    public static ICacheSerializer Json { get; } = new JsonCacheSerializer();
}
