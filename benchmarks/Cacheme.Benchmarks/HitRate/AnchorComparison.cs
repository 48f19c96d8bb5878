using System.Globalization;

namespace CachemeNet.Benchmarks.HitRate;

/// <summary>
/// Replays every row of ANCHORS.csv with this library's tlfu and lru and the simulator's exact LRU and opt, printing
/// them beside the reference numbers (exact LRU and opt must equal the anchors' LRU and OPT, which checks the trace
/// readers), then checks the targets: on every row tlfu ≥ max(LRU, ConcurrentLfu) − 0.5, and on
/// average tlfu ≥ ConcurrentLfu + 2 (tlfu seeded with the first of the seeds; each further seed adds a summary line). With fixed window shares it adds, per row, the best hit ratio of tlfu with any
/// of those fixed windows: what a perfect window-tuning method could reach with that admission and sketch.
/// </summary>
internal static class AnchorComparison
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly Dictionary<string, (string File, TraceFormat Format)> TraceFiles = new(StringComparer.Ordinal)
    {
        ["gli"] = ("lirs-gli.trace.gz", TraceFormat.Lirs),
        ["loop"] = ("lirs-loop.trace.gz", TraceFormat.Lirs),
        ["multi1"] = ("lirs-multi1.trace.gz", TraceFormat.Lirs),
        ["multi2"] = ("lirs-multi2.trace.gz", TraceFormat.Lirs),
        ["multi3"] = ("lirs-multi3.trace.gz", TraceFormat.Lirs),
        ["sprite"] = ("lirs-sprite.trace.gz", TraceFormat.Lirs),
        ["2_pools"] = ("lirs-2_pools.trace.gz", TraceFormat.Lirs),
        ["corda"] = ("corda-vaultservice.gz", TraceFormat.Corda),
        ["oltp"] = ("arc-oltp.gz", TraceFormat.Arc),
        ["p3"] = ("arc-p3.gz", TraceFormat.Arc),
    };

    public static int Run(string anchorsPath, string traceDirectory, HashSet<string>? only, double[]? fixedWindows, string[]? references = null, ulong[]? seeds = null)
    {
        references ??= [];
        seeds ??= [PolicySimulator.DefaultSeed];
        var seedOverLfu = new double[seeds.Length];
        var seedMissed = new int[seeds.Length];
        List<AnchorRow> rows = [.. File.ReadLines(anchorsPath).Skip(1).Where(l => l.Length > 0).Select(AnchorRow.Parse)];
        Console.WriteLine("trace,size,LRU,ConcurrentLfu,OPT,exact_lru,lru,tlfu,opt,tlfu-max(LRU;CLfu),tlfu-CLfu,row_target"
            + (fixedWindows is null ? "" : ",best_fixed_window,best_fixed_share")
            + string.Concat(references.Select(r => "," + r)));
        var referenceOverLfu = new double[references.Length];
        var referenceMissed = new int[references.Length];
        double sumOverLfu = 0;
        double sumOracleOverLfu = 0;
        int count = 0;
        int missed = 0;
        int readerChecksFailed = 0;
        double sumLruOverExact = 0;
        double worst = double.MaxValue;
        foreach (IGrouping<string, AnchorRow> group in rows.Where(r => only is null || only.Contains(r.Trace)).GroupBy(r => r.Trace))
        {
            (string file, TraceFormat format) = TraceFiles[group.Key];
            long[] keys = TraceReader.Read(Path.Combine(traceDirectory, file), format);
            int[]? nextUses = null;
            foreach (AnchorRow row in group)
            {
                double exactLru = HitRateCommand.Percent(HitRateCommand.Replay(keys, "exact-lru", row.Size, ref nextUses), keys.Length);
                double lru = HitRateCommand.Percent(HitRateCommand.Replay(keys, "lru", row.Size, ref nextUses), keys.Length);
                double tlfu = HitRateCommand.Percent(HitRateCommand.Replay(keys, "tlfu", row.Size, ref nextUses, seeds[0]), keys.Length);
                double opt = HitRateCommand.Percent(HitRateCommand.Replay(keys, "opt", row.Size, ref nextUses), keys.Length);
                double overBest = tlfu - Math.Max(row.Lru, row.ConcurrentLfu);
                double overLfu = tlfu - row.ConcurrentLfu;
                bool met = overBest >= -0.5;
                for (int i = 0; i < seeds.Length; i++)
                {
                    double seeded = i == 0 ? tlfu : HitRateCommand.Percent(PolicySimulator.Hits(keys, "tlfu", row.Size, seeds[i]), keys.Length);
                    seedOverLfu[i] += seeded - row.ConcurrentLfu;
                    seedMissed[i] += seeded - Math.Max(row.Lru, row.ConcurrentLfu) >= -0.5 ? 0 : 1;
                }

                string extraColumns = ""; // the fixed-window oracle and the reference policies, when asked for
                if (fixedWindows is not null)
                {
                    (double best, double share) = fixedWindows
                        .Select(w => (Hits: HitRateCommand.Percent(PolicySimulator.Hits(keys, string.Create(Invariant, $"tlfu@{w}"), row.Size, seeds[0]), keys.Length), Share: w))
                        .MaxBy(x => x.Hits);
                    sumOracleOverLfu += best - row.ConcurrentLfu;
                    extraColumns = string.Create(Invariant, $",{best:F2},{share}");
                }

                for (int i = 0; i < references.Length; i++)
                {
                    double hits = HitRateCommand.Percent(HitRateCommand.Replay(keys, references[i], row.Size, ref nextUses), keys.Length);
                    referenceOverLfu[i] += hits - row.ConcurrentLfu;
                    referenceMissed[i] += hits - Math.Max(row.Lru, row.ConcurrentLfu) >= -0.5 ? 0 : 1;
                    extraColumns += string.Create(Invariant, $",{hits:F2}");
                }

                // The anchors were measured on the same traces: a textbook LRU and Bélády's optimum must match them.
                readerChecksFailed += SameToTwoDecimals(exactLru, row.Lru) && SameToTwoDecimals(opt, row.Opt) ? 0 : 1;
                sumLruOverExact += lru - exactLru;
                missed += met ? 0 : 1;
                worst = Math.Min(worst, overBest);
                sumOverLfu += overLfu;
                count++;
                Console.WriteLine(string.Create(Invariant,
                    $"{row.Trace},{row.Size},{row.Lru:F2},{row.ConcurrentLfu:F2},{row.Opt:F2},{exactLru:F2},{lru:F2},{tlfu:F2},{opt:F2},{HitRateCommand.Signed(overBest)},{HitRateCommand.Signed(overLfu)},{(met ? "met" : "MISSED")}{extraColumns}"));
            }
        }

        double average = count == 0 ? 0 : sumOverLfu / count;
        Console.WriteLine(string.Create(Invariant, $"# rows: {count}; rows below max(LRU, ConcurrentLfu) - 0.5: {missed}; worst margin {HitRateCommand.Signed(worst)} points"));
        Console.WriteLine(string.Create(Invariant, $"# exact_lru and opt equal the anchors' LRU and OPT on {count - readerChecksFailed} of {count} rows; average lru (CLOCK) - exact_lru: {HitRateCommand.Signed(count == 0 ? 0 : sumLruOverExact / count)} points"));
        Console.WriteLine(string.Create(Invariant, $"# average tlfu - ConcurrentLfu: {HitRateCommand.Signed(average)} points (target +2.00: {(average >= 2 ? "met" : "MISSED")})"));
        if (fixedWindows is not null && count > 0)
        {
            Console.WriteLine(string.Create(Invariant, $"# best fixed window per row (oracle over {string.Join('/', fixedWindows)}): average - ConcurrentLfu {HitRateCommand.Signed(sumOracleOverLfu / count)} points"));
        }

        if (seeds.Length > 1 && count > 0)
        {
            for (int i = 0; i < seeds.Length; i++)
            {
                Console.WriteLine(string.Create(Invariant, $"# tlfu with seed {seeds[i]}: average - ConcurrentLfu {HitRateCommand.Signed(seedOverLfu[i] / count)} points; rows below max(LRU, ConcurrentLfu) - 0.5: {seedMissed[i]}"));
            }

            Console.WriteLine(string.Create(Invariant, $"# tlfu over {seeds.Length} seeds: average - ConcurrentLfu {HitRateCommand.Signed(seedOverLfu.Sum() / seeds.Length / count)} points; rows missed {seedMissed.Average():F1} on average, {seedMissed.Max()} at most"));
        }

        for (int i = 0; i < references.Length && count > 0; i++)
        {
            Console.WriteLine(string.Create(Invariant, $"# reference {references[i]}: average - ConcurrentLfu {HitRateCommand.Signed(referenceOverLfu[i] / count)} points; rows below max(LRU, ConcurrentLfu) - 0.5: {referenceMissed[i]}"));
        }

        return 0;
    }

    /// <summary>Whether the two print the same with two decimals, as ANCHORS.csv does.</summary>
    private static bool SameToTwoDecimals(double measured, double anchor) =>
        measured.ToString("F2", Invariant) == anchor.ToString("F2", Invariant);

    private sealed record AnchorRow(string Trace, int Size, double Lru, double ConcurrentLfu, double Opt)
    {
        public static AnchorRow Parse(string line)
        {
            string[] c = line.Split(',');
            return new AnchorRow(c[0], int.Parse(c[3], Invariant), double.Parse(c[4], Invariant), double.Parse(c[6], Invariant), double.Parse(c[7], Invariant));
        }
    }
}
