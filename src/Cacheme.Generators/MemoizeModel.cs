namespace CachemeNet.Generators;

/// <summary>What the pipeline produces per memoized method: the source to add (when valid) and the diagnostics to report.</summary>
internal sealed record MemoizeResult(string HintName, string? Source, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>Everything the writer needs about one memoized method; plain, comparable data.</summary>
internal sealed record MemoizeMethod(
    string? Namespace,
    EquatableArray<string> ContainingTypeHeaders,
    string OwnerType,
    string Modifiers,
    string CompanionModifiers,
    bool IsStatic,
    string Name,
    string BaseName,
    string ReturnType,
    bool ReturnsTask,
    string ValueType,
    EquatableArray<MemoizeParameter> Parameters,
    string? TokenName,
    string Client,
    MemoizeLoader Loader,
    string NodeExpression,
    MemoizeTemplateNode? TemplateNode);

/// <summary>A parameter of the memoized method; <see cref="Type"/> is fully qualified, <see cref="Name"/> escaped.</summary>
internal sealed record MemoizeParameter(string Name, string Type, string? Default, bool IsToken);

/// <summary>The user's loader method (<c>{Base}CoreAsync</c>).</summary>
internal sealed record MemoizeLoader(string Name, bool IsStatic, bool ReturnsTask, bool TakesToken);

/// <summary>The private node record written for the template form.</summary>
/// <param name="ClassName">The nested record's name.</param>
/// <param name="Fields">Field type and constructor parameter name, one per non-token parameter, in order.</param>
/// <param name="KeyInterpolation">The body of the invariant-culture interpolated string that builds the key.</param>
/// <param name="Version">The version, as a C# literal.</param>
/// <param name="Caches">The tier chain as C# expressions.</param>
/// <param name="Serializer">The serializer expression, or null for the default.</param>
/// <param name="StatsName">The node name in statistics, as a C# literal.</param>
internal sealed record MemoizeTemplateNode(
    string ClassName,
    EquatableArray<MemoizeParameter> Fields,
    string KeyInterpolation,
    string Version,
    EquatableArray<string> Caches,
    string? Serializer,
    string StatsName);
