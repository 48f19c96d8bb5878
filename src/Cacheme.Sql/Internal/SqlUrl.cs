namespace CachemeNet.Sql.Internal;

/// <summary>The parts of a server SQL URL: <c>scheme://user:password@host:port/database?option=value</c>.</summary>
internal sealed record SqlUrl(string Host, int Port, string? User, string? Password, string Database, IReadOnlyDictionary<string, string> Query)
{
    /// <summary>Parses a URL; throws <see cref="ArgumentException"/> (with the password hidden) when it is malformed.</summary>
    public static SqlUrl Parse(Storage storage, int defaultPort)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (!Uri.TryCreate(storage.Url, UriKind.Absolute, out Uri? uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"Storage URL '{storage.RedactedUrl}' is not of the form {storage.Scheme}://user:password@host:port/database.", nameof(storage));
        }

        string database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Storage URL '{storage.RedactedUrl}' names no database; expected {storage.Scheme}://user:password@host:port/database.", nameof(storage));
        }

        string? user = null;
        string? password = null;
        if (uri.UserInfo.Length > 0)
        {
            int colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            query[name] = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
        }

        return new SqlUrl(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? defaultPort : uri.Port, user, password, database, query);
    }
}
