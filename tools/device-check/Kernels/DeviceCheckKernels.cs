using Qail.Kernels.Cuda;

namespace Qail.DeviceCheck;

/// <summary>
/// The CUDA sources only this tool launches (benchmark GEMV / GEMM, im2col, normalization), embedded in the tool's
/// own assembly and registered with <see cref="KernelSource"/>, so the product carries only the kernels it runs.
/// </summary>
public static class DeviceCheckKernels
{
    /// <summary>The tool's CUDA source files, each compiled to one PTX module.</summary>
    public static IReadOnlyList<string> Files { get; } =
        ["gemv.cu", "w4a16_gemm.cu", "int8_gemm.cu", "conv.cu", "normalization.cu"];

    /// <summary>Makes <see cref="Files"/> launchable by file name (idempotent).</summary>
    public static void Register() => KernelSource.Register(typeof(DeviceCheckKernels).Assembly, Files);
}
