using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CachemeNet.Generators;

/// <summary>
/// Writes the bodies of <c>[Memoize]</c> partial methods (and their Invalidate/Refresh/Set companions) so that they read through
/// Cacheme, without reflection at run time. See the README's Memoize section.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class MemoizeGenerator : IIncrementalGenerator
{
    /// <summary>The attribute's metadata name.</summary>
    public const string AttributeName = "CachemeNet.MemoizeAttribute";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<MemoizeResult> results = context.SyntaxProvider.ForAttributeWithMetadataName(
            AttributeName,
            static (node, _) => node is MethodDeclarationSyntax,
            static (ctx, ct) => MemoizeMethodReader.Read(ctx, ct));

        context.RegisterSourceOutput(results, static (spc, result) =>
        {
            if (result.Source is not null)
            {
                spc.AddSource(result.HintName, result.Source);
            }
        });

        // Diagnostics are mapped onto the current compilation's syntax trees, so they carry real source locations.
        IncrementalValuesProvider<(MemoizeResult Result, Compilation Compilation)> withCompilation = results
            .Where(static r => r.Diagnostics.Length > 0)
            .Combine(context.CompilationProvider);
        context.RegisterSourceOutput(withCompilation, static (spc, pair) =>
        {
            foreach (DiagnosticInfo diagnostic in pair.Result.Diagnostics)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic(pair.Compilation));
            }
        });
    }
}
