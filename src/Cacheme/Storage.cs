namespace CachemeNet;

/// <summary>
/// Describes a storage to register: a URL whose scheme chooses the backend (<c>local://lru</c>, <c>local://tlfu</c>,
/// <c>redis://host:port</c>, <c>postgresql://…</c>, <c>mysql://…</c>, <c>sqlite:///file.db</c>) and its options.
/// </summary>
public sealed class Storage
{
    /// <summary>Creates a storage description.</summary>
    /// <param name="url">The storage URL; its scheme selects the backend.</param>
    /// <param name="size">For local storages, the maximum number of entries.</param>
    /// <exception cref="ArgumentException">The URL is empty or has no scheme.</exception>
    public Storage(string url, int? size = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        int colon = url.IndexOf("://", StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new ArgumentException($"Storage URL '{Redact(url)}' has no scheme; expected e.g. 'local://lru' or 'redis://127.0.0.1:6379'.", nameof(url));
        }

        if (size is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "A storage size must be positive.");
        }

        Url = url;
        Scheme = url[..colon].ToLowerInvariant();
        Size = size;
    }

    /// <summary>The URL as given.</summary>
    public string Url { get; }

    /// <summary>The URL's scheme, lower case (<c>local</c>, <c>redis</c>, …).</summary>
    public string Scheme { get; }

    /// <summary>For local storages, the maximum number of entries.</summary>
    public int? Size { get; }

    /// <summary>For SQL storages, the table name (letters, digits and underscores only). Defaults to <c>cacheme_data</c>.</summary>
    public string? Table { get; init; }

    /// <summary>For Redis, connect to a Redis Cluster.</summary>
    public bool Cluster { get; init; }

    /// <summary>For remote storages, the connection pool size.</summary>
    public int? PoolSize { get; init; }

    /// <summary>
    /// For remote storages, coalesce concurrent single-key reads into batched reads (one <c>MGET</c> for every read that
    /// arrives while earlier ones are on the wire). Cuts server commands far below one per request under load; adds no
    /// delay when idle. Off by default.
    /// </summary>
    public bool Coalesce { get; init; }

    /// <summary>For SQL storages, create the table and its index when missing.</summary>
    public bool CreateTable { get; init; } = true;

    /// <summary>Further backend-specific options.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>The URL with any password replaced by <c>***</c>, for messages and logs.</summary>
    public string RedactedUrl => Redact(Url);

    /// <inheritdoc />
    public override string ToString() => RedactedUrl;

    /// <summary>
    /// Replaces the secret part of a URL's user information and any <c>password=</c> option with <c>***</c>: in
    /// <c>user:password@</c> and <c>:password@</c> the part after the first colon, and in <c>secret@</c> (which Redis
    /// reads as a password) all of it. The user information ends at the last <c>@</c> before the first comma, as the
    /// storages parse it, so a password holding an unescaped <c>@</c> is hidden whole.
    /// </summary>
    /// <param name="url">A storage URL.</param>
    public static string Redact(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        string result = url;
        int scheme = result.IndexOf("://", StringComparison.Ordinal);
        int start = scheme < 0 ? 0 : scheme + 3;
        int comma = result.IndexOf(',', start);
        int at = result.LastIndexOf('@', comma < 0 ? result.Length - 1 : comma - 1);
        if (at >= start)
        {
            int colon = result.IndexOf(':', start, at - start);
            int secret = colon >= 0 ? colon + 1 : start;
            result = string.Concat(result.AsSpan(0, secret), "***", result.AsSpan(at));
        }

        int pw = result.IndexOf("password=", StringComparison.OrdinalIgnoreCase);
        if (pw >= 0)
        {
            int end = result.IndexOfAny([',', ';', '&'], pw);
            result = string.Concat(result.AsSpan(0, pw + 9), "***", end < 0 ? string.Empty : result.AsSpan(end));
        }

        return result;
    }
}
