using System.Text.Json;
using System.Text.Json.Serialization;

namespace CachemeNet.Serialization.Tests;

public enum Colour
{
    Red,
    Green = 5,
    Blue = -3,
}

[Flags]
public enum Access : ulong
{
    None = 0,
    Read = 1,
    Top = 1UL << 63,
}

public sealed record Point(int X, int Y);

public sealed record Person(string Name, int Age, IReadOnlyList<string> Tags)
{
    public string? Nickname { get; init; }
}

public sealed class Order
{
    public int Id { get; set; }

    public string Customer { get; set; } = string.Empty;

    public decimal Total { get; set; }

    public DateTime CreatedUtc { get; set; }

    public DateTimeOffset ShippedAt { get; set; }

    public Guid Reference { get; set; }

    public TimeSpan Window { get; set; }

    public Colour Colour { get; set; }

    public int? Discount { get; set; }

    public byte[]? Signature { get; set; }

    public List<OrderLine> Lines { get; set; } = [];

    public Dictionary<string, double> Metrics { get; set; } = [];
}

public sealed class OrderLine
{
    public string Sku { get; set; } = string.Empty;

    public int Quantity { get; set; }

    public double Price { get; set; }
}

public struct Measurement
{
    public double Value { get; set; }

    public string Unit { get; set; }
}

public sealed class TreeNode
{
    public string Name { get; set; } = string.Empty;

    public List<TreeNode> Children { get; set; } = [];
}

[JsonPolymorphic]
[JsonDerivedType(typeof(Circle), "circle")]
[JsonDerivedType(typeof(Square), "square")]
public abstract class Shape
{
    public string Label { get; set; } = string.Empty;
}

public sealed class Circle : Shape
{
    public double Radius { get; set; }
}

public sealed class Square : Shape
{
    public double Side { get; set; }
}

/// <summary>A type with its own converter, which the MessagePack codec must use rather than map.</summary>
[JsonConverter(typeof(TemperatureConverter))]
public sealed record Temperature(double Celsius);

public sealed class TemperatureConverter : JsonConverter<Temperature>
{
    public override Temperature Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(double.Parse(reader.GetString()!.TrimEnd('C'), System.Globalization.CultureInfo.InvariantCulture));

    public override void Write(Utf8JsonWriter writer, Temperature value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Celsius.ToString(System.Globalization.CultureInfo.InvariantCulture) + "C");
}

/// <summary>Everything at once: the fuzz target and the widest round trip.</summary>
public sealed record Everything
{
    public bool Flag { get; init; }

    public byte U8 { get; init; }

    public sbyte I8 { get; init; }

    public short I16 { get; init; }

    public ushort U16 { get; init; }

    public int I32 { get; init; }

    public uint U32 { get; init; }

    public long I64 { get; init; }

    public ulong U64 { get; init; }

    public float F32 { get; init; }

    public double F64 { get; init; }

    public decimal Money { get; init; }

    public char Letter { get; init; }

    public string Text { get; init; } = string.Empty;

    public DateTime Utc { get; init; }

    public DateTime Unspecified { get; init; }

    public DateTimeOffset Offset { get; init; }

    public DateOnly Day { get; init; }

    public TimeOnly Time { get; init; }

    public TimeSpan Span { get; init; }

    public Guid Id { get; init; }

    public byte[] Bytes { get; init; } = [];

    public Colour Colour { get; init; }

    public Access Access { get; init; }

    public int? MaybeInt { get; init; }

    public DateTime? MaybeDate { get; init; }

    public Point? Where { get; init; }

    public int[] Numbers { get; init; } = [];

    public List<Point> Points { get; init; } = [];

    public Dictionary<int, string> ById { get; init; } = [];

    public Dictionary<string, List<int>> Groups { get; init; } = [];

    public HashSet<string> Set { get; init; } = [];

    public IReadOnlyList<Measurement> Measurements { get; init; } = [];

    public System.Collections.Immutable.ImmutableArray<int> Immutable { get; init; } = [];

    public Shape? Shape { get; init; }

    public Temperature? Temperature { get; init; }

    public object? Anything { get; init; }

    public TreeNode? Tree { get; init; }
}
