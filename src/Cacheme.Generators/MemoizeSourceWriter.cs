using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace CachemeNet.Generators;

/// <summary>Writes the C# for one memoized method: its body, its companions and, for the template form, its node record.</summary>
internal static class MemoizeSourceWriter
{
    private const string ValueTask = "global::System.Threading.Tasks.ValueTask";
    private const string Task = "global::System.Threading.Tasks.Task";
    private const string Token = "global::System.Threading.CancellationToken";

    public static string Write(MemoizeMethod m)
    {
        var body = new StringBuilder();
        string indent = new(' ', 4 * (m.ContainingTypeHeaders.Length + (m.Namespace is null ? 0 : 1)));
        State state = StateOf(m);
        string node = m.NodeExpression;
        string token = m.TokenName ?? "default";
        string companionToken = m.TokenName ?? "cancellationToken";
        string typeArguments = "<" + m.ValueType + ", " + state.Type + ">";

        // The memoized method.
        body.Append(indent).Append(m.Modifiers).Append(' ').Append(m.ReturnType).Append(' ').Append(m.Name)
            .Append('(').Append(Parameters(m, defaults: false, addToken: false)).Append(")\n");
        body.Append(indent).Append("    => ").Append(m.Client).Append(".GetAsync").Append(typeArguments).Append('(').Append(node).Append(", ")
            .Append(state.Expression).Append(", ").Append(state.Loader).Append(", ").Append(token).Append(')').Append(m.ReturnsTask ? ".AsTask()" : string.Empty).Append(";\n\n");

        // Invalidate companion.
        string kind = m.ReturnsTask ? Task : ValueTask;
        body.Append(indent).Append("/// <summary>Removes the value cached by <c>").Append(m.Name).Append("</c> for these arguments from every tier; the next call loads it again.</summary>\n");
        AppendParamDocs(body, indent, m, companionToken);
        body.Append(indent).Append(m.CompanionModifiers).Append(' ').Append(kind).Append(" Invalidate").Append(m.BaseName).Append("Async(")
            .Append(Parameters(m, defaults: true, addToken: true)).Append(")\n");
        body.Append(indent).Append("    => ").Append(m.Client).Append(".InvalidateAsync<").Append(m.ValueType).Append(">(").Append(node).Append(", ")
            .Append(companionToken).Append(')').Append(m.ReturnsTask ? ".AsTask()" : string.Empty).Append(";\n\n");

        // Refresh companion.
        body.Append(indent).Append("/// <summary>Invalidates the value cached by <c>").Append(m.Name).Append("</c> for these arguments, then loads and caches it again.</summary>\n");
        AppendParamDocs(body, indent, m, companionToken);
        body.Append(indent).Append("/// <returns>The freshly loaded value.</returns>\n");
        body.Append(indent).Append(m.CompanionModifiers).Append(' ').Append(m.ReturnType).Append(" Refresh").Append(m.BaseName).Append("Async(")
            .Append(Parameters(m, defaults: true, addToken: true)).Append(")\n");
        body.Append(indent).Append("    => ").Append(m.Client).Append(".RefreshAsync").Append(typeArguments).Append('(').Append(node).Append(", ")
            .Append(state.Expression).Append(", ").Append(state.Loader).Append(", ").Append(companionToken).Append(')')
            .Append(m.ReturnsTask ? ".AsTask()" : string.Empty).Append(";\n");

        // Set companion (write-through): the value first, so the method's own optional parameters stay last.
        string value = ValueParameterName(m);
        body.Append('\n');
        body.Append(indent).Append("/// <summary>Caches <paramref name=\"").Append(value).Append("\"/> as what <c>").Append(m.Name)
            .Append("</c> returns for these arguments, in every tier, without calling the loader (write-through after changing the source).</summary>\n");
        body.Append(indent).Append("/// <param name=\"").Append(value).Append("\">The value to cache.</param>\n");
        AppendParamDocs(body, indent, m, companionToken);
        body.Append(indent).Append(m.CompanionModifiers).Append(' ').Append(kind).Append(" Set").Append(m.BaseName).Append("Async(")
            .Append(m.ValueType).Append(' ').Append(value).Append(", ").Append(Parameters(m, defaults: true, addToken: true)).Append(")\n"); // never empty: the token at least
        body.Append(indent).Append("    => ").Append(m.Client).Append(".SetAsync<").Append(m.ValueType).Append(">(").Append(node).Append(", ")
            .Append(value).Append(", ").Append(companionToken).Append(')').Append(m.ReturnsTask ? ".AsTask()" : string.Empty).Append(";\n");

        if (m.TemplateNode is { } template)
        {
            body.Append('\n');
            WriteTemplateNode(body, indent, m, template);
        }

        return Wrap(m, body.ToString());
    }

