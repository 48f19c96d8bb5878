using StackExchange.Redis;

namespace CachemeNet.Redis.Internal;

/// <summary>
/// Turns <c>redis://[[user]:password@]host:port[/db][,option=value…]</c> (or <c>rediss://</c> for TLS) into StackExchange.Redis
/// options. Anything after the first comma is StackExchange.Redis configuration (further <c>host:port</c> endpoints and
/// <c>name=value</c> options such as <c>connectTimeout=500</c> or <c>abortConnect=false</c>).
/// </summary>
internal static class RedisUrl
{
    public static ConfigurationOptions Parse(Storage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        string url = storage.Url;
        int schemeEnd = url.IndexOf("://", StringComparison.Ordinal) + 3;
        int comma = url.IndexOf(',', schemeEnd);
        string main = comma < 0 ? url[schemeEnd..] : url[schemeEnd..comma];
        string extra = comma < 0 ? string.Empty : url[(comma + 1)..];

        string? user = null;
        string? password = null;
        int at = main.LastIndexOf('@');
        if (at >= 0)
        {
            string userInfo = main[..at];
            int colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            password = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[(colon + 1)..]);
            user = colon > 0 ? Uri.UnescapeDataString(userInfo[..colon]) : null; // an ACL user (Redis 6+)
            main = main[(at + 1)..];
        }

        int? database = null;
        int slash = main.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            string db = main[(slash + 1)..];
            if (db.Length > 0)
            {
                database = int.TryParse(db, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n)
                    ? n
                    : throw new ArgumentException($"Storage URL '{storage.RedactedUrl}' has database '{db}'; expected a number.", nameof(storage));
            }

            main = main[..slash];
        }

        if (main.Length == 0)
        {
            throw new ArgumentException($"Storage URL '{storage.RedactedUrl}' names no host; expected redis://host:port.", nameof(storage));
        }

        // StackExchange.Redis drops an endpoint it cannot parse without a word, which would connect to fewer servers than
        // named (or report a connection failure for what is a typo).
        foreach (string endpoint in extra.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(t => !t.Contains('=', StringComparison.Ordinal)).Prepend(main))
        {
            if (!IsEndpoint(endpoint))
            {
                throw new ArgumentException($"Storage URL '{storage.RedactedUrl}' has endpoint '{endpoint}'; expected host or host:port with a port from 1 to 65535.", nameof(storage));
            }
        }

        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(extra.Length == 0 ? main : main + "," + extra);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Storage URL '{storage.RedactedUrl}' has an invalid option: {e.Message}", nameof(storage), e);
        }

        if (password is not null && password.Length > 0)
        {
            options.Password = password;
        }

        if (user is not null)
        {
            options.User = user;
        }

        if (database is not null)
        {
            options.DefaultDatabase = database;
        }

        if (storage.Scheme == "rediss")
        {
            options.Ssl = true;
        }

        // A command sent while the connection is down fails at once, as with StackExchange.Redis 1.x, instead of waiting
        // in the client's backlog for a reconnect: the tier's timeout, circuit breaker and fail-safe are built on fast
        // failures (with the backlog, every call during an outage waited out its timeout and the circuit never opened).
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return options;
    }

    /// <summary>host, host:port, [ipv6] or [ipv6]:port (a bare IPv6 address has more than one colon and no port).</summary>
    private static bool IsEndpoint(string endpoint)
    {
        string port;
        if (endpoint.StartsWith('['))
        {
            int close = endpoint.IndexOf(']', StringComparison.Ordinal);
            if (close < 2)
            {
                return false;
            }

            if (close == endpoint.Length - 1)
            {
                return true;
            }

            if (endpoint[close + 1] != ':')
            {
                return false;
            }

            port = endpoint[(close + 2)..];
        }
        else
        {
            int colon = endpoint.LastIndexOf(':');
            if (colon < 0 || endpoint.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                return endpoint.Length > 0 && colon != 0;
            }

            if (colon == 0)
            {
                return false;
            }

            port = endpoint[(colon + 1)..];
        }

        return ushort.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ushort number) && number > 0;
    }
}
