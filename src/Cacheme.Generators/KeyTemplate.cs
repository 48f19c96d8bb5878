using System.Collections.Generic;
using System.Text;

namespace CachemeNet.Generators;

/// <summary>One piece of a key template: literal text, or a placeholder naming a parameter.</summary>
internal readonly record struct TemplatePart(string Text, bool IsPlaceholder);

/// <summary>Parses key templates such as <c>user:{userId}:info</c>; <c>{{</c> and <c>}}</c> are literal braces.</summary>
internal static class KeyTemplate
{
    /// <summary>Splits <paramref name="template"/> into parts, or returns null and an error message.</summary>
    public static List<TemplatePart>? Parse(string template, out string? error)
    {
        var parts = new List<TemplatePart>();
        var literal = new StringBuilder();
        error = null;
        int i = 0;
        while (i < template.Length)
        {
            char c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                literal.Append('{');
                i += 2;
                continue;
            }

            if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                literal.Append('}');
                i += 2;
                continue;
            }

            if (c == '}')
            {
                error = "'}' at position " + i + " closes no placeholder (write '}}' for a literal brace)";
                return null;
            }

            if (c != '{')
            {
                literal.Append(c);
                i++;
                continue;
            }

            int close = template.IndexOf('}', i + 1);
            if (close < 0)
            {
                error = "'{' at position " + i + " is never closed (write '{{' for a literal brace)";
                return null;
            }

            string name = template.Substring(i + 1, close - i - 1);
            if (!IsIdentifier(name))
            {
                error = "placeholder '{" + name + "}' must be a parameter name only (no format or spaces)";
                return null;
            }

            if (literal.Length > 0)
            {
                parts.Add(new TemplatePart(literal.ToString(), false));
                literal.Clear();
            }

            parts.Add(new TemplatePart(name, true));
            i = close + 1;
        }

        if (literal.Length > 0)
        {
            parts.Add(new TemplatePart(literal.ToString(), false));
        }

        return parts;
    }

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        int start = name[0] == '@' ? 1 : 0;
        if (start == name.Length || !(char.IsLetter(name[start]) || name[start] == '_'))
        {
            return false;
        }

        for (int k = start + 1; k < name.Length; k++)
        {
            if (!(char.IsLetterOrDigit(name[k]) || name[k] == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