    /// <summary>A body that only throws, written when the method has CACHEME errors so the compiler reports nothing else.</summary>
    public static string WriteFallback(MemoizeMethod m)
    {
        string indent = new(' ', 4 * (m.ContainingTypeHeaders.Length + (m.Namespace is null ? 0 : 1)));
        string body = indent + m.Modifiers + " " + m.ReturnType + " " + m.Name + "(" + Parameters(m, defaults: false, addToken: false) + ")\n" +
            indent + "    => throw new global::System.InvalidOperationException(\"[Memoize] on " + m.Name + " has errors (CACHEME diagnostics); no body was generated.\");\n";
        return Wrap(m, body);
    }

    private static void WriteTemplateNode(StringBuilder body, string indent, MemoizeMethod m, MemoizeTemplateNode t)
    {
        string i2 = indent + "    ";
        string nodeBase = "global::CachemeNet.CacheNode<" + m.ValueType + ">";
        body.Append(indent).Append("private sealed record ").Append(t.ClassName).Append(" : ").Append(nodeBase).Append('\n');
        body.Append(indent).Append("{\n");
        body.Append(i2).Append("private static readonly global::CachemeNet.NodeMeta s_meta = new global::CachemeNet.NodeMeta\n");
        body.Append(i2).Append("{\n");
        body.Append(i2).Append("    Version = ").Append(t.Version).Append(",\n");
        body.Append(i2).Append("    Caches = new global::CachemeNet.Cache[] { ").Append(string.Join(", ", t.Caches)).Append(" },\n");
        if (t.Serializer is not null)
        {
            body.Append(i2).Append("    Serializer = ").Append(t.Serializer).Append(",\n");
        }

        body.Append(i2).Append("    Name = ").Append(t.StatsName).Append(",\n");
        body.Append(i2).Append("};\n\n");
        foreach (MemoizeParameter field in t.Fields)
        {
            body.Append(i2).Append("private readonly ").Append(field.Type).Append(' ').Append(field.Name).Append(";\n");
        }

        if (t.Fields.Length > 0)
        {
            body.Append('\n');
        }

        body.Append(i2).Append("public ").Append(t.ClassName).Append('(').Append(string.Join(", ", t.Fields.Select(f => f.Type + " " + MemoizeMethodReader.Escape(f.Name.Substring(1))))).Append(")\n");
        body.Append(i2).Append("{\n");
        foreach (MemoizeParameter field in t.Fields)
        {
            body.Append(i2).Append("    this.").Append(field.Name).Append(" = ").Append(MemoizeMethodReader.Escape(field.Name.Substring(1))).Append(";\n");
        }

        body.Append(i2).Append("}\n\n");
        body.Append(i2).Append("public override global::CachemeNet.NodeMeta Meta => s_meta;\n\n");
        body.Append(i2).Append("public override string Key() => global::System.String.Create(global::System.Globalization.CultureInfo.InvariantCulture, $\"")
            .Append(t.KeyInterpolation).Append("\");\n\n");
        body.Append(i2).Append("public override ").Append(ValueTask).Append('<').Append(m.ValueType).Append("> LoadAsync(").Append(Token).Append(" cancellationToken)\n");
        body.Append(i2).Append("    => throw new global::System.InvalidOperationException(\"This node is loaded only through ").Append(m.Name).Append(".\");\n");
        body.Append(indent).Append("}\n");
    }

