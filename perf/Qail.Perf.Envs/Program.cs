using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Qail.Perf.Envs;

/// <summary>
/// Environment throughput: <c>dotnet run -c Release --project perf/Qail.Perf.Envs -- [filter]</c>. Every benchmark
/// declares OperationsPerInvoke = env steps per invocation, so its Mean is the time of one step; the table printed at
/// the end turns that into steps per second.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 1 || (args.Length == 1 && args[0].StartsWith('-')))
        {
            Console.Error.WriteLine(
                "usage: Qail.Perf.Envs [filter]   (filter: substring of a benchmark class, method or env name)");
            return 2;
        }
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithOptions(ConfigOptions.JoinSummary);
        string filter = args.Length == 1 ? args[0] : "";
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly)
            .Run(["--filter", $"*{filter}*"], config);
        Console.WriteLine();
        Console.WriteLine("| benchmark | parameters | steps/s |");
        Console.WriteLine("|---|---|---:|");
        foreach (var report in summaries.SelectMany(s => s.Reports))
        {
            if (report.ResultStatistics is not { } stats) continue;
            var b = report.BenchmarkCase;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {b.Descriptor.Type.Name}.{b.Descriptor.WorkloadMethod.Name} | {b.Parameters.DisplayInfo} | "
                + $"{1e9 / stats.Mean:N0} |"));
        }
        return 0;
    }
}
