using Qail.Kernels.Cuda;

namespace Qail.DeviceCheck;

/// <summary>
/// GEMVs for batch 1..8: y[b, n] = sum_k x[b, k] W[n, k] (+ bias[n]). <see cref="W4A16"/> streams group-wise int4
/// weights against fp16 activations (fp32 accumulation); <see cref="Fp16"/> is the fp16-weight baseline at the same
/// shapes; <see cref="Int4Float"/> is the portable kernel shared with OpenCL (fp32 activations, fixed order).
/// </summary>
public static class CudaGemv
{
    /// <summary>The largest batch the GEMV kernels take.</summary>
    public const int MaxBatch = 8;

    /// <summary>W4A16: x is fp16 [batch, K] (as ushort bits), y fp32 [batch, N]; bias fp32 [N] or null.</summary>
    public static void W4A16(CudaInt4Weights weights, CudaStorage x, int batch, CudaStorage y, CudaStorage? bias = null)
    {
        Check("CudaGemv.W4A16", weights, x, 2, batch, y, bias);
        weights.Device.Launch("gemv.cu", "w4a16_gemv", LaunchShape.WarpPerRow(weights.Rows), LaunchShape.Block,
            weights.Codes, weights.Scales, weights.ZeroPoints, weights.IsSymmetric ? 1 : 0, x,
            KernelArgument.Pointer(bias?.Pointer ?? 0),
            bias is null ? 0 : 1, y, weights.Rows, weights.Columns, weights.GroupSize, batch);
    }

    /// <summary>The portable int4 GEMV (fp32 activations, the OpenCL twin's bits).</summary>
    public static void Int4Float(CudaInt4Weights weights, CudaStorage x, int batch, CudaStorage y,
        CudaStorage? bias = null)
    {
        Check("CudaGemv.Int4Float", weights, x, 4, batch, y, bias);
        weights.Device.Launch(KernelSource.PortableFile, "int4_gemv",
            LaunchShape.ThreadPerElement((long)weights.Rows * batch), LaunchShape.Block,
            weights.Codes, weights.Scales, weights.ZeroPoints, weights.IsSymmetric ? 1 : 0, x,
            KernelArgument.Pointer(bias?.Pointer ?? 0),
            bias is null ? 0 : 1, y, weights.Rows, weights.Columns, weights.GroupSize, batch);
    }

    /// <summary>fp16 baseline: W fp16 [N, K] (K % 8 == 0), x fp16 [batch, K], y fp32 [batch, N].</summary>
    public static void Fp16(CudaStorage weights, int rows, int cols, CudaStorage x, int batch, CudaStorage y)
    {
        if (rows < 1 || cols < 8 || cols % 8 != 0)
            throw new ArgumentException($"CudaGemv.Fp16: shape [{rows}, {cols}] needs rows >= 1 and K a multiple of 8.",
                nameof(cols));
        if (batch is < 1 or > MaxBatch)
            throw new ArgumentOutOfRangeException(nameof(batch), batch,
                $"CudaGemv.Fp16: batch must be in 1..{MaxBatch}.");
        LaunchShape.Need(weights, 2L * rows * cols, "CudaGemv.Fp16", nameof(weights));
        LaunchShape.Need(x, 2L * batch * cols, "CudaGemv.Fp16", nameof(x));
        LaunchShape.Need(y, 4L * batch * rows, "CudaGemv.Fp16", nameof(y));
        weights.Owner.Launch("gemv.cu", "fp16_gemv", LaunchShape.WarpPerRow(rows), LaunchShape.Block, weights, x, y,
            rows, cols, batch);
    }

    private static void Check(string op, CudaInt4Weights weights, CudaStorage x, int xElementBytes, int batch,
        CudaStorage y, CudaStorage? bias)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (batch is < 1 or > MaxBatch)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"{op}: batch must be in 1..{MaxBatch}.");
        LaunchShape.Need(x, (long)xElementBytes * batch * weights.Columns, op, nameof(x));
        LaunchShape.Need(y, 4L * batch * weights.Rows, op, nameof(y));
        if (bias is not null) LaunchShape.Need(bias, 4L * weights.Rows, op, nameof(bias));
    }
}
