using System.Buffers;

namespace CachemeNet.Serialization.Tests;

/// <summary>The four built-in serializers by name, for theories.</summary>
public static class SerializerCases
{
    public static readonly IReadOnlyDictionary<string, ICacheSerializer> ByName = new Dictionary<string, ICacheSerializer>
    {
        ["Json"] = Serializers.Json,
        ["MessagePack"] = Serializers.MessagePack,
        ["CompressedJson"] = Serializers.CompressedJson,
        ["CompressedMessagePack"] = Serializers.CompressedMessagePack,
    };

    public static TheoryData<string> Names => [.. ByName.Keys];

    public static byte[] Encode<T>(ICacheSerializer serializer, T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        serializer.Serialize(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static T Decode<T>(ICacheSerializer serializer, byte[] bytes) => serializer.Deserialize<T>(new ReadOnlySequence<byte>(bytes));

    public static T RoundTrip<T>(ICacheSerializer serializer, T value) => Decode<T>(serializer, Encode(serializer, value));
}
