using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace CachemeNet.Serialization.Benchmarks;

/// <summary>
/// Serialize and deserialize ~1 KB, 15 KB and 55 KB payloads with every built-in serializer; the baseline of each
/// category is System.Text.Json's plain UTF-8 bytes (JsonSerializer.SerializeToUtf8Bytes / Deserialize).
/// Run: dotnet run -c Release --project benchmarks/Cacheme.Benchmarks -- bench --filter '*SerializerBenchmarks*' --job short
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
[Config(typeof(EncodedSizeConfig))]
public class SerializerBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(128 * 1024);
    private List<UserProfile> _payload = [];
    private byte[] _plainJson = [];
    private Dictionary<string, byte[]> _encoded = [];

    [Params("1KB", "15KB", "55KB")]
    public string Size { get; set; } = "1KB";

    [GlobalSetup]
    public void Setup()
    {
        _payload = SerializationPayload.Create(Size);
        _plainJson = JsonSerializer.SerializeToUtf8Bytes(_payload);
        _encoded = Serializers().ToDictionary(s => s.Key, s => Encode(s.Value, _payload));
    }

    [Benchmark(Baseline = true, Description = "System.Text.Json")]
    [BenchmarkCategory("Serialize")]
    public byte[] Serialize_SystemTextJson() => JsonSerializer.SerializeToUtf8Bytes(_payload);

    [Benchmark(Description = "Json")]
    [BenchmarkCategory("Serialize")]
    public int Serialize_Json() => Serialize(CachemeNet.Serializers.Json);

    [Benchmark(Description = "MessagePack")]
    [BenchmarkCategory("Serialize")]
    public int Serialize_MessagePack() => Serialize(CachemeNet.Serializers.MessagePack);

    [Benchmark(Description = "CompressedJson")]
    [BenchmarkCategory("Serialize")]
    public int Serialize_CompressedJson() => Serialize(CachemeNet.Serializers.CompressedJson);

    [Benchmark(Description = "CompressedMessagePack")]
    [BenchmarkCategory("Serialize")]
    public int Serialize_CompressedMessagePack() => Serialize(CachemeNet.Serializers.CompressedMessagePack);

    [Benchmark(Baseline = true, Description = "System.Text.Json")]
    [BenchmarkCategory("Deserialize")]
    public List<UserProfile>? Deserialize_SystemTextJson() => JsonSerializer.Deserialize<List<UserProfile>>(_plainJson);

    [Benchmark(Description = "Json")]
    [BenchmarkCategory("Deserialize")]
    public List<UserProfile> Deserialize_Json() => Deserialize(CachemeNet.Serializers.Json, "Json");

    [Benchmark(Description = "MessagePack")]
    [BenchmarkCategory("Deserialize")]
    public List<UserProfile> Deserialize_MessagePack() => Deserialize(CachemeNet.Serializers.MessagePack, "MessagePack");

    [Benchmark(Description = "CompressedJson")]
    [BenchmarkCategory("Deserialize")]
    public List<UserProfile> Deserialize_CompressedJson() => Deserialize(CachemeNet.Serializers.CompressedJson, "CompressedJson");

    [Benchmark(Description = "CompressedMessagePack")]
    [BenchmarkCategory("Deserialize")]
    public List<UserProfile> Deserialize_CompressedMessagePack() => Deserialize(CachemeNet.Serializers.CompressedMessagePack, "CompressedMessagePack");

    internal static Dictionary<string, ICacheSerializer> Serializers() => new()
    {
        ["Json"] = CachemeNet.Serializers.Json,
        ["MessagePack"] = CachemeNet.Serializers.MessagePack,
        ["CompressedJson"] = CachemeNet.Serializers.CompressedJson,
        ["CompressedMessagePack"] = CachemeNet.Serializers.CompressedMessagePack,
    };

    internal static byte[] Encode(ICacheSerializer serializer, List<UserProfile> payload)
    {
        var buffer = new ArrayBufferWriter<byte>();
        serializer.Serialize(payload, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private int Serialize(ICacheSerializer serializer)
    {
        _buffer.ResetWrittenCount();
        serializer.Serialize(_payload, _buffer);
        return _buffer.WrittenCount;
    }

    private List<UserProfile> Deserialize(ICacheSerializer serializer, string name) =>
        serializer.Deserialize<List<UserProfile>>(new ReadOnlySequence<byte>(_encoded[name]));

    /// <summary>Adds the encoded size of each case and its ratio to System.Text.Json's plain UTF-8 bytes.</summary>
    private sealed class EncodedSizeConfig : ManualConfig
    {
        public EncodedSizeConfig()
        {
            AddColumn(new EncodedSizeColumn(ratio: false), new EncodedSizeColumn(ratio: true));
        }
    }

    private sealed class EncodedSizeColumn(bool ratio) : IColumn
    {
        public string Id => ratio ? "EncodedRatio" : "EncodedBytes";

        public string ColumnName => ratio ? "Size ratio" : "Encoded bytes";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => ratio ? 1 : 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => ratio ? "Encoded size / System.Text.Json UTF-8 size" : "Bytes written for the payload";

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            string size = (string)benchmarkCase.Parameters["Size"];
            List<UserProfile> payload = SerializationPayload.Create(size);
            int plain = JsonSerializer.SerializeToUtf8Bytes(payload).Length;
            string name = benchmarkCase.Descriptor.WorkloadMethod.Name.Split('_')[1];
            int bytes = Serializers().TryGetValue(name, out ICacheSerializer? serializer) ? Encode(serializer, payload).Length : plain;
            return ratio ? ((double)bytes / plain).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
