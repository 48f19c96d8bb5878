using System.Text.Json.Serialization;

namespace CachemeNet.Serialization.Tests;

[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(Point))]
internal sealed partial class TestJsonContext : JsonSerializerContext
{
}
