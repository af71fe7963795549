using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Qail.Perf.Nn;

/// <summary>
/// Training-step and batch-1 inference timings of the policy families:
/// <c>dotnet run -c Release --project perf/Qail.Perf.Nn -- [filter]</c> (filter: substring of a class or method name),
/// <c>-- cputime</c> for the quick wall/CPU-time table of <see cref="CpuTimeReport"/>, <c>-- peer [workloads
/// [rounds]]</c> for the step-time ratios against PyTorch of <see cref="PeerReport"/>, <c>-- alloc</c> for the
/// per-step CPU time, allocation and gen-2 collections of <see cref="AllocationReport"/> and
/// <see cref="CilrsAllocationReport"/> (<c>-- alloc cilrs</c>: the CILRS steps alone), or <c>-- saliency</c> for
/// the SQIL saliency time (VLA and CILRS, 8 and 16-pixel patches) of <see cref="SaliencyReport"/>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["peer", .. var peerArgs] && peerArgs.Length <= 2)
        {
            int rounds = 5;
            if (peerArgs.Length == 2 && (!int.TryParse(peerArgs[1], out rounds) || rounds is < 1 or > 99))
            {
                Console.Error.WriteLine($"peer: rounds must be an integer in 1..99, got '{peerArgs[1]}'.");
                return 2;
            }
            return PeerReport.Run(peerArgs.Length == 0 ? null : peerArgs[0].Split(','), rounds);
        }
        if (args is ["alloc"] or ["alloc", "cilrs"])
        {
            if (args.Length == 1) AllocationReport.Run();
            CilrsAllocationReport.Run();
            return 0;
        }
        if (args.Length > 1 || (args.Length == 1 && args[0].StartsWith('-')))
        {
            Console.Error.WriteLine("usage: Qail.Perf.Nn [filter | cputime | peer [workloads [rounds]] "
                + "| alloc [cilrs] | saliency]"
                + " (workloads: comma-separated step-mlp, step-cnn, step-transformer, forward-mlp, forward-cnn, "
                + "forward-transformer)");
            return 2;
        }
        if (args is ["saliency"])
        {
            SaliencyReport.Run();
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
