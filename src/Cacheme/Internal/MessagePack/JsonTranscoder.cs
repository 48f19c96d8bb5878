using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace CachemeNet.Internal.MessagePack;

/// <summary>
/// Converts between JSON text and MessagePack objects, token by token. Used for values whose System.Text.Json contract
/// the codec does not map natively (custom converters, polymorphism, extension data, immutable collections): they are
/// written by System.Text.Json and transcoded, so every type System.Text.Json handles also round-trips here.
/// </summary>
internal static class JsonTranscoder
{
    private const int MaxNumberLength = 64;

    /// <summary>Transcodes one JSON value to MessagePack.</summary>
    public static void ToMessagePack(ReadOnlySpan<byte> json, ref MessagePackWriter writer)
    {
        // MessagePack containers carry their element count up front: a first pass counts them.
        List<int> counts = CountContainers(json);
        var reader = new Utf8JsonReader(json);
        int container = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    writer.WriteMapHeader(counts[container++]);
                    break;
                case JsonTokenType.StartArray:
                    writer.WriteArrayHeader(counts[container++]);
                    break;
                case JsonTokenType.PropertyName:
                case JsonTokenType.String:
                    if (reader.ValueIsEscaped || reader.HasValueSequence)
                    {
                        writer.WriteString(reader.GetString()!);
                    }
                    else
                    {
                        writer.WriteUtf8String(reader.ValueSpan);
                    }

                    break;
                case JsonTokenType.Number:
                    WriteNumber(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan, ref writer);
                    break;
                case JsonTokenType.True:
                    writer.WriteBoolean(true);
                    break;
                case JsonTokenType.False:
                    writer.WriteBoolean(false);
                    break;
                case JsonTokenType.Null:
                    writer.WriteNil();
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>An integer as int, a number that float64 holds exactly as float64, anything else as its text (extension 1).</summary>
    private static void WriteNumber(ReadOnlySpan<byte> text, ref MessagePackWriter writer)
    {
        bool integral = text.IndexOfAny(".eE"u8) < 0 && !text.SequenceEqual("-0"u8);
        if (integral && System.Buffers.Text.Utf8Parser.TryParse(text, out long signed, out int used) && used == text.Length)
        {
            writer.WriteInt64(signed);
            return;
        }

        if (integral && System.Buffers.Text.Utf8Parser.TryParse(text, out ulong unsigned, out used) && used == text.Length)
        {
            writer.WriteUInt64(unsigned);
            return;
        }

        Span<byte> shortest = stackalloc byte[MaxNumberLength];
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            && double.IsFinite(value)
            && value.TryFormat(shortest, out int written, "R", CultureInfo.InvariantCulture)
            && shortest[..written].SequenceEqual(text))
        {
            writer.WriteDouble(value);
            return;
        }

        writer.WriteExtensionHeader(MessagePackCode.JsonNumberExtension, text.Length);
        writer.WriteRaw(text);
    }

