using System.Diagnostics;
using System.Globalization;

namespace CachemeNet.Benchmarks.HitRate;

/// <summary>
/// The <c>hitrate</c> command.
/// <code>
/// hitrate --trace FILE --format lirs|arc|corda|keys --sizes 250,500 [--policies tlfu,lru,opt] [--seed N]
///     prints "trace,policy,size,requests,hit_ratio" lines (hit ratio in percent); besides the library's policies
///     (tlfu, tlfu@SHARE, lru) it takes opt (Bélády), exact-lru (a textbook LRU, the reference lru approximates) and
///     the reference policies arc and lirs (written from their papers, simulator only).
/// hitrate --anchors ANCHORS.csv [--traces DIR] [--only gli,sprite] [--fixed-windows 0.01,0.2,0.99] [--references arc,lirs]
///     replays every row of ANCHORS.csv with tlfu, lru and opt and prints them beside the reference numbers; with
///     --fixed-windows it also replays tlfu with each fixed window share and reports, per row, the best of them (an
///     oracle bound for any window-tuning method); with --references it adds a column per reference policy and its
///     average over ConcurrentLfu; with --seeds A,B,C the table is tlfu seeded with A, and a summary line per seed
///     gives the average and the rows missed with that seed (the library seeds each cache at random).
/// hitrate --suite DIR --format keys --sizes 1000,5000,20000 [--seeds A,B,C]
///     replays every file in DIR at each size with tlfu, lru, exact-lru, arc, lirs and opt (one CSV row per trace and
///     size), then summary lines: tlfu's average margin over each, and the rows where it is more than 0.5 under LRU or
///     under the best of exact LRU, ARC and LIRS; further seeds add a tlfu column and a summary line each.
/// </code>
/// </summary>
internal static class HitRateCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static int Run(string[] args)
    {
        try
        {
            return RunCore(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message); // a bad option or policy name: the message says which
            return 2;
        }
    }

    private static int RunCore(string[] args)
    {
        Dictionary<string, string> options = ParseOptions(args);
        if (options.TryGetValue("anchors", out string? anchors))
        {
            string traces = options.GetValueOrDefault("traces") ?? Path.GetDirectoryName(Path.GetFullPath(anchors))!;
            HashSet<string>? only = options.TryGetValue("only", out string? list) ? [.. list.Split(',')] : null;
            double[]? fixedWindows = options.TryGetValue("fixed-windows", out string? shares)
                ? [.. shares.Split(',').Select(x => double.Parse(x, Invariant))]
                : null;
            string[]? references = options.TryGetValue("references", out string? names) ? names.Split(',', StringSplitOptions.RemoveEmptyEntries) : null;
            int[]? noNextUses = null;
            foreach (string reference in references ?? [])
            {
                Replay([1, 2, 1], reference, 2, ref noNextUses); // an unknown name fails here, before any trace is read
            }

            return AnchorComparison.Run(anchors, traces, only, fixedWindows, references, ParseSeeds(options));
        }

        if (options.TryGetValue("suite", out string? suite))
        {
            int[] suiteSizes = ParseSizes(options.GetValueOrDefault("sizes") ?? throw new ArgumentException("--suite needs --sizes."));
            TraceFormat suiteFormat = TraceReader.ParseFormat(options.GetValueOrDefault("format") ?? "keys");
            return SuiteComparison.Run(suite, suiteFormat, suiteSizes, ParseSeeds(options));
        }

        if (!options.TryGetValue("trace", out string? trace) || !options.TryGetValue("sizes", out string? sizes))
        {
            Console.Error.WriteLine("usage: hitrate --trace FILE --format lirs|arc|corda|keys --sizes 250,500 [--policies tlfu,lru,opt] [--seed N]");
            Console.Error.WriteLine("       hitrate --anchors ANCHORS.csv [--traces DIR] [--only gli,sprite] [--fixed-windows 0.01,0.2,0.99] [--references arc,lirs] [--seeds A,B,C]");
            Console.Error.WriteLine("       hitrate --suite DIR [--format keys] --sizes 1000,5000 [--seeds A,B,C]");
            return 2;
        }

        TraceFormat format = TraceReader.ParseFormat(options.GetValueOrDefault("format") ?? "lirs");
        string[] policies = (options.GetValueOrDefault("policies") ?? "tlfu,lru,opt").Split(',', StringSplitOptions.RemoveEmptyEntries);
        ulong seed = options.TryGetValue("seed", out string? seedText) ? ParseSeed(seedText) : PolicySimulator.DefaultSeed; // fails before the trace is read
        long[] keys = TraceReader.Read(trace, format);
        string name = TraceName(trace);
        Console.WriteLine("trace,policy,size,requests,hit_ratio");
        int[]? nextUses = null;
        foreach (int size in ParseSizes(sizes))
        {
            foreach (string policy in policies)
            {
                var clock = Stopwatch.StartNew();
                long hits = Replay(keys, policy, size, ref nextUses, seed);
                Console.WriteLine(string.Create(Invariant, $"{name},{policy},{size},{keys.Length},{Percent(hits, keys.Length):F2}"));
                Console.Error.WriteLine(string.Create(Invariant, $"  ({policy} at {size}: {clock.Elapsed.TotalSeconds:F2} s)"));
            }
        }

        return 0;
    }

    /// <summary>
    /// Hits of <paramref name="policy"/> (tlfu, tlfu@SHARE, lru, exact-lru, arc, lirs or opt) over <paramref name="keys"/>
    /// at <paramref name="size"/>; <paramref name="seed"/> seeds tlfu.
    /// </summary>
    public static long Replay(long[] keys, string policy, int size, ref int[]? nextUses, ulong seed = PolicySimulator.DefaultSeed)
    {
        if (policy == "opt")
        {
            nextUses ??= OptimalSimulator.NextUses(keys);
            return OptimalSimulator.Hits(keys, nextUses, size);
        }

        if (policy == "exact-lru")
        {
            return ExactLruSimulator.Hits(keys, size);
        }

        if (policy == "arc")
        {
            return ArcSimulator.Hits(keys, size);
        }

        if (policy == "lirs")
        {
            return LirsSimulator.Hits(keys, size);
        }

        return PolicySimulator.Hits(keys, policy, size, seed);
    }

    public static double Percent(long hits, long requests) => requests == 0 ? 0 : 100.0 * hits / requests;

    /// <summary>A signed difference with two decimals; one that rounds to zero prints as +0.00, whatever its sign.</summary>
    public static string Signed(double points)
    {
        double rounded = Math.Round(points, 2) + 0.0; // + 0.0 turns -0 into +0
        return rounded.ToString("+0.00;-0.00;+0.00", Invariant);
    }

    /// <summary>Formats with the invariant culture.</summary>
    public static string FormatInvariant(FormattableString text) => text.ToString(Invariant);

    private static int[] ParseSizes(string text) => [.. text.Split(',').Select(s => int.TryParse(s, NumberStyles.None, Invariant, out int size) && size > 0
        ? size
        : throw new ArgumentException($"A size is a positive integer, got '{s}'."))];

    /// <summary>The seeds of --seeds (at least one), or the simulator's default seed.</summary>
    private static ulong[] ParseSeeds(Dictionary<string, string> options)
    {
        if (!options.TryGetValue("seeds", out string? seedList))
        {
            return [PolicySimulator.DefaultSeed];
        }

        ulong[] seeds = [.. seedList.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ParseSeed)];
        return seeds.Length > 0 ? seeds : throw new ArgumentException("--seeds needs at least one seed.");
    }

    private static ulong ParseSeed(string text) => ulong.TryParse(text, NumberStyles.None, Invariant, out ulong seed)
        ? seed
        : throw new ArgumentException($"A seed is a non-negative integer, got '{text}'.");

    private static string TraceName(string path)
    {
        string name = Path.GetFileName(path);
        foreach (string suffix in new[] { ".gz", ".trace" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                name = name[..^suffix.Length];
            }
        }

        return name;
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected '--name value', got '{args[i]}'.");
            }

            options[args[i][2..]] = args[++i];
        }

        return options;
    }
}
