using Qail.Kernels.Cuda;

namespace Qail.DeviceCheck;

/// <summary>
/// Integer GEMM on int8 tensor cores (mma.sync m16n8k32, sm_80+; scalar on older devices) for W8A8 and W4A4:
/// A int8 [M, K], W int8 [N, K] (4-bit codes unpacked), exact int32 products; the epilogue applies scales per group
/// of G columns: y = sum_g float(C_g) * (aScale[m, g] * wScale[n, g]) + bias[n], ReLU optional. With G = K that is
/// per-token x per-channel and gives the bits of kernels-cpu's Int8Epilogue.Rescale.
/// </summary>
public static class CudaInt8Gemm
{
    /// <summary>
    /// Runs the GEMM; <paramref name="c"/> (int32 [M, N], only when G = K) and <paramref name="y"/> (fp32 [M, N]) may
    /// each be null.
    /// </summary>
    public static void Multiply(CudaStorage a, CudaStorage w, CudaStorage aScales, CudaStorage wScales, int m, int n,
        int k, int groupSize,
        CudaStorage? y, CudaStorage? c = null, CudaStorage? bias = null, bool relu = false)
    {
        const string op = "CudaInt8Gemm.Multiply";
        if (m < 1 || n < 1 || k < 1)
            throw new ArgumentException($"{op}: shape M {m}, N {n}, K {k} must be >= 1.", nameof(m));
        if (groupSize != k && (groupSize < 32 || groupSize % 32 != 0 || k % groupSize != 0))
            throw new ArgumentException(
                $"{op}: groupSize {groupSize} must equal K {k} or be a multiple of 32 dividing K.", nameof(groupSize));
        if (y is null && c is null)
            throw new ArgumentException($"{op}: at least one of y and c must be given.", nameof(y));
        if (c is not null && groupSize != k)
            throw new ArgumentException($"{op}: int32 output c needs groupSize == K (one group).", nameof(c));
        int groups = k / groupSize;
        LaunchShape.Need(a, (long)m * k, op, nameof(a));
        LaunchShape.Need(w, (long)n * k, op, nameof(w));
        LaunchShape.Need(aScales, 4L * m * groups, op, nameof(aScales));
        LaunchShape.Need(wScales, 4L * n * groups, op, nameof(wScales));
        if (y is not null) LaunchShape.Need(y, 4L * m * n, op, nameof(y));
        if (c is not null) LaunchShape.Need(c, 4L * m * n, op, nameof(c));
        if (bias is not null) LaunchShape.Need(bias, 4L * n, op, nameof(bias));
        a.Owner.Launch("int8_gemm.cu", "int8_gemm", ((uint)((n + 31) / 32), (uint)((m + 15) / 16), 1), (128, 1, 1),
            a, w, aScales, wScales, KernelArgument.Pointer(bias?.Pointer ?? 0), bias is null ? 0 : 1, relu ? 1 : 0,
            KernelArgument.Pointer(c?.Pointer ?? 0), KernelArgument.Pointer(y?.Pointer ?? 0), m, n, k, groupSize);
    }
}
