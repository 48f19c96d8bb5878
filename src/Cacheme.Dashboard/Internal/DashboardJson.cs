using System.Text.Json;
using System.Text.Json.Serialization;

namespace CachemeNet.Dashboard.Internal;

/// <summary>The JSON shape of the dashboard API and of published snapshots: camelCase, durations as milliseconds (numbers).</summary>
internal static class DashboardJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new MillisecondsConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed class MillisecondsConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            TimeSpan.FromMilliseconds(reader.GetDouble());

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(value.TotalMilliseconds);
    }
}