    private static List<int> CountContainers(ReadOnlySpan<byte> json)
    {
        var counts = new List<int>();
        var open = new Stack<(int Index, bool IsArray)>();
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    CountValue(counts, open);
                    open.Push((counts.Count, reader.TokenType == JsonTokenType.StartArray));
                    counts.Add(0);
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    open.Pop();
                    break;
                case JsonTokenType.PropertyName:
                    counts[open.Peek().Index]++;
                    break;
                default:
                    CountValue(counts, open);
                    break;
            }
        }

        return counts;
    }

    private static void CountValue(List<int> counts, Stack<(int Index, bool IsArray)> open)
    {
        if (open.Count > 0 && open.Peek().IsArray)
        {
            counts[open.Peek().Index]++;
        }
    }

    /// <summary>Transcodes one MessagePack object to JSON. Map keys must be str or integers; bin becomes base64.</summary>
    public static void ToJson(ref MessagePackReader reader, Utf8JsonWriter json, int depth)
    {
        switch (reader.NextType)
        {
            case MessagePackType.Nil:
                reader.TryReadNil();
                json.WriteNullValue();
                break;
            case MessagePackType.Boolean:
                json.WriteBooleanValue(reader.ReadBoolean());
                break;
            case MessagePackType.Integer:
                if (reader.PeekCode() == MessagePackCode.UInt64)
                {
                    json.WriteNumberValue(reader.ReadUInt64());
                }
                else
                {
                    json.WriteNumberValue(reader.ReadInt64());
                }

                break;
            case MessagePackType.Float:
                double number = reader.ReadDouble();
                json.WriteNumberValue(double.IsFinite(number) ? number : throw MessagePackReader.Invalid("a JSON number cannot be NaN or infinite"));
                break;
            case MessagePackType.String:
                json.WriteStringValue(reader.ReadStringBytes());
                break;
            case MessagePackType.Binary:
                json.WriteBase64StringValue(reader.ReadBinary());
                break;
            case MessagePackType.Array:
                int items = reader.ReadArrayHeader();
                MessagePackReader.CheckDepth(depth + 1);
                json.WriteStartArray();
                for (int i = 0; i < items; i++)
                {
                    ToJson(ref reader, json, depth + 1);
                }

                json.WriteEndArray();
                break;
            case MessagePackType.Map:
                int entries = reader.ReadMapHeader();
                MessagePackReader.CheckDepth(depth + 1);
                json.WriteStartObject();
                for (int i = 0; i < entries; i++)
                {
                    WritePropertyName(ref reader, json);
                    ToJson(ref reader, json, depth + 1);
                }

                json.WriteEndObject();
                break;
            default:
                WriteExtension(ref reader, json);
                break;
        }
    }

    private static void WritePropertyName(ref MessagePackReader reader, Utf8JsonWriter json)
    {
        switch (reader.NextType)
        {
            case MessagePackType.String:
                json.WritePropertyName(reader.ReadStringBytes());
                break;
            case MessagePackType.Integer:
                json.WritePropertyName(reader.PeekCode() == MessagePackCode.UInt64
                    ? reader.ReadUInt64().ToString(CultureInfo.InvariantCulture)
                    : reader.ReadInt64().ToString(CultureInfo.InvariantCulture));
                break;
            default:
                throw MessagePackReader.Invalid($"a map key of type {reader.NextType} has no JSON form");
        }
    }

    private static void WriteExtension(ref MessagePackReader reader, Utf8JsonWriter json)
    {
        int length = reader.ReadExtensionHeader(out sbyte type);
        switch (type)
        {
            case MessagePackCode.TimestampExtension:
                long seconds = reader.ReadTimestampData(length, out uint nanoseconds);
                json.WriteStringValue(MessagePackReader.ToDateTime(seconds, nanoseconds));
                break;
            case MessagePackCode.JsonNumberExtension:
                ReadOnlySpan<byte> text = reader.ReadRaw(length);
                if (text.Length is 0 or > MaxNumberLength || !(text[0] == '-' || char.IsAsciiDigit((char)text[0])))
                {
                    throw MessagePackReader.Invalid("a JSON number extension does not hold a number");
                }

                json.WriteRawValue(text, skipInputValidation: false);
                break;
            default:
                throw MessagePackReader.Invalid($"extension type {type} has no JSON form");
        }
    }

    /// <summary>Serializes <paramref name="value"/> with System.Text.Json and transcodes it.</summary>
    public static void Serialize(object? value, System.Text.Json.Serialization.Metadata.JsonTypeInfo typeInfo, ref MessagePackWriter writer)
    {
        var json = new ArrayBufferWriter<byte>(256);
        using (var jsonWriter = new Utf8JsonWriter(json))
        {
            JsonSerializer.Serialize(jsonWriter, value, typeInfo);
        }

        ToMessagePack(json.WrittenSpan, ref writer);
    }

    /// <summary>Transcodes one MessagePack object to JSON and deserializes it with System.Text.Json.</summary>
    public static object? Deserialize(ref MessagePackReader reader, System.Text.Json.Serialization.Metadata.JsonTypeInfo typeInfo, int depth)
    {
        var json = new ArrayBufferWriter<byte>(256);
        using (var jsonWriter = new Utf8JsonWriter(json))
        {
            ToJson(ref reader, jsonWriter, depth);
        }

        var jsonReader = new Utf8JsonReader(json.WrittenSpan);
        return JsonSerializer.Deserialize(ref jsonReader, typeInfo);
    }
}
