namespace CachemeNet.Benchmarks.HitRate;

/// <summary>
/// Replays every trace file in a folder (the synthetic workloads of <c>scripts/synthetic-traces.py</c>, or any other set)
/// at each size with this library's tlfu and lru and the simulator's exact LRU, ARC, LIRS and opt, and prints one CSV row
/// per trace and size, then summary lines: how far tlfu is on average above each of the others, and the rows where it is
/// more than 0.5 point under LRU (the better of exact LRU and the library's CLOCK) or under the best of exact LRU, ARC and
/// LIRS. Further seeds add a tlfu column each and a summary line each: the policy is meant to be general, and this is the
/// check on workloads it was not tuned on.
/// </summary>
internal static class SuiteComparison
{
    private const double Margin = 0.5;

    public static int Run(string directory, TraceFormat format, int[] sizes, ulong[] seeds)
    {
        if (!Directory.Exists(directory))
        {
            throw new ArgumentException($"--suite: no folder '{directory}'.");
        }

        string[] files = [.. Directory.GetFiles(directory).Order(StringComparer.Ordinal)];
        if (files.Length == 0)
        {
            throw new ArgumentException($"--suite: '{directory}' holds no trace files.");
        }

        Console.WriteLine("trace,size,tlfu,lru,exact_lru,arc,lirs,opt,tlfu-best(exact_lru;arc;lirs)" + string.Concat(seeds.Skip(1).Select(s => $",tlfu_seed{s}")));
        string[] others = ["lru", "exact-lru", "arc", "lirs"];
        var overOthers = new double[others.Length];
        var seedOverExactLru = new double[seeds.Length];
        var seedUnderLru = new int[seeds.Length];
        var underLru = new List<string>();
        var underBest = new List<string>();
        int rows = 0;
        int withinBest = 0;
        foreach (string file in files)
        {
            long[] keys = TraceReader.Read(file, format);
            string name = Path.GetFileNameWithoutExtension(file);
            int[]? nextUses = null;
            foreach (int size in sizes)
            {
                double Replay(string policy, ulong seed) => HitRateCommand.Percent(HitRateCommand.Replay(keys, policy, size, ref nextUses, seed), keys.Length);
                double tlfu = Replay("tlfu", seeds[0]);
                double[] other = [.. others.Select(p => Replay(p, seeds[0]))];
                double opt = Replay("opt", seeds[0]);
                double lru = Math.Max(other[0], other[1]);
                double best = Math.Max(other[1], Math.Max(other[2], other[3]));
                string extraSeeds = "";
                for (int i = 0; i < seeds.Length; i++)
                {
                    double seeded = i == 0 ? tlfu : Replay("tlfu", seeds[i]);
                    seedOverExactLru[i] += seeded - other[1];
                    seedUnderLru[i] += seeded < lru - Margin ? 1 : 0;
                    extraSeeds += i == 0 ? "" : HitRateCommand.FormatInvariant($",{seeded:F2}");
                }

                for (int i = 0; i < others.Length; i++)
                {
                    overOthers[i] += tlfu - other[i];
                }

                string row = $"{name} {size}";
                if (tlfu < lru - Margin)
                {
                    underLru.Add(HitRateCommand.FormatInvariant($"{row} ({HitRateCommand.Signed(tlfu - lru)})"));
                }

                if (tlfu < best - Margin)
                {
                    underBest.Add(HitRateCommand.FormatInvariant($"{row} ({HitRateCommand.Signed(tlfu - best)})"));
                }
                else
                {
                    withinBest++;
                }

                rows++;
                Console.WriteLine(HitRateCommand.FormatInvariant(
                    $"{name},{size},{tlfu:F2},{other[0]:F2},{other[1]:F2},{other[2]:F2},{other[3]:F2},{opt:F2},{HitRateCommand.Signed(tlfu - best)}{extraSeeds}"));
            }
        }

        Console.WriteLine(HitRateCommand.FormatInvariant(
            $"# rows: {rows}; average tlfu - lru (CLOCK) {HitRateCommand.Signed(overOthers[0] / rows)}, - exact_lru {HitRateCommand.Signed(overOthers[1] / rows)}, - arc {HitRateCommand.Signed(overOthers[2] / rows)}, - lirs {HitRateCommand.Signed(overOthers[3] / rows)} points"));
        Console.WriteLine(HitRateCommand.FormatInvariant($"# rows where tlfu is within {Margin} of the best of exact_lru, arc and lirs: {withinBest} of {rows}"));
        Console.WriteLine($"# more than {Margin} under max(exact_lru, lru): {(underLru.Count == 0 ? "none" : string.Join("; ", underLru))}");
        Console.WriteLine($"# more than {Margin} under the best of exact_lru, arc and lirs: {(underBest.Count == 0 ? "none" : string.Join("; ", underBest))}");
        for (int i = 1; i < seeds.Length; i++)
        {
            Console.WriteLine(HitRateCommand.FormatInvariant(
                $"# tlfu with seed {seeds[i]}: average - exact_lru {HitRateCommand.Signed(seedOverExactLru[i] / rows)} points (seed {seeds[0]}: {HitRateCommand.Signed(seedOverExactLru[0] / rows)}); rows more than {Margin} under max(exact_lru, lru): {seedUnderLru[i]} ({seedUnderLru[0]})"));
        }

        return 0;
    }
}
