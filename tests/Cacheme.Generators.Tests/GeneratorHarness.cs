using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace CachemeNet.Generators.Tests;

/// <summary>Runs <see cref="MemoizeGenerator"/> over source text with CSharpGeneratorDriver and compiles the result.</summary>
internal static class GeneratorHarness
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.Ordinal))
            .Select(p => MetadataReference.CreateFromFile(p))]);

    public const string Usings = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using CachemeNet;

        """;

    /// <summary>A value type and a node type for node-form inputs.</summary>
    public const string SampleNode = """
        internal sealed record UserInfo(int Id);
        internal sealed record UserInfoNode(int UserId) : CacheNode<UserInfo>
        {
            private static readonly NodeMeta s_meta = new() { Caches = [new Cache("local", null)] };
            public override NodeMeta Meta => s_meta;
            public override string Key() => $"user:{UserId}:info";
            public override ValueTask<UserInfo> LoadAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        }

        """;

    /// <summary>The generator's output for <paramref name="source"/>.</summary>
    public static GeneratorResult Run(string source)
    {
        SyntaxTree tree = CSharpSyntaxTree.ParseText(Usings + source, ParseOptions, path: "Input.cs");
        var compilation = CSharpCompilation.Create(
            "MemoizeInput",
            [tree],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999));

        GeneratorDriver driver = CSharpGeneratorDriver.Create([new MemoizeGenerator().AsSourceGenerator()], parseOptions: ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorDriverRunResult run = driver.GetRunResult();
        return new GeneratorResult(
            run.GeneratedTrees.Select(t => t.ToString()).ToArray(),
            generatorDiagnostics,
            output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray());
    }
}

/// <summary>What one generator run produced.</summary>
/// <param name="Sources">The generated files.</param>
/// <param name="GeneratorDiagnostics">What the generator reported.</param>
/// <param name="CompilationDiagnostics">Warnings and errors of the compilation including the generated files.</param>
internal sealed record GeneratorResult(string[] Sources, ImmutableArray<Diagnostic> GeneratorDiagnostics, ImmutableArray<Diagnostic> CompilationDiagnostics)
{
    public string Format(IEnumerable<Diagnostic> diagnostics) => string.Join("\n", diagnostics.Select(d => d.ToString()));
}
