using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Qail.Perf.Nn;

/// <summary>
/// Training-step and batch-1 inference timings of the policy families:
/// <c>dotnet run -c Release --project perf/Qail.Perf.Nn -- [filter]</c> (filter: substring of a class or method name),
/// <c>-- cputime</c> for the quick wall/CPU-time table of <see cref="CpuTimeReport"/>, <c>-- peer</c> for the
/// step-time ratios against PyTorch of <see cref="PeerReport"/>, or <c>-- alloc</c> for the per-step CPU time,
/// allocation and gen-2 collections of <see cref="AllocationReport"/>, or <c>-- saliency</c> for the SQIL saliency
/// time of <see cref="SaliencyReport"/>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 1 || (args.Length == 1 && args[0].StartsWith('-')))
        {
            Console.Error.WriteLine("usage: Qail.Perf.Nn [filter | cputime | peer | alloc | saliency]");
            return 2;
        }
        if (args is ["peer"]) return PeerReport.Run();
        if (args is ["saliency"])
        {
            SaliencyReport.Run();
            return 0;
        }
        if (args is ["alloc"])
        {
            AllocationReport.Run();
            return 0;
        }
        if (args is ["cputime"])
        {
            CpuTimeReport.Run();
            return 0;
        }
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithOptions(ConfigOptions.JoinSummary);
        string filter = args.Length == 1 ? args[0] : "";
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(["--filter", $"*{filter}*"], config);
        return 0;
    }
}
