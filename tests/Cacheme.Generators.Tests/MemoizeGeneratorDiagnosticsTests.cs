using Microsoft.CodeAnalysis;

namespace CachemeNet.Generators.Tests;

/// <summary>Every CACHEME diagnostic, each from a minimal input; the compilation must report nothing else.</summary>
public sealed class MemoizeGeneratorDiagnosticsTests
{
    private const string Types = GeneratorHarness.SampleNode + """
        internal sealed record OtherNode(int UserId) : CacheNode<string>
        {
            private static readonly NodeMeta s_meta = new() { Caches = [new Cache("local", null)] };
            public override NodeMeta Meta => s_meta;
            public override string Key() => $"other:{UserId}";
            public override ValueTask<string> LoadAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        }
        internal sealed record RegionNode(int UserId, string Region) : CacheNode<UserInfo>
        {
            private static readonly NodeMeta s_meta = new() { Caches = [new Cache("local", null)] };
            public override NodeMeta Meta => s_meta;
            public override string Key() => $"region:{UserId}:{Region}";
            public override ValueTask<UserInfo> LoadAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        }
        internal sealed record Point(int X, int Y);

        """;

    public static TheoryData<string, string, string[]> Cases => new()
    {
        {
            "placeholder names no parameter", """
            [Memoize("user:{userId}:{region}", Caches = new[] { "local" })]
            public partial ValueTask<UserInfo> GetAsync(int userId);
            private ValueTask<UserInfo> GetCoreAsync(int userId) => default;
            """, ["CACHEME001"]
        },
        {
            "template leaves a parameter out", """
            [Memoize("user:{userId}", Caches = new[] { "local" })]
            public partial ValueTask<UserInfo> GetAsync(int userId, string region);
            private ValueTask<UserInfo> GetCoreAsync(int userId, string region) => default;
            """, ["CACHEME002"]
        },
        {
            "node has no constructor parameter for a method parameter", """
            [Memoize(typeof(UserInfoNode))]
            public partial ValueTask<UserInfo> GetAsync(int userId, string region);
            private ValueTask<UserInfo> GetCoreAsync(int userId, string region) => default;
            """, ["CACHEME002"]
        },
        {
            "parameter type does not convert to the node's", """
            [Memoize(typeof(UserInfoNode))]
            public partial ValueTask<UserInfo> GetAsync(string userId);
            private ValueTask<UserInfo> GetCoreAsync(string userId) => default;
            """, ["CACHEME002"]
        },
        {
            "method is not partial", """
            [Memoize(typeof(UserInfoNode))]
            public ValueTask<UserInfo> GetAsync(int userId) => default;
            """, ["CACHEME003"]
        },
        {
            "attribute on an implementation with a body", """
            [Memoize(typeof(UserInfoNode))]
            public partial ValueTask<UserInfo> GetAsync(int userId) => default;
            public partial ValueTask<UserInfo> GetAsync(int userId);
            """, ["CACHEME003"]
        },
        {
            "return type is not Task/ValueTask", """
            [Memoize(typeof(UserInfoNode))]
            public partial UserInfo Get(int userId);
            """, ["CACHEME004"]
        },
        {
            "non-generic Task", """
            [Memoize(typeof(UserInfoNode))]
            public partial Task GetAsync(int userId);
            """, ["CACHEME004"]
        },
        {
            "node type is not a CacheNode", """
            [Memoize(typeof(Point))]
            public partial ValueTask<UserInfo> GetAsync(int userId);
            private ValueTask<UserInfo> GetCoreAsync(int userId) => default;
            """, ["CACHEME005"]
        },
        {
            "node type's T differs", """
            [Memoize(typeof(OtherNode))]
            public partial ValueTask<UserInfo> GetAsync(int userId);
            private ValueTask<UserInfo> GetCoreAsync(int userId) => default;
            """, ["CACHEME005"]
        },
        {
            "placeholder of a type without stable text", """
            [Memoize("point:{point}", Caches = new[] { "local" })]
            public partial ValueTask<UserInfo> GetAsync(Point point);
            private ValueTask<UserInfo> GetCoreAsync(Point point) => default;
            """, ["CACHEME006"]
        },
        {
            "object placeholder", """
            [Memoize("any:{value}", Caches = new[] { "local" })]
            public partial ValueTask<UserInfo> GetAsync(object value);
            private ValueTask<UserInfo> GetCoreAsync(object value) => default;
            """, ["CACHEME006"]
        },
        {
            "template without Caches", """
            [Memoize("user:{userId}")]
            public partial ValueTask<UserInfo> GetAsync(int userId);
            private ValueTask<UserInfo> GetCoreAsync(int userId) => default;
            """, ["CACHEME007"]
        },
        {
            "bad TTL", """
            [Memoize("user:{userId}", Caches = new[] { "local:30x" })]
            public partial ValueTask<UserInfo> GetAsync(int userId);
            private ValueTask<UserInfo> GetCoreAsync(int userId) => default;
            """, ["CACHEME007"]
        },
        {
            "empty Version", """
            [Memoize("user:{userId}", Version = "", Caches = new[] { "local" })]
            public partial ValueTask<UserInfo> GetAsync(int userId);
            private ValueTask<UserInfo> GetCoreAsync(int userId) => default;
            """, ["CACHEME007"]
        },
        {
            "loader missing", """
            [Memoize(typeof(UserInfoNode))]
            public partial ValueTask<UserInfo> GetAsync(int userId);
            """, ["CACHEME008"]
        },
        {
            "loader returns another type", """
            [Memoize(typeof(UserInfoNode))]
            public partial ValueTask<UserInfo> GetAsync(int userId);
            private ValueTask<string> GetCoreAsync(int userId) => default;
            """, ["CACHEME008"]
        },
        {
            "static method with an instance loader", """
            [Memoize(typeof(UserInfoNode))]
            public static partial ValueTask<UserInfo> GetAsync(int userId);
            private ValueTask<UserInfo> GetCoreAsync(int userId) => default;
            """, ["CACHEME008"]
        },
        {
            "client member missing", """
            [Memoize(typeof(UserInfoNode), Client = "Missing")]
            public partial ValueTask<UserInfo> GetAsync(int userId);
            private ValueTask<UserInfo> GetCoreAsync(int userId) => default;
            """, ["CACHEME009"]
        },
        {
            "client member of the wrong type", """
            private static string ClientName { get; } = "";
            [Memoize(typeof(UserInfoNode), Client = nameof(ClientName))]
            public partial ValueTask<UserInfo> GetAsync(int userId);
            private ValueTask<UserInfo> GetCoreAsync(int userId) => default;
            """, ["CACHEME009"]
        },
        {
            "instance client on a static method", """
            private readonly CachemeClient _client = new();
            [Memoize(typeof(UserInfoNode), Client = nameof(_client))]
            public static partial ValueTask<UserInfo> GetAsync(int userId);
            private static ValueTask<UserInfo> GetCoreAsync(int userId) => default;
            """, ["CACHEME009"]
        },
        {
            "serializer unknown", """
            [Memoize("user:{userId}", Caches = new[] { "local" }, Serializer = "Nope")]
            public partial ValueTask<UserInfo> GetAsync(int userId);
            private ValueTask<UserInfo> GetCoreAsync(int userId) => default;
            """, ["CACHEME010"]
        },
        {
            "unclosed placeholder", """
            [Memoize("user:{userId", Caches = new[] { "local" })]
            public partial ValueTask<UserInfo> GetAsync(int userId);
            private ValueTask<UserInfo> GetCoreAsync(int userId) => default;
            """, ["CACHEME011"]
        },
        {
            "format in a placeholder", """
            [Memoize("user:{userId:N2}", Caches = new[] { "local" })]
            public partial ValueTask<UserInfo> GetAsync(int userId);
            private ValueTask<UserInfo> GetCoreAsync(int userId) => default;
            """, ["CACHEME011"]
        },
        {
            "template option on the node form", """
            [Memoize(typeof(UserInfoNode), Version = "v2")]
            public partial ValueTask<UserInfo> GetAsync(int userId);
            private ValueTask<UserInfo> GetCoreAsync(int userId) => default;
            """, ["CACHEME012"]
        },
        {
            "generic method", """
            [Memoize(typeof(UserInfoNode))]
            public partial ValueTask<UserInfo> GetAsync<TX>(int userId);
            private ValueTask<UserInfo> GetCoreAsync(int userId) => default;
            """, ["CACHEME013"]
        },
        {
            "in parameter", """
            [Memoize(typeof(UserInfoNode))]
            public partial ValueTask<UserInfo> GetAsync(in int userId);
            private ValueTask<UserInfo> GetCoreAsync(int userId) => default;
            """, ["CACHEME013"]
        },
        {
            "node constructor parameter left unsupplied", """
            [Memoize(typeof(RegionNode))]
            public partial ValueTask<UserInfo> GetAsync(int userId);
            private ValueTask<UserInfo> GetCoreAsync(int userId) => default;
            """, ["CACHEME014"]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reports_exactly_the_expected_diagnostic(string description, string members, string[] expected)
    {
        GeneratorResult result = GeneratorHarness.Run("namespace Demo;\n" + Types + "internal sealed partial class Service\n{\n" + members + "\n}\n");

        string[] ids = [.. result.GeneratorDiagnostics.Select(d => d.Id).Order(StringComparer.Ordinal)];
        Assert.True(expected.SequenceEqual(ids), $"{description}: expected {string.Join(", ", expected)}, got:\n{result.Format(result.GeneratorDiagnostics)}");
        Assert.All(result.GeneratorDiagnostics, d =>
        {
            Assert.Equal(DiagnosticSeverity.Error, d.Severity);
            Assert.True(d.Location.IsInSource, $"{d.Id} has no source location");
        });

        // The fallback body keeps the compiler quiet: only the generator's own errors remain.
        Assert.True(
            result.CompilationDiagnostics.All(d => d.Id.StartsWith("CACHEME", StringComparison.Ordinal) || d.Id == "CS8795" && ids.Contains("CACHEME003")),
            $"{description}: unexpected compiler diagnostics:\n{result.Format(result.CompilationDiagnostics)}");
    }

    [Fact]
    public void Diagnostics_point_at_the_offending_parameter()
    {
        GeneratorResult result = GeneratorHarness.Run("namespace Demo;\n" + Types + """
            internal sealed partial class Service
            {
                [Memoize("user:{userId}", Caches = new[] { "local" })]
                public partial ValueTask<UserInfo> GetAsync(int userId, string forgotten);
                private ValueTask<UserInfo> GetCoreAsync(int userId, string forgotten) => default;
            }
            """);

        Diagnostic diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("CACHEME002", diagnostic.Id);
        string text = diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan);
        Assert.Equal("forgotten", text);
        Assert.Contains("forgotten", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_descriptor_is_documented()
    {
        string docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        string[] ids = [.. typeof(MemoizeGenerator).Assembly.GetType("CachemeNet.Generators.MemoizeDiagnostics")!
            .GetFields().Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)];

        Assert.Equal(14, ids.Length);
        Assert.All(ids, id => Assert.Contains("| " + id + " |", docs, StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Cacheme.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("Cacheme.sln not found above " + AppContext.BaseDirectory);
    }
}
