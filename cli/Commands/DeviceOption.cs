using System.CommandLine;
using Qail.Deployment;
using Qail.Kernels.Cuda;
using Qail.Policies;
using Qail.Runtime;
using Qail.Runtime.Gpu;

namespace Qail.Cli.Commands;

/// <summary>`--device`: where a deployed policy runs, the CPU integer runtime or a GPU / OpenCL device.</summary>
internal static class DeviceOption
{
    public const string Cpu = "cpu";

    public static Option<string> Create() => new Option<string>("--device")
    {
        Description = "Where the deployed policy runs: cpu (the integer runtime), gpu (CUDA, else an OpenCL GPU), cuda "
            + "or opencl.",
        DefaultValueFactory = _ => Cpu,
    }.AcceptOnlyFromAmong([Cpu, .. ComputeDevices.Kinds]);

    /// <summary>The device of <paramref name="kind"/> (not "cpu"); throws naming why none is usable.</summary>
    public static IComputeDevice Resolve(string kind) =>
        ComputeDevices.TryGet(kind, out var reason)
            ?? throw new ArgumentException($"--device {kind}: no usable device ({reason}).");

    /// <summary>
    /// <paramref name="deployable"/> on <paramref name="device"/>: itself for the CPU, else a <see cref="GpuPolicy"/>
    /// (the caller disposes it).
    /// </summary>
    public static IPolicy Place(IPolicy deployable, string device, string path)
    {
        if (device == Cpu) return deployable;
        if (deployable is not DeployedPolicyAdapter { Deployed: DeployedPolicy policy })
            throw new ArgumentException($"--device {device}: '{path}' has no deployed graph (only MLP, CILRS and VLA "
                + "networks export); run it with --device cpu.");
        return GpuPolicy.Create(policy, Resolve(device)).AsPolicy();
    }

    /// <summary>"CPU" or the device's name, for tables.</summary>
    public static string Describe(IPolicy placed) =>
        placed is DeployedPolicyAdapter { Deployed: GpuPolicy gpu } ? gpu.Device : "CPU";
}
