using BenchmarkDotNet.Running;

namespace CachemeNet.Benchmarks;

/// <summary>
/// Entry point. Sub-commands:
///   bench [BenchmarkDotNet args]   run BenchmarkDotNet suites (e.g. bench --filter '*LocalTier*')
///   hitrate ...                    trace-driven hit-ratio simulator (see README)
///   replay ...                     cacheme's trace replay (see README)
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "help";
        string[] rest = args.Length > 0 ? args[1..] : [];
        switch (command)
        {
            case "bench":
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest);
                return 0;
            case "backplane-latency":
                return await Backplane.BackplaneLatencyCommand.RunAsync(rest);
            case "chaos":
                return await Replay.ChaosCommand.RunAsync(rest);
            case "replay":
                return await Replay.ReplayCommand.RunAsync(rest);
            case "hitrate": return CachemeNet.Benchmarks.HitRate.HitRateCommand.Run(rest);
            case "local-memory": return CachemeNet.Benchmarks.LocalTier.MemoryPerEntryCommand.Run(rest);
            default:
                Console.Error.WriteLine("usage: Cacheme.Benchmarks bench [BenchmarkDotNet args] | hitrate ... | local-memory | replay ... | chaos ... | backplane-latency ...");
                await Task.CompletedTask;
                return command == "help" ? 0 : 2;
        }
    }
}