    private static string Wrap(MemoizeMethod m, string members)
    {
        var text = new StringBuilder();
        text.Append("// <auto-generated/> by Cacheme.Generators ([Memoize])\n#nullable enable\n\n");
        int depth = 0;
        if (m.Namespace is not null)
        {
            text.Append("namespace ").Append(m.Namespace).Append("\n{\n");
            depth++;
        }

        foreach (string header in m.ContainingTypeHeaders)
        {
            string pad = new(' ', 4 * depth);
            text.Append(pad).Append(header).Append('\n').Append(pad).Append("{\n");
            depth++;
        }

        text.Append(members);
        while (depth > 0)
        {
            depth--;
            text.Append(new string(' ', 4 * depth)).Append("}\n");
        }

        return text.ToString();
    }

    /// <summary>The name of the Set companion's value parameter: <c>value</c>, unless one of the method's parameters has it.</summary>
    private static string ValueParameterName(MemoizeMethod m)
    {
        string name = "value";
        while (m.Parameters.Any(p => p.Name.TrimStart('@') == name))
        {
            name = "_" + name;
        }

        return name;
    }

    private static string Parameters(MemoizeMethod m, bool defaults, bool addToken)
    {
        IEnumerable<string> list = m.Parameters.Select(p => p.Type + " " + p.Name + (defaults && p.Default is not null ? " = " + p.Default : string.Empty));
        if (addToken && m.TokenName is null)
        {
            list = list.Concat([Token + " cancellationToken = default"]);
        }

        return string.Join(", ", list);
    }

    private static void AppendParamDocs(StringBuilder body, string indent, MemoizeMethod m, string token)
    {
        foreach (MemoizeParameter p in m.Parameters.Where(p => !p.IsToken))
        {
            body.Append(indent).Append("/// <param name=\"").Append(p.Name.TrimStart('@')).Append("\">As for <c>").Append(m.Name).Append("</c>.</param>\n");
        }

        body.Append(indent).Append("/// <param name=\"").Append(token.TrimStart('@')).Append("\">Cancels the operation.</param>\n");
    }

    /// <summary>
    /// What the loader needs, passed as state to a static lambda so that no closure is allocated per call: the owner (for an
    /// instance loader) and the key arguments, as one value or a value tuple.
    /// </summary>
    private static State StateOf(MemoizeMethod m)
    {
        var items = new List<(string Type, string Expression)>();
        if (!m.Loader.IsStatic)
        {
            items.Add((m.OwnerType, "this"));
        }

        items.AddRange(m.Parameters.Where(p => !p.IsToken).Select(p => (p.Type, p.Name)));
        string type;
        string expression;
        string[] access;
        switch (items.Count)
        {
            case 0:
                type = "object?";
                expression = "null";
                access = [];
                break;
            case 1:
                type = items[0].Type;
                expression = items[0].Expression;
                access = ["s"];
                break;
            default:
                type = "(" + string.Join(", ", items.Select(i => i.Type)) + ")";
                expression = "(" + string.Join(", ", items.Select(i => i.Expression)) + ")";
                access = [.. items.Select((_, k) => "s.Item" + (k + 1))];
                break;
        }

        string receiver = m.Loader.IsStatic ? m.OwnerType : access[0];
        IEnumerable<string> arguments = access.Skip(m.Loader.IsStatic ? 0 : 1);
        if (m.Loader.TakesToken)
        {
            arguments = arguments.Concat(["ct"]);
        }

        string call = receiver + "." + m.Loader.Name + "(" + string.Join(", ", arguments) + ")";
        if (m.Loader.ReturnsTask)
        {
            call = "new " + ValueTask + "<" + m.ValueType + ">(" + call + ")";
        }

        string lambda = "static (" + (items.Count == 0 ? "_" : "s") + ", ct) => " + call;
        return new State(type, expression, lambda);
    }

    private readonly record struct State(string Type, string Expression, string Loader);
}
