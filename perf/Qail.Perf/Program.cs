using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Qail.Perf.Peers;

namespace Qail.Perf;

/// <summary>
/// Entry point. <c>peers [filter] [--rounds N] [--sample-ms N] [--thread-cpu]</c> prints the side-by-side ratio table;
/// <c>bench [filter]</c> runs the BenchmarkDotNet suites (in process, short-run job).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("peers" or "bench"))
        {
            Console.Error.WriteLine(
                "usage: Qail.Perf peers [filter] [--rounds N] [--sample-ms N] [--thread-cpu] | bench [filter]");
            return 2;
        }
        string? filter = null;
        int rounds = 7, sampleMs = 40;
        var threadCpu = false;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rounds": rounds = PositiveInt(args, ++i, "--rounds"); break;
                case "--sample-ms": sampleMs = PositiveInt(args, ++i, "--sample-ms"); break;
                case "--thread-cpu": threadCpu = true; break;
                default: filter = args[i]; break;
            }
        }
        if (!OpenBlas.IsInstalled)
        {
            Console.Error.WriteLine("Qail.Perf needs OpenBLAS (libopenblas.so.0, e.g. apt libopenblas0-pthread), "
                + "a peer of most comparisons; it is not installed.");
            return 2;
        }
        Console.WriteLine($"# OpenBLAS: {OpenBlas.Describe()}; OPENBLAS_CORETYPE="
            + $"{Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "(unset)"}");
        if (args[0] == "peers") return PeerRunner.Run(filter, rounds, TimeSpan.FromMilliseconds(sampleMs), threadCpu);
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "qail-perf-artifacts"));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(["--filter", filter is null ? "*" : $"*{filter}*"],
            config);
        return 0;
    }

    private static int PositiveInt(string[] args, int index, string option) =>
        index < args.Length && int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture,
            out var value) && value > 0
            ? value
            : throw new ArgumentException($"{option} needs a positive integer.", nameof(args));
}
