using System.Globalization;

namespace CachemeNet.Generators;

/// <summary>A tier from <c>MemoizeAttribute.Caches</c>: <c>"storage"</c> or <c>"storage:ttl"</c> (TTL like 500ms, 30s, 10m, 2h, 10d).</summary>
internal readonly record struct CacheTierSpec(string Storage, long? TtlTicks)
{
    private const long TicksPerMillisecond = 10_000;

    /// <summary>Parses one entry, or returns false with an error message.</summary>
    public static bool TryParse(string? entry, out CacheTierSpec spec, out string error)
    {
        spec = default;
        error = string.Empty;
        if (entry is null || entry.Trim().Length == 0)
        {
            error = "a Caches entry is empty; expected \"storage\" or \"storage:ttl\" such as \"local:30s\"";
            return false;
        }

        string text = entry.Trim();
        int colon = text.LastIndexOf(':');
        string storage = colon < 0 ? text : text.Substring(0, colon);
        if (storage.Length == 0 || HasWhiteSpace(storage))
        {
            error = "Caches entry \"" + entry + "\" has no valid storage name before ':'";
            return false;
        }

        if (colon < 0)
        {
            spec = new CacheTierSpec(storage, null);
            return true;
        }

        string ttl = text.Substring(colon + 1);
        if (!TryParseTtl(ttl, out long ticks))
        {
            error = "Caches entry \"" + entry + "\" has TTL \"" + ttl + "\"; expected a positive whole number with a unit ms, s, m, h or d (e.g. 30s, 10d)";
            return false;
        }

        spec = new CacheTierSpec(storage, ticks);
        return true;
    }

    private static bool TryParseTtl(string ttl, out long ticks)
    {
        ticks = 0;
        int digits = 0;
        while (digits < ttl.Length && ttl[digits] >= '0' && ttl[digits] <= '9')
        {
            digits++;
        }

        if (digits == 0 || !long.TryParse(ttl.Substring(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out long amount) || amount <= 0)
        {
            return false;
        }

        long unit;
        switch (ttl.Substring(digits))
        {
            case "ms": unit = TicksPerMillisecond; break;
            case "s": unit = 1000 * TicksPerMillisecond; break;
            case "m": unit = 60 * 1000 * TicksPerMillisecond; break;
            case "h": unit = 60 * 60 * 1000 * TicksPerMillisecond; break;
            case "d": unit = 24 * 60 * 60 * 1000 * TicksPerMillisecond; break;
            default: return false;
        }

        if (amount > long.MaxValue / unit)
        {
            return false;
        }

        ticks = amount * unit;
        return true;
    }

    private static bool HasWhiteSpace(string text)
    {
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                return true;
            }
        }

        return false;
    }
}
