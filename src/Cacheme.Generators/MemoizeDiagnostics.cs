using Microsoft.CodeAnalysis;

namespace CachemeNet.Generators;

/// <summary>The diagnostics of the Memoize generator; IDs and meanings are documented in the README's Memoize section.</summary>
internal static class MemoizeDiagnostics
{
    private const string Category = "Cacheme.Memoize";

    public static readonly DiagnosticDescriptor UnknownPlaceholder = Error(
        "CACHEME001", "Key template placeholder names no parameter",
        "Placeholder '{{{0}}}' in the key template of '{1}' names no parameter; parameters: {2}");

    public static readonly DiagnosticDescriptor UnmappedParameter = Error(
        "CACHEME002", "Parameter maps to nothing",
        "Parameter '{0}' of '{1}' maps to nothing: {2}");

    public static readonly DiagnosticDescriptor NotPartial = Error(
        "CACHEME003", "Memoized method must be a partial method declaration",
        "'{0}' must be a partial method declaration without a body, in partial types ({1})");

    public static readonly DiagnosticDescriptor BadReturnType = Error(
        "CACHEME004", "Memoized method must return Task<T> or ValueTask<T>",
        "'{0}' returns '{1}'; a memoized method must return Task<T> or ValueTask<T>");

    public static readonly DiagnosticDescriptor BadNodeType = Error(
        "CACHEME005", "Node type must derive from CacheNode<T> with the method's T",
        "Node type '{0}' {1}");

    public static readonly DiagnosticDescriptor UnstablePlaceholder = Error(
        "CACHEME006", "Placeholder type has no stable text form",
        "Placeholder '{{{0}}}' has type '{1}', which has no stable culture-invariant text form; use a string, number, bool, char, enum, Guid, date/time type or a nullable of one");

    public static readonly DiagnosticDescriptor InvalidCaches = Error(
        "CACHEME007", "Invalid Caches or Version",
        "'{0}': {1}");

    public static readonly DiagnosticDescriptor LoaderMissing = Error(
        "CACHEME008", "Loader method missing or mismatched",
        "'{0}' needs a loader: {1}");

    public static readonly DiagnosticDescriptor BadClient = Error(
        "CACHEME009", "Client member missing or unusable",
        "Client '{0}' of '{1}' {2}");

    public static readonly DiagnosticDescriptor BadSerializer = Error(
        "CACHEME010", "Serializer member missing",
        "Serializer '{0}' of '{1}' is neither a static ICacheSerializer field or property of '{2}' nor a property of CachemeNet.Serializers");

    public static readonly DiagnosticDescriptor BadTemplate = Error(
        "CACHEME011", "Key template syntax error",
        "Key template \"{0}\" of '{1}': {2}");

    public static readonly DiagnosticDescriptor NodeFormOption = Error(
        "CACHEME012", "Template-form option used with the node form",
        "'{0}' is set on '{1}', but with a node type the node's Meta decides it; remove it or use the template form");

    public static readonly DiagnosticDescriptor Unsupported = Error(
        "CACHEME013", "Unsupported method shape",
        "'{0}' cannot be memoized: {1}");

    public static readonly DiagnosticDescriptor UnsuppliedConstructorParameter = Error(
        "CACHEME014", "Node constructor parameter has no matching method parameter",
        "Constructor parameter '{0}' of node '{1}' has no parameter of the same name in '{2}' and no default value");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            helpLinkUri: "https://github.com/cacheme/cacheme-dotnet/blob/main/README.md#diagnostics");
}
