using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using static CachemeNet.Serialization.Tests.SerializerCases;

namespace CachemeNet.Serialization.Tests;

/// <summary>The values the fuzz test mutates; also the widest round trip.</summary>
public static class FuzzTarget
{
    public static Everything Sample() => new()
    {
        Flag = true,
        U8 = 200,
        I8 = -100,
        I16 = -30000,
        U16 = 60000,
        I32 = -2_000_000_000,
        U32 = 4_000_000_000,
        I64 = long.MinValue + 1,
        U64 = ulong.MaxValue - 1,
        F32 = -1.5e-20f,
        F64 = Math.PI,
        Money = 12345.6789m,
        Letter = 'Ж',
        Text = "fuzz ✓ 😀",
        Utc = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(3),
        Unspecified = new DateTime(2024, 5, 6, 7, 8, 9),
        Offset = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromMinutes(-150)),
        Day = new DateOnly(1999, 12, 31),
        Time = new TimeOnly(12, 30),
        Span = TimeSpan.FromMilliseconds(-1234.5),
        Id = Guid.Parse("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"),
        Bytes = [0, 1, 2, 255],
        Colour = Colour.Green,
        Access = Access.Top,
        MaybeInt = 5,
        MaybeDate = null,
        Where = new Point(3, 4),
        Numbers = [1, 1000, -1000, int.MaxValue],
        Points = [new(1, 2), new(-3, -4)],
        ById = new() { [1] = "a", [-1] = "b" },
        Groups = new() { ["g"] = [1, 2, 3] },
        Set = ["s1", "s2"],
        Measurements = [new Measurement { Value = 1.5, Unit = "kg" }],
        Immutable = [7, 8, 9],
        Shape = new Circle { Label = "c", Radius = 2.5 },
        Temperature = new Temperature(-40.5),
        Anything = new Dictionary<string, object> { ["n"] = 1.25, ["s"] = "str", ["a"] = new[] { 1, 2 } },
        Tree = new TreeNode { Name = "r", Children = [new() { Name = "c" }] },
    };
}

/// <summary>
/// Seeded fuzzing of every decoder: random bytes, truncations and bit flips of valid encodings. The only exception a
/// decoder may throw is <see cref="CacheSerializationException"/>.
/// </summary>
public class SerializerFuzzTests
{
    private const int Cases = 100_000;

    [Theory]
    [MemberData(nameof(Names), MemberType = typeof(SerializerCases))]
    public void Random_truncated_and_flipped_bytes_only_ever_throw_the_documented_exception(string name)
    {
        ICacheSerializer serializer = ByName[name];
        byte[][] valid =
        [
            Encode(serializer, FuzzTarget.Sample()),
            Encode(serializer, RoundTripOrders()),
            Encode(serializer, new Point(1, 2)),
        ];
        var random = new Random(20260522);
        int rejected = 0, decoded = 0;
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < Cases; i++)
        {
            byte[] input = Mutate(random, valid[i % valid.Length], i % 4);
            try
            {
                _ = (i % 3) switch
                {
                    0 => (object?)Decode<Everything>(serializer, input),
                    1 => Decode<List<Order>>(serializer, input),
                    _ => Decode<Point>(serializer, input),
                };
                decoded++;
            }
            catch (CacheSerializationException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i} ({Convert.ToHexString(input.AsSpan(0, Math.Min(64, input.Length)))}…) threw {e.GetType().Name}: {e}");
            }
        }

        Assert.Equal(Cases, rejected + decoded);
        Assert.True(rejected > Cases / 2, $"only {rejected} of {Cases} mutated inputs were rejected");
    }

    [Theory]
    [MemberData(nameof(Names), MemberType = typeof(SerializerCases))]
    public void Multi_segment_input_decodes_like_a_single_segment(string name)
    {
        ICacheSerializer serializer = ByName[name];
        byte[] bytes = Encode(serializer, FuzzTarget.Sample());
        var first = new Segment(bytes.AsMemory(0, 10));
        Segment last = first.Append(bytes.AsMemory(10));
        Everything back = serializer.Deserialize<Everything>(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length));
        Assert.Equal(JsonSerializer.Serialize(FuzzTarget.Sample()), JsonSerializer.Serialize(back));
    }

    private static List<Order> RoundTripOrders() => [.. Enumerable.Range(0, 3).Select(SerializerRoundTripTests.SampleOrder)];

    private static byte[] Mutate(Random random, byte[] valid, int mode)
    {
        switch (mode)
        {
            case 0:
                byte[] noise = new byte[random.Next(0, 64)];
                random.NextBytes(noise);
                return noise;
            case 1:
                return valid[..random.Next(0, valid.Length)];
            case 2:
                byte[] flipped = (byte[])valid.Clone();
                int flips = random.Next(1, 4);
                for (int f = 0; f < flips; f++)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                }

                return flipped;
            default:
                byte[] overwritten = (byte[])valid.Clone();
                int at = random.Next(overwritten.Length);
                overwritten[at] = (byte)random.Next(256);
                return random.Next(2) == 0 ? overwritten : overwritten[..random.Next(at, overwritten.Length + 1)];
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
