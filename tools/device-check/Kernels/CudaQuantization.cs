using Qail.Kernels.Cuda;

namespace Qail.DeviceCheck;

/// <summary>
/// Quantize / dequantize on the GPU with the semantics of kernels-cpu's QuantizeLinear (divide, round half to even,
/// add the zero point, clamp; dequantize (q - z) * s), one scale and zero point per group of consecutive elements
/// (per tensor: groupSize = n; per channel: groupSize = inner). Inputs must be finite: a NaN has no code and the GPU
/// cannot throw, so callers check on the host where inputs come from untrusted data.
/// </summary>
public static class CudaQuantization
{
    /// <summary>q[i] = clamp(round_half_to_even(x[i] / s[g]) + z[g], qMin, qMax) with g = i / groupSize.</summary>
    public static void Quantize(CudaStorage x, CudaStorage scales, CudaStorage zeroPoints, CudaStorage q, int n,
        int groupSize, int qMin, int qMax)
    {
        Check("CudaQuantization.Quantize", x, scales, zeroPoints, q, n, groupSize);
        if (qMin < -128 || qMax > 127 || qMin > qMax)
            throw new ArgumentException($"CudaQuantization.Quantize: code range {qMin}..{qMax} must lie in -128..127.",
                nameof(qMin));
        x.Owner.Launch(KernelSource.PortableFile, "quantize_groups", LaunchShape.ThreadPerElement(n), LaunchShape.Block,
            x, scales, zeroPoints, q, n, groupSize, qMin, qMax);
    }

    /// <summary>x[i] = (q[i] - z[g]) * s[g].</summary>
    public static void Dequantize(CudaStorage q, CudaStorage scales, CudaStorage zeroPoints, CudaStorage x, int n,
        int groupSize)
    {
        Check("CudaQuantization.Dequantize", x, scales, zeroPoints, q, n, groupSize);
        q.Owner.Launch(KernelSource.PortableFile, "dequantize_groups", LaunchShape.ThreadPerElement(n),
            LaunchShape.Block, q, scales, zeroPoints, x, n, groupSize);
    }

    /// <summary>
    /// Dynamic symmetric quantization per group: scale = max|x| / qMax (1 if all zero), codes in -qMax..qMax.
    /// </summary>
    public static void QuantizeDynamic(CudaStorage x, CudaStorage q, CudaStorage scales, int groups, int groupSize,
        int qMax)
    {
        if (groups < 1 || groupSize < 1)
            throw new ArgumentException(
                $"CudaQuantization.QuantizeDynamic: groups {groups} and groupSize {groupSize} must be >= 1.",
                nameof(groups));
        if (qMax is < 1 or > 127)
            throw new ArgumentOutOfRangeException(nameof(qMax), qMax,
                "CudaQuantization.QuantizeDynamic: qMax must be in 1..127.");
        long n = (long)groups * groupSize;
        LaunchShape.Need(x, n * 4, "CudaQuantization.QuantizeDynamic", nameof(x));
        LaunchShape.Need(q, n, "CudaQuantization.QuantizeDynamic", nameof(q));
        LaunchShape.Need(scales, groups * 4L, "CudaQuantization.QuantizeDynamic", nameof(scales));
        x.Owner.Launch("int8_gemm.cu", "quantize_dynamic", LaunchShape.WarpPerRow(groups), LaunchShape.Block, x, q,
            scales, groups, groupSize, qMax);
    }

    /// <summary>
    /// Dequantizes group-wise int4 weights to fp32 W[N, K] (same bits as GroupwiseInt4Weights.Dequantize).
    /// </summary>
    public static void DequantizeInt4(CudaInt4Weights weights, CudaStorage w)
    {
        ArgumentNullException.ThrowIfNull(weights);
        LaunchShape.Need(w, 4L * weights.Rows * weights.Columns, "CudaQuantization.DequantizeInt4", nameof(w));
        weights.Device.Launch(KernelSource.PortableFile, "int4_dequantize",
            LaunchShape.ThreadPerElement((long)weights.Rows * weights.Columns), LaunchShape.Block,
            weights.Codes, weights.Scales, weights.ZeroPoints, weights.IsSymmetric ? 1 : 0, w, weights.Rows,
            weights.Columns, weights.GroupSize);
    }

    /// <summary>Unpacks symmetric int4 codes (-8..7) to int8, one byte per code.</summary>
    public static void UnpackInt4(CudaStorage packed, CudaStorage codes, int count)
    {
        LaunchShape.Need(packed, (count + 1L) / 2, "CudaQuantization.UnpackInt4", nameof(packed));
        LaunchShape.Need(codes, count, "CudaQuantization.UnpackInt4", nameof(codes));
        packed.Owner.Launch("int8_gemm.cu", "int4_unpack", LaunchShape.ThreadPerElement(count), LaunchShape.Block,
            packed, codes, count);
    }

    private static void Check(string op, CudaStorage x, CudaStorage scales, CudaStorage zeroPoints, CudaStorage q,
        int n, int groupSize)
    {
        if (n < 1 || groupSize < 1 || n % groupSize != 0)
            throw new ArgumentException($"{op}: groupSize {groupSize} must divide n {n} (both >= 1).",
                nameof(groupSize));
        LaunchShape.Need(x, 4L * n, op, nameof(x));
        LaunchShape.Need(q, n, op, nameof(q));
        LaunchShape.Need(scales, 4L * (n / groupSize), op, nameof(scales));
        LaunchShape.Need(zeroPoints, 4L * (n / groupSize), op, nameof(zeroPoints));
    }
}
