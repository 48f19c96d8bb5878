using System.Buffers;

namespace CachemeNet.Sql.Internal;

/// <summary>Validates the <c>table</c> option: only a plain identifier can reach SQL text, so nothing can be injected through it.</summary>
internal static class SqlTableName
{
    public const string Default = "cacheme_data";

    // Leaves room for the "_expire_idx" suffix within the 63/64-character identifier limits of PostgreSQL and MySQL.
    public const int MaxLength = 48;

    private static readonly SearchValues<char> Allowed = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    /// <summary>Returns the table name to use, or throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public static string Validate(string? table)
    {
        if (table is null)
        {
            return Default;
        }

        if (table.Length == 0 || table.Length > MaxLength)
        {
            throw new ArgumentException($"Table name must be 1 to {MaxLength} characters long; got {table.Length}.", nameof(table));
        }

        if (table.AsSpan().IndexOfAnyExcept(Allowed) >= 0 || char.IsAsciiDigit(table[0]))
        {
            throw new ArgumentException(
                $"Table name '{table}' is not allowed: use letters, digits and underscores only, not starting with a digit.", nameof(table));
        }

        return table;
    }
}
