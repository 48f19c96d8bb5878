using Microsoft.CodeAnalysis;

namespace CachemeNet.Generators;

/// <summary>
/// The placeholder types whose text is the same in every culture and process, and the format that keeps it so when the key
/// is written with <c>string.Create(CultureInfo.InvariantCulture, ...)</c>.
/// </summary>
internal static class StableText
{
    /// <summary>
    /// True when <paramref name="type"/> (or the type under a nullable) has a stable text form; <paramref name="format"/> is its
    /// format string or null, and <paramref name="normalize"/> an addition that maps values equal as record fields onto one text
    /// (<c>-0.0</c> and <c>0.0</c> are equal doubles but print differently; adding <c>+0.0</c> turns the first into the second).
    /// </summary>
    public static bool TryGetFormat(ITypeSymbol type, out string? format, out string? normalize)
    {
        format = null;
        normalize = null;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return true;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_String:
            case SpecialType.System_Char:
            case SpecialType.System_Boolean:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
                return true;
            case SpecialType.System_Single:
                normalize = " + 0f";
                return true;
            case SpecialType.System_Double:
                normalize = " + 0d";
                return true;
            case SpecialType.System_Decimal:
                // 1.0m == 1.00m, but they print differently; G29 drops trailing zeros.
                format = "G29";
                return true;
            case SpecialType.System_DateTime:
                format = "O";
                return true;
        }

        switch (type.ToDisplayString())
        {
            case "System.Guid":
            case "System.Int128":
            case "System.UInt128":
                return true;
            case "System.DateTimeOffset":
            case "System.DateOnly":
            case "System.TimeOnly":
                format = "O";
                return true;
            case "System.TimeSpan":
                format = "c";
                return true;
            default:
                return false;
        }
    }
}
