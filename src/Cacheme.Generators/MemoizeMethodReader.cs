using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CachemeNet.Generators;

/// <summary>Reads one <c>[Memoize]</c> method into a <see cref="MemoizeMethod"/>, collecting every diagnostic it finds.</summary>
internal sealed class MemoizeMethodReader
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly string[] TemplateOnlyOptions = ["Version", "Caches", "Serializer", "Name"];

    private readonly IMethodSymbol _method;
    private readonly MethodDeclarationSyntax _syntax;
    private readonly AttributeData _attribute;
    private readonly Compilation _compilation;
    private readonly List<DiagnosticInfo> _diagnostics = [];
    private readonly string _display;

    private MemoizeMethodReader(IMethodSymbol method, MethodDeclarationSyntax syntax, AttributeData attribute, Compilation compilation)
    {
        _method = method;
        _syntax = syntax;
        _attribute = attribute;
        _compilation = compilation;
        _display = method.ContainingType.Name + "." + method.Name;
    }

    public static MemoizeResult Read(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var method = (IMethodSymbol)context.TargetSymbol;
        var syntax = (MethodDeclarationSyntax)context.TargetNode;
        var reader = new MemoizeMethodReader(method, syntax, context.Attributes[0], context.SemanticModel.Compilation);
        MemoizeMethod? model = reader.Read(cancellationToken);
        string hint = HintName(method);
        string? source = model is null ? reader.FallbackSource() : MemoizeSourceWriter.Write(model);
        return new MemoizeResult(hint, source, new EquatableArray<DiagnosticInfo>([.. reader._diagnostics]));
    }

    private MemoizeMethod? Read(CancellationToken cancellationToken)
    {
        if (!IsPartialDefinition(out string why))
        {
            Report(MemoizeDiagnostics.NotPartial, _syntax.Identifier.GetLocation(), _display, why);
            return null;
        }

        CheckShape();
        cancellationToken.ThrowIfCancellationRequested();

        ITypeSymbol? valueType = ReadReturnType(out bool returnsTask);
        List<IParameterSymbol> keyParameters = [.. _method.Parameters.Where(p => !IsToken(p.Type))];
        IParameterSymbol? token = _method.Parameters.FirstOrDefault(p => IsToken(p.Type));
        string client = ReadClient();
        MemoizeLoader? loader = valueType is null ? null : ReadLoader(valueType, keyParameters);

        string? nodeExpression = null;
        MemoizeTemplateNode? templateNode = null;
        if (_attribute.ConstructorArguments.Length == 1 && _attribute.ConstructorArguments[0].Value is INamedTypeSymbol nodeType)
        {
            nodeExpression = valueType is null ? null : ReadNodeForm(nodeType, valueType, keyParameters);
        }
        else if (_attribute.ConstructorArguments.Length == 1 && _attribute.ConstructorArguments[0].Value is string template)
        {
            templateNode = ReadTemplateForm(template, keyParameters);
            nodeExpression = templateNode is null ? null
                : "new " + templateNode.ClassName + "(" + string.Join(", ", keyParameters.Select(p => Escape(p.Name))) + ")";
        }
        else
        {
            Report(MemoizeDiagnostics.BadNodeType, AttributeLocation(), "(none)", "is missing: pass typeof(SomeNode) or a key template");
        }

        if (_diagnostics.Count > 0 || valueType is null || loader is null || nodeExpression is null)
        {
            return null;
        }

        return new MemoizeMethod(
            Namespace(),
            ContainingTypeHeaders(),
            _method.ContainingType.ToDisplayString(TypeFormat),
            ImplementationModifiers(),
            CompanionModifiers(),
            _method.IsStatic,
            _method.Name,
            BaseName(_method.Name),
            _method.ReturnType.ToDisplayString(TypeFormat),
            returnsTask,
            valueType.ToDisplayString(TypeFormat),
            new EquatableArray<MemoizeParameter>([.. _method.Parameters.Select(ToParameter)]),
            token is null ? null : Escape(token.Name),
            client,
            loader,
            nodeExpression,
            templateNode);
    }

    // ---- shape -------------------------------------------------------------------------------------------------

    private bool IsPartialDefinition(out string why)
    {
        why = string.Empty;
        if (!_syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            why = "add the 'partial' modifier";
            return false;
        }

        if (_syntax.Body is not null || _syntax.ExpressionBody is not null)
        {
            why = "put [Memoize] on the declaration without a body; the generator writes the body";
            return false;
        }

        for (SyntaxNode? node = _syntax.Parent; node is not null; node = node.Parent)
        {
            if (node is TypeDeclarationSyntax type && !type.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                why = "type '" + type.Identifier.Text + "' must be partial too";
                return false;
            }
        }

        why = "ok";
        return true;
    }

    private void CheckShape()
    {
        Location at = _syntax.Identifier.GetLocation();
        if (_method.IsGenericMethod)
        {
            Report(MemoizeDiagnostics.Unsupported, at, _display, "generic methods are not supported");
        }

        if (_method.IsExtensionMethod)
        {
            Report(MemoizeDiagnostics.Unsupported, at, _display, "extension methods are not supported");
        }

        if (_method.ContainingType.TypeKind == TypeKind.Interface)
        {
            Report(MemoizeDiagnostics.Unsupported, at, _display, "interface members are not supported");
        }

        foreach (IParameterSymbol parameter in _method.Parameters)
        {
            if (parameter.RefKind != RefKind.None || parameter.IsParams || parameter.Type.IsRefLikeType)
            {
                Report(MemoizeDiagnostics.Unsupported, Location(parameter), _display,
                    "parameter '" + parameter.Name + "' is ref, out, in, params or a ref struct");
            }
        }

        if (_method.Parameters.Count(p => IsToken(p.Type)) > 1)
        {
            Report(MemoizeDiagnostics.Unsupported, at, _display, "it has more than one CancellationToken parameter");
        }
    }

    private ITypeSymbol? ReadReturnType(out bool returnsTask)
    {
        returnsTask = false;
        if (_method.ReturnType is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named)
        {
            string original = named.OriginalDefinition.ToDisplayString();
            if (original == "System.Threading.Tasks.Task<TResult>" || original == "System.Threading.Tasks.ValueTask<TResult>")
            {
                returnsTask = original.StartsWith("System.Threading.Tasks.Task", System.StringComparison.Ordinal);
                return named.TypeArguments[0];
            }
        }

        Report(MemoizeDiagnostics.BadReturnType, _syntax.ReturnType.GetLocation(), _display, _method.ReturnType.ToDisplayString());
        return null;
    }

    // ---- client and loader ---------------------------------------------------------------------------------------

    private string ReadClient()
    {
        string? name = NamedString("Client");
        if (name is null)
        {
            return "global::CachemeNet.Cacheme.Default";
        }

        ISymbol? member = FindMember(_method.ContainingType, name, m => m is IFieldSymbol or IPropertySymbol);
        ITypeSymbol? type = member switch
        {
            IFieldSymbol f => f.Type,
            IPropertySymbol p => p.Type,
            _ => null,
        };

        if (member is null || type is null)
        {
            Report(MemoizeDiagnostics.BadClient, NamedArgumentLocation("Client"), name, _display, "is not a field or property of '" + _method.ContainingType.Name + "'");
        }
        else if (type.ToDisplayString() != "CachemeNet.CachemeClient")
        {
            Report(MemoizeDiagnostics.BadClient, NamedArgumentLocation("Client"), name, _display, "has type '" + type.ToDisplayString() + "', not CachemeNet.CachemeClient");
        }
        else if (_method.IsStatic && !member.IsStatic)
        {
            Report(MemoizeDiagnostics.BadClient, NamedArgumentLocation("Client"), name, _display, "is an instance member, but the method is static");
        }
        else
        {
            return member.IsStatic ? _method.ContainingType.ToDisplayString(TypeFormat) + "." + Escape(member.Name) : "this." + Escape(member.Name);
        }

        return "global::CachemeNet.Cacheme.Default";
    }

    private MemoizeLoader? ReadLoader(ITypeSymbol valueType, List<IParameterSymbol> keyParameters)
    {
        string name = LoaderName(_method.Name);
        string types = string.Join(", ", keyParameters.Select(p => p.Type.ToDisplayString()));
        string expected = "declare '" + (_method.IsStatic ? "static " : string.Empty) + "ValueTask<" + valueType.ToDisplayString() + "> " + name + "(" +
            types + (types.Length > 0 ? ", " : string.Empty) + "CancellationToken cancellationToken)' (Task<T> also works; the token is optional)";

        foreach (IMethodSymbol candidate in _method.ContainingType.GetMembers(name).OfType<IMethodSymbol>())
        {
            if (candidate.IsGenericMethod || (_method.IsStatic && !candidate.IsStatic))
            {
                continue;
            }

            bool takesToken = candidate.Parameters.Length == keyParameters.Count + 1 && IsToken(candidate.Parameters[candidate.Parameters.Length - 1].Type);
            if (candidate.Parameters.Length != keyParameters.Count + (takesToken ? 1 : 0))
            {
                continue;
            }

            bool same = true;
            for (int i = 0; i < keyParameters.Count; i++)
            {
                same &= candidate.Parameters[i].RefKind == RefKind.None && SymbolEqualityComparer.Default.Equals(candidate.Parameters[i].Type, keyParameters[i].Type);
            }

            if (!same || candidate.ReturnType is not INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } returned)
            {
                continue;
            }

            string original = returned.OriginalDefinition.ToDisplayString();
            bool returnsTask = original == "System.Threading.Tasks.Task<TResult>";
            if ((returnsTask || original == "System.Threading.Tasks.ValueTask<TResult>") &&
                SymbolEqualityComparer.Default.Equals(returned.TypeArguments[0], valueType))
            {
                return new MemoizeLoader(Escape(name), candidate.IsStatic, returnsTask, takesToken);
            }
        }

        Report(MemoizeDiagnostics.LoaderMissing, _syntax.Identifier.GetLocation(), _display, expected);
        return null;
    }

    // ---- node form -----------------------------------------------------------------------------------------------

    private string? ReadNodeForm(INamedTypeSymbol nodeType, ITypeSymbol valueType, List<IParameterSymbol> keyParameters)
    {
        foreach (string option in TemplateOnlyOptions)
        {
            if (_attribute.NamedArguments.Any(a => a.Key == option))
            {
                Report(MemoizeDiagnostics.NodeFormOption, NamedArgumentLocation(option), option, _display);
            }
        }

        Location at = AttributeLocation();
        string nodeName = nodeType.ToDisplayString();
        ITypeSymbol? nodeValue = CacheNodeValueType(nodeType);
        if (nodeValue is null)
        {
            Report(MemoizeDiagnostics.BadNodeType, at, nodeName, "does not derive from CachemeNet.CacheNode<T>");
            return null;
        }

        if (!SymbolEqualityComparer.Default.Equals(nodeValue, valueType))
        {
            Report(MemoizeDiagnostics.BadNodeType, at, nodeName,
                "derives from CacheNode<" + nodeValue.ToDisplayString() + ">, but '" + _display + "' returns " + valueType.ToDisplayString());
            return null;
        }

        if (nodeType.IsAbstract || nodeType.IsUnboundGenericType)
        {
            Report(MemoizeDiagnostics.BadNodeType, at, nodeName, "is abstract or an open generic type and cannot be created");
            return null;
        }

        // Choose the accessible constructor that fits best; report against it.
        IMethodSymbol[] constructors = [.. nodeType.InstanceConstructors.Where(c =>
            _compilation.IsSymbolAccessibleWithin(c, _method.ContainingType) &&
            !(c.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(c.Parameters[0].Type, nodeType)))];
        if (constructors.Length == 0)
        {
            Report(MemoizeDiagnostics.BadNodeType, at, nodeName, "has no constructor accessible from '" + _method.ContainingType.Name + "'");
            return null;
        }

        IMethodSymbol best = constructors.OrderBy(c => Mismatches(c, keyParameters).Count).ThenByDescending(c => c.Parameters.Length).First();
        List<string> problems = Mismatches(best, keyParameters);
        if (problems.Count > 0)
        {
            foreach (IParameterSymbol parameter in keyParameters)
            {
                IParameterSymbol? target = Match(best.Parameters, parameter.Name);
                if (target is null)
                {
                    Report(MemoizeDiagnostics.UnmappedParameter, Location(parameter), parameter.Name, _display,
                        "'" + nodeName + "' has no constructor parameter of that name");
                }
                else if (!_compilation.ClassifyConversion(parameter.Type, target.Type).IsImplicit)
                {
                    Report(MemoizeDiagnostics.UnmappedParameter, Location(parameter), parameter.Name, _display,
                        "its type " + parameter.Type.ToDisplayString() + " does not convert to " + target.Type.ToDisplayString() + " of the node's '" + target.Name + "'");
                }
            }

            foreach (IParameterSymbol target in best.Parameters)
            {
                if (!target.HasExplicitDefaultValue && Match(keyParameters, target.Name) is null)
                {
                    Report(MemoizeDiagnostics.UnsuppliedConstructorParameter, at, target.Name, nodeName, _display);
                }
            }

            return null;
        }

        IEnumerable<string> arguments = keyParameters.Select(p => Escape(Match(best.Parameters, p.Name)!.Name) + ": " + Escape(p.Name));
        return "new " + nodeType.ToDisplayString(TypeFormat) + "(" + string.Join(", ", arguments) + ")";
    }

    private List<string> Mismatches(IMethodSymbol constructor, List<IParameterSymbol> keyParameters)
    {
        var problems = new List<string>();
        foreach (IParameterSymbol parameter in keyParameters)
        {
            IParameterSymbol? target = Match(constructor.Parameters, parameter.Name);
            if (target is null || !_compilation.ClassifyConversion(parameter.Type, target.Type).IsImplicit)
            {
                problems.Add(parameter.Name);
            }
        }

        problems.AddRange(constructor.Parameters.Where(t => !t.HasExplicitDefaultValue && Match(keyParameters, t.Name) is null).Select(t => t.Name));
        return problems;
    }

    private static ITypeSymbol? CacheNodeValueType(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (current.IsGenericType && current.OriginalDefinition.ToDisplayString() == "CachemeNet.CacheNode<T>")
            {
                return current.TypeArguments[0];
            }
        }

        return null;
    }

    // ---- template form -------------------------------------------------------------------------------------------

    private MemoizeTemplateNode? ReadTemplateForm(string template, List<IParameterSymbol> keyParameters)
    {
        Location at = AttributeLocation();
        int before = _diagnostics.Count;
        List<TemplatePart>? parts = KeyTemplate.Parse(template, out string? error);
        if (parts is null)
        {
            Report(MemoizeDiagnostics.BadTemplate, at, template, _display, error!);
            return null;
        }

        var key = new StringBuilder();
        var used = new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default);
        foreach (TemplatePart part in parts)
        {
            if (!part.IsPlaceholder)
            {
                key.Append(EscapeInterpolated(part.Text));
                continue;
            }

            IParameterSymbol? parameter = Match(keyParameters, part.Text);
            if (parameter is null)
            {
                Report(MemoizeDiagnostics.UnknownPlaceholder, at, part.Text, _display,
                    keyParameters.Count == 0 ? "(none)" : string.Join(", ", keyParameters.Select(p => p.Name)));
                continue;
            }

            used.Add(parameter);
            if (!StableText.TryGetFormat(parameter.Type, out string? format, out string? normalize))
            {
                Report(MemoizeDiagnostics.UnstablePlaceholder, Location(parameter), part.Text, parameter.Type.ToDisplayString());
                continue;
            }

            string value = normalize is null ? FieldName(parameter) : "(" + FieldName(parameter) + normalize + ")";
            key.Append('{').Append(value).Append(format is null ? string.Empty : ":" + format).Append('}');
        }

        if (template.Length > 0 && parts.Count == 0)
        {
            Report(MemoizeDiagnostics.BadTemplate, at, template, _display, "the key is empty");
        }

        foreach (IParameterSymbol parameter in keyParameters.Where(p => !used.Contains(p)))
        {
            Report(MemoizeDiagnostics.UnmappedParameter, Location(parameter), parameter.Name, _display,
                "the key template does not use it, so calls differing only in it would share a cached value; add {" + parameter.Name + "} to the template");
        }

        string version = NamedString("Version") ?? "v1";
        if (version.Trim().Length == 0)
        {
            Report(MemoizeDiagnostics.InvalidCaches, NamedArgumentLocation("Version"), _display, "Version must not be empty");
        }

        List<string> caches = ReadCaches();
        string? serializer = ReadSerializer();
        string statsName = NamedString("Name") ?? _display;
        if (_diagnostics.Count > before)
        {
            return null;
        }

        return new MemoizeTemplateNode(
            NodeClassName(),
            new EquatableArray<MemoizeParameter>([.. keyParameters.Select(p => new MemoizeParameter(FieldName(p), p.Type.ToDisplayString(TypeFormat), null, false))]),
            key.ToString(),
            Literal(version),
            new EquatableArray<string>([.. caches]),
            serializer,
            Literal(statsName));
    }

    private List<string> ReadCaches()
    {
        var caches = new List<string>();
        Location at = NamedArgumentLocation("Caches");
        TypedConstant value = _attribute.NamedArguments.FirstOrDefault(a => a.Key == "Caches").Value;
        if (value.Kind != TypedConstantKind.Array || value.IsNull || value.Values.Length == 0)
        {
            Report(MemoizeDiagnostics.InvalidCaches, at, _display, "the template form needs Caches, e.g. Caches = new[] { \"local:30s\", \"redis:10d\" }");
            return caches;
        }

        foreach (TypedConstant entry in value.Values)
        {
            if (!CacheTierSpec.TryParse(entry.Value as string, out CacheTierSpec spec, out string error))
            {
                Report(MemoizeDiagnostics.InvalidCaches, at, _display, error);
                continue;
            }

            string ttl = spec.TtlTicks is long ticks ? "new global::System.TimeSpan(" + ticks.ToString(CultureInfo.InvariantCulture) + "L)" : "null";
            caches.Add("new global::CachemeNet.Cache(" + Literal(spec.Storage) + ", " + ttl + ")");
        }

        return caches;
    }

    private string? ReadSerializer()
    {
        string? name = NamedString("Serializer");
        if (name is null)
        {
            return null;
        }

        ISymbol? own = FindMember(_method.ContainingType, name, m => m.IsStatic && IsSerializer(m));
        if (own is not null)
        {
            return own.ContainingType.ToDisplayString(TypeFormat) + "." + Escape(own.Name);
        }

        INamedTypeSymbol? builtIns = _compilation.GetTypeByMetadataName("CachemeNet.Serializers");
        if (builtIns?.GetMembers(name).FirstOrDefault(m => m.IsStatic && IsSerializer(m)) is { } builtIn)
        {
            return "global::CachemeNet.Serializers." + Escape(builtIn.Name);
        }

        Report(MemoizeDiagnostics.BadSerializer, NamedArgumentLocation("Serializer"), name, _display, _method.ContainingType.Name);
        return null;
    }

    private static bool IsSerializer(ISymbol member)
    {
        ITypeSymbol? type = member switch
        {
            IFieldSymbol f => f.Type,
            IPropertySymbol p => p.Type,
            _ => null,
        };

        return type is not null && (type.ToDisplayString() == "CachemeNet.ICacheSerializer" || type.AllInterfaces.Any(i => i.ToDisplayString() == "CachemeNet.ICacheSerializer"));
    }

    // ---- naming and output pieces --------------------------------------------------------------------------------

    /// <summary>The loader's name: <c>GetUserAsync</c> -> <c>GetUserCoreAsync</c>; <c>GetUser</c> -> <c>GetUserCore</c>.</summary>
    public static string LoaderName(string method) =>
        method.EndsWith("Async", System.StringComparison.Ordinal) && method.Length > 5 ? BaseName(method) + "CoreAsync" : method + "Core";

    /// <summary>The method's name without a trailing <c>Async</c>.</summary>
    public static string BaseName(string method) =>
        method.EndsWith("Async", System.StringComparison.Ordinal) && method.Length > 5 ? method.Substring(0, method.Length - 5) : method;

    private static string HintName(IMethodSymbol method)
    {
        string type = method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", string.Empty);
        var name = new StringBuilder();
        foreach (char c in type + "." + method.Name + OverloadSuffix(method))
        {
            name.Append(char.IsLetterOrDigit(c) || c == '.' || c == '_' ? c : '_');
        }

        return name.Append(".Memoize.g.cs").ToString();
    }

    private static string OverloadSuffix(IMethodSymbol method)
    {
        IMethodSymbol[] sameName = [.. method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>()];
        if (sameName.Length < 2)
        {
            return string.Empty;
        }

        int index = System.Array.FindIndex(sameName, m => SymbolEqualityComparer.Default.Equals(m, method) || SymbolEqualityComparer.Default.Equals(m.PartialImplementationPart, method));
        return "_" + index.ToString(CultureInfo.InvariantCulture);
    }

    private string NodeClassName() => "__" + _method.Name + OverloadSuffix(_method) + "_MemoizeNode";

    private string? Namespace() => _method.ContainingType.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null;

    private EquatableArray<string> ContainingTypeHeaders()
    {
        var headers = new List<string>();
        foreach (TypeDeclarationSyntax type in _syntax.Ancestors().OfType<TypeDeclarationSyntax>())
        {
            string keyword = type is RecordDeclarationSyntax record
                ? "record" + (record.ClassOrStructKeyword.IsKind(SyntaxKind.None) ? string.Empty : " " + record.ClassOrStructKeyword.Text)
                : type.Keyword.Text;
            headers.Insert(0, "partial " + keyword + " " + type.Identifier.Text + (type.TypeParameterList?.ToString() ?? string.Empty));
        }

        return new EquatableArray<string>([.. headers]);
    }

    private string ImplementationModifiers()
    {
        IEnumerable<string> kept = _syntax.Modifiers.Where(m => !m.IsKind(SyntaxKind.PartialKeyword)).Select(m => m.Text);
        return string.Join(" ", kept.Concat(["partial"]));
    }

    private string CompanionModifiers()
    {
        string access = SyntaxFacts.GetText(_method.DeclaredAccessibility);
        var parts = new List<string>();
        if (access.Length > 0)
        {
            parts.Add(access);
        }

        if (_method.IsStatic)
        {
            parts.Add("static");
        }

        if (_syntax.Modifiers.Any(SyntaxKind.UnsafeKeyword))
        {
            parts.Add("unsafe");
        }

        return string.Join(" ", parts);
    }

    private MemoizeParameter ToParameter(IParameterSymbol parameter)
    {
        string prefix = (parameter.IsParams ? "params " : string.Empty) + parameter.RefKind switch
        {
            RefKind.Ref => "ref ",
            RefKind.Out => "out ",
            RefKind.In => "in ",
            RefKind.RefReadOnlyParameter => "ref readonly ",
            _ => string.Empty,
        };
        return new(Escape(parameter.Name), prefix + parameter.Type.ToDisplayString(TypeFormat), DefaultValue(parameter), IsToken(parameter.Type));
    }

    private static string? DefaultValue(IParameterSymbol parameter)
    {
        if (!parameter.HasExplicitDefaultValue)
        {
            return null;
        }

        object? value = parameter.ExplicitDefaultValue;
        if (value is null)
        {
            return "default";
        }

        string type = parameter.Type.ToDisplayString(TypeFormat);
        return "(" + type + ")" + SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false);
    }

    /// <summary>The implementation written when the method has errors, so that only the CACHEME diagnostics are reported.</summary>
    private string? FallbackSource()
    {
        if (!IsPartialDefinition(out _) || _syntax.ConstraintClauses.Count > 0)
        {
            return null;
        }

        MemoizeMethod stub = new(
            Namespace(), ContainingTypeHeaders(), _method.ContainingType.ToDisplayString(TypeFormat), ImplementationModifiers(), CompanionModifiers(),
            _method.IsStatic, _method.Name + (_syntax.TypeParameterList?.ToString() ?? string.Empty), BaseName(_method.Name), _method.ReturnType.ToDisplayString(TypeFormat), false, string.Empty,
            new EquatableArray<MemoizeParameter>([.. _method.Parameters.Select(ToParameter)]), null, string.Empty,
            new MemoizeLoader(string.Empty, false, false, false), string.Empty, null);
        return MemoizeSourceWriter.WriteFallback(stub);
    }

    // ---- small helpers -------------------------------------------------------------------------------------------

    private static bool IsToken(ITypeSymbol type) => type.ToDisplayString() == "System.Threading.CancellationToken";

    private static string FieldName(IParameterSymbol parameter) => "_" + parameter.Name;

    private static IParameterSymbol? Match(IEnumerable<IParameterSymbol> parameters, string name)
    {
        IParameterSymbol[] all = [.. parameters];
        string bare = name.TrimStart('@');
        return all.FirstOrDefault(p => p.Name == bare) ?? all.FirstOrDefault(p => string.Equals(p.Name, bare, System.StringComparison.OrdinalIgnoreCase));
    }

    private static ISymbol? FindMember(INamedTypeSymbol type, string name, System.Func<ISymbol, bool> accept)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            ISymbol? found = current.GetMembers(name).FirstOrDefault(accept);
            if (found is not null)
            {
                return found;
            }
        }

        return null;
    }

    private string? NamedString(string name) =>
        _attribute.NamedArguments.FirstOrDefault(a => a.Key == name) is { Key: not null } pair ? pair.Value.Value as string : null;

    private Location AttributeLocation() =>
        _attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? _syntax.Identifier.GetLocation();

    private Location NamedArgumentLocation(string name)
    {
        if (_attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax attribute && attribute.ArgumentList is not null)
        {
            foreach (AttributeArgumentSyntax argument in attribute.ArgumentList.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.Text == name)
                {
                    return argument.GetLocation();
                }
            }
        }

        return AttributeLocation();
    }

    private Location Location(IParameterSymbol parameter) =>
        parameter.Locations.FirstOrDefault(l => l.IsInSource) ?? _syntax.Identifier.GetLocation();

    private void Report(DiagnosticDescriptor descriptor, Location location, params string[] arguments) =>
        _diagnostics.Add(new DiagnosticInfo(descriptor, LocationInfo.From(location), new EquatableArray<string>([.. arguments])));

    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    private static string Literal(string text) => SymbolDisplay.FormatLiteral(text, quote: true);

    /// <summary>Escapes literal key text for the inside of a regular interpolated string.</summary>
    private static string EscapeInterpolated(string text)
    {
        string quoted = SymbolDisplay.FormatLiteral(text, quote: true);
        return quoted.Substring(1, quoted.Length - 2).Replace("{", "{{").Replace("}", "}}");
    }
}
