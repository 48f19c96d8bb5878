namespace CachemeNet.Generators.Tests;

/// <summary>The generator's output for valid inputs: exact source for representative methods, and warning-free compilation across shapes.</summary>
public sealed class MemoizeGeneratorTests
{
    private const string Node = GeneratorHarness.SampleNode;

    public static TheoryData<string, string> Shapes => new()
    {
        {
            "instance, ValueTask, token, node form", Node + """
            internal sealed partial class S
            {
                [Memoize(typeof(UserInfoNode))]
                public partial ValueTask<UserInfo> GetUserInfoAsync(int userId, CancellationToken cancellationToken = default);
                private ValueTask<UserInfo> GetUserInfoCoreAsync(int userId, CancellationToken cancellationToken) => new(new UserInfo(userId));
            }
            """
        },
        {
            "static, Task, no token, template, Task loader without token", """
            internal static partial class S
            {
                [Memoize("p:{sku}", Caches = new[] { "local:500ms", "redis:2h" })]
                internal static partial Task<string> GetPriceAsync(string sku);
                private static Task<string> GetPriceCoreAsync(string sku) => Task.FromResult(sku);
            }
            """
        },
        {
            "instance client field, own serializer, static loader for an instance method", """
            internal sealed partial class S(CachemeClient client)
            {
                private static ICacheSerializer Custom => Serializers.Json;
                private readonly CachemeClient _client = client;
                [Memoize("x:{id}", Caches = new[] { "local" }, Client = nameof(_client), Serializer = nameof(Custom), Name = "custom-name")]
                public partial ValueTask<string> GetAsync(long id, CancellationToken ct);
                private static ValueTask<string> GetCoreAsync(long id, CancellationToken ct) => new("x");
            }
            """
        },
        {
            "static client property on a static method", """
            internal static partial class S
            {
                public static CachemeClient Cache { get; } = new();
                [Memoize("y:{id}", Caches = new[] { "local:10d" }, Client = nameof(Cache))]
                public static partial ValueTask<int> GetAsync(Guid id);
                private static ValueTask<int> GetCoreAsync(Guid id) => new(1);
            }
            """
        },
        {
            "global namespace, nested in a generic type, no key parameters", """
            internal sealed partial class Outer<TItem>
            {
                internal sealed partial class Inner
                {
                    [Memoize("config", Caches = new[] { "local" })]
                    public partial Task<TItem?> GetConfigAsync(CancellationToken cancellationToken);
                    private Task<TItem?> GetConfigCoreAsync(CancellationToken cancellationToken) => Task.FromResult(default(TItem));
                }
            }
            """
        },
        {
            "keyword names, nullables, enums, dates, defaults", """
            internal enum Tier { Free, Paid }
            internal sealed partial class S
            {
                [Memoize("e:{event}:{region}:{tier}:{at}:{when}:{span}:{amount}:{flag}:{page}:{c}", Caches = new[] { "local" })]
                public partial ValueTask<string?> GetAsync(int @event, string? region, Tier tier, DateTimeOffset? at, DateOnly when, TimeSpan span, decimal amount, bool flag, char c, int page = 1, CancellationToken cancellationToken = default);
                private ValueTask<string?> GetCoreAsync(int @event, string? region, Tier tier, DateTimeOffset? at, DateOnly when, TimeSpan span, decimal amount, bool flag, char c, int page, CancellationToken cancellationToken) => new((string?)null);
            }
            """
        },
        {
            "two memoized overloads", Node + """
            internal sealed partial class S
            {
                [Memoize(typeof(UserInfoNode))]
                public partial ValueTask<UserInfo> GetAsync(int userId);
                [Memoize("u:{name}", Caches = new[] { "local" })]
                public partial ValueTask<UserInfo> GetAsync(string name);
                private ValueTask<UserInfo> GetCoreAsync(int userId) => new(new UserInfo(userId));
                private ValueTask<UserInfo> GetCoreAsync(string name) => new(new UserInfo(0));
            }
            """
        },
        {
            "record struct owner, method without Async suffix", """
            internal partial record struct S(int Seed)
            {
                [Memoize("s:{id}", Caches = new[] { "local" })]
                public partial Task<int> Compute(int id);
                private Task<int> ComputeCore(int id) => Task.FromResult(id + Seed);
            }
            """
        },
        {
            "a parameter named value and one with a default (the Set companion's value parameter)", """
            internal static partial class S
            {
                [Memoize("v:{value}:{_value}:{page}", Caches = new[] { "local" })]
                public static partial ValueTask<string> GetAsync(string value, int _value, int page = 1);
                private static ValueTask<string> GetCoreAsync(string value, int _value, int page) => new(value);
            }
            """
        },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Generated_code_compiles_without_warnings(string description, string source)
    {
        GeneratorResult result = GeneratorHarness.Run(source);

        Assert.True(result.GeneratorDiagnostics.IsEmpty, $"{description}:\n{result.Format(result.GeneratorDiagnostics)}");
        Assert.NotEmpty(result.Sources);
        Assert.True(result.CompilationDiagnostics.IsEmpty, $"{description}:\n{result.Format(result.CompilationDiagnostics)}\n{string.Join("\n", result.Sources)}");
    }

    [Fact]
    public void Node_form_generates_body_and_companions()
    {
        GeneratorResult result = GeneratorHarness.Run("namespace Demo;\n" + Node + """
            internal sealed partial class UserService
            {
                [Memoize(typeof(UserInfoNode))]
                public partial ValueTask<UserInfo> GetUserInfoAsync(int userId, CancellationToken cancellationToken = default);
                private ValueTask<UserInfo> GetUserInfoCoreAsync(int userId, CancellationToken cancellationToken) => new(new UserInfo(userId));
            }
            """);

        Assert.Empty(result.CompilationDiagnostics);
        Assert.Equal(NodeFormExpected, Assert.Single(result.Sources));
    }

    [Fact]
    public void Template_form_generates_a_node_record_with_invariant_key()
    {
        GeneratorResult result = GeneratorHarness.Run("""
            namespace Demo;
            internal static partial class Prices
            {
                [Memoize("price:{sku}:{ratio}:{at}", Version = "v2", Caches = new[] { "local:30s", "redis:10d" }, Serializer = "Json")]
                public static partial Task<string> GetPriceAsync(string sku, double ratio, DateTime at);
                private static Task<string> GetPriceCoreAsync(string sku, double ratio, DateTime at) => Task.FromResult(sku);
            }
            """);

        Assert.Empty(result.CompilationDiagnostics);
        Assert.Equal(TemplateFormExpected, Assert.Single(result.Sources));
    }

    private const string NodeFormExpected = """
        // <auto-generated/> by Cacheme.Generators ([Memoize])
        #nullable enable

        namespace Demo
        {
            partial class UserService
            {
                public partial global::System.Threading.Tasks.ValueTask<global::Demo.UserInfo> GetUserInfoAsync(int userId, global::System.Threading.CancellationToken cancellationToken)
                    => global::CachemeNet.Cacheme.Default.GetAsync<global::Demo.UserInfo, (global::Demo.UserService, int)>(new global::Demo.UserInfoNode(UserId: userId), (this, userId), static (s, ct) => s.Item1.GetUserInfoCoreAsync(s.Item2, ct), cancellationToken);

                /// <summary>Removes the value cached by <c>GetUserInfoAsync</c> for these arguments from every tier; the next call loads it again.</summary>
                /// <param name="userId">As for <c>GetUserInfoAsync</c>.</param>
                /// <param name="cancellationToken">Cancels the operation.</param>
                public global::System.Threading.Tasks.ValueTask InvalidateGetUserInfoAsync(int userId, global::System.Threading.CancellationToken cancellationToken = default)
                    => global::CachemeNet.Cacheme.Default.InvalidateAsync<global::Demo.UserInfo>(new global::Demo.UserInfoNode(UserId: userId), cancellationToken);

                /// <summary>Invalidates the value cached by <c>GetUserInfoAsync</c> for these arguments, then loads and caches it again.</summary>
                /// <param name="userId">As for <c>GetUserInfoAsync</c>.</param>
                /// <param name="cancellationToken">Cancels the operation.</param>
                /// <returns>The freshly loaded value.</returns>
                public global::System.Threading.Tasks.ValueTask<global::Demo.UserInfo> RefreshGetUserInfoAsync(int userId, global::System.Threading.CancellationToken cancellationToken = default)
                    => global::CachemeNet.Cacheme.Default.RefreshAsync<global::Demo.UserInfo, (global::Demo.UserService, int)>(new global::Demo.UserInfoNode(UserId: userId), (this, userId), static (s, ct) => s.Item1.GetUserInfoCoreAsync(s.Item2, ct), cancellationToken);

                /// <summary>Caches <paramref name="value"/> as what <c>GetUserInfoAsync</c> returns for these arguments, in every tier, without calling the loader (write-through after changing the source).</summary>
                /// <param name="value">The value to cache.</param>
                /// <param name="userId">As for <c>GetUserInfoAsync</c>.</param>
                /// <param name="cancellationToken">Cancels the operation.</param>
                public global::System.Threading.Tasks.ValueTask SetGetUserInfoAsync(global::Demo.UserInfo value, int userId, global::System.Threading.CancellationToken cancellationToken = default)
                    => global::CachemeNet.Cacheme.Default.SetAsync<global::Demo.UserInfo>(new global::Demo.UserInfoNode(UserId: userId), value, cancellationToken);
            }
        }

        """;

    private const string TemplateFormExpected = """
        // <auto-generated/> by Cacheme.Generators ([Memoize])
        #nullable enable

        namespace Demo
        {
            partial class Prices
            {
                public static partial global::System.Threading.Tasks.Task<string> GetPriceAsync(string sku, double ratio, global::System.DateTime at)
                    => global::CachemeNet.Cacheme.Default.GetAsync<string, (string, double, global::System.DateTime)>(new __GetPriceAsync_MemoizeNode(sku, ratio, at), (sku, ratio, at), static (s, ct) => new global::System.Threading.Tasks.ValueTask<string>(global::Demo.Prices.GetPriceCoreAsync(s.Item1, s.Item2, s.Item3)), default).AsTask();

                /// <summary>Removes the value cached by <c>GetPriceAsync</c> for these arguments from every tier; the next call loads it again.</summary>
                /// <param name="sku">As for <c>GetPriceAsync</c>.</param>
                /// <param name="ratio">As for <c>GetPriceAsync</c>.</param>
                /// <param name="at">As for <c>GetPriceAsync</c>.</param>
                /// <param name="cancellationToken">Cancels the operation.</param>
                public static global::System.Threading.Tasks.Task InvalidateGetPriceAsync(string sku, double ratio, global::System.DateTime at, global::System.Threading.CancellationToken cancellationToken = default)
                    => global::CachemeNet.Cacheme.Default.InvalidateAsync<string>(new __GetPriceAsync_MemoizeNode(sku, ratio, at), cancellationToken).AsTask();

                /// <summary>Invalidates the value cached by <c>GetPriceAsync</c> for these arguments, then loads and caches it again.</summary>
                /// <param name="sku">As for <c>GetPriceAsync</c>.</param>
                /// <param name="ratio">As for <c>GetPriceAsync</c>.</param>
                /// <param name="at">As for <c>GetPriceAsync</c>.</param>
                /// <param name="cancellationToken">Cancels the operation.</param>
                /// <returns>The freshly loaded value.</returns>
                public static global::System.Threading.Tasks.Task<string> RefreshGetPriceAsync(string sku, double ratio, global::System.DateTime at, global::System.Threading.CancellationToken cancellationToken = default)
                    => global::CachemeNet.Cacheme.Default.RefreshAsync<string, (string, double, global::System.DateTime)>(new __GetPriceAsync_MemoizeNode(sku, ratio, at), (sku, ratio, at), static (s, ct) => new global::System.Threading.Tasks.ValueTask<string>(global::Demo.Prices.GetPriceCoreAsync(s.Item1, s.Item2, s.Item3)), cancellationToken).AsTask();

                /// <summary>Caches <paramref name="value"/> as what <c>GetPriceAsync</c> returns for these arguments, in every tier, without calling the loader (write-through after changing the source).</summary>
                /// <param name="value">The value to cache.</param>
                /// <param name="sku">As for <c>GetPriceAsync</c>.</param>
                /// <param name="ratio">As for <c>GetPriceAsync</c>.</param>
                /// <param name="at">As for <c>GetPriceAsync</c>.</param>
                /// <param name="cancellationToken">Cancels the operation.</param>
                public static global::System.Threading.Tasks.Task SetGetPriceAsync(string value, string sku, double ratio, global::System.DateTime at, global::System.Threading.CancellationToken cancellationToken = default)
                    => global::CachemeNet.Cacheme.Default.SetAsync<string>(new __GetPriceAsync_MemoizeNode(sku, ratio, at), value, cancellationToken).AsTask();

                private sealed record __GetPriceAsync_MemoizeNode : global::CachemeNet.CacheNode<string>
                {
                    private static readonly global::CachemeNet.NodeMeta s_meta = new global::CachemeNet.NodeMeta
                    {
                        Version = "v2",
                        Caches = new global::CachemeNet.Cache[] { new global::CachemeNet.Cache("local", new global::System.TimeSpan(300000000L)), new global::CachemeNet.Cache("redis", new global::System.TimeSpan(8640000000000L)) },
                        Serializer = global::CachemeNet.Serializers.Json,
                        Name = "Prices.GetPriceAsync",
                    };

                    private readonly string _sku;
                    private readonly double _ratio;
                    private readonly global::System.DateTime _at;

                    public __GetPriceAsync_MemoizeNode(string sku, double ratio, global::System.DateTime at)
                    {
                        this._sku = sku;
                        this._ratio = ratio;
                        this._at = at;
                    }

                    public override global::CachemeNet.NodeMeta Meta => s_meta;

                    public override string Key() => global::System.String.Create(global::System.Globalization.CultureInfo.InvariantCulture, $"price:{_sku}:{(_ratio + 0d)}:{_at:O}");

                    public override global::System.Threading.Tasks.ValueTask<string> LoadAsync(global::System.Threading.CancellationToken cancellationToken)
                        => throw new global::System.InvalidOperationException("This node is loaded only through GetPriceAsync.");
                }
            }
        }

        """;
}
