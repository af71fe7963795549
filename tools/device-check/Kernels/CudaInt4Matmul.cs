using Qail.Kernels.Cuda;

namespace Qail.DeviceCheck;

/// <summary>
/// W4A16 linear layer y = x W^T + bias for any batch: batches of 1..8 run the streaming GEMV
/// (<see cref="CudaGemv.W4A16"/>), larger ones the fp16 tensor-core GEMM (mma.sync m16n8k16) with group scales
/// applied per group in fp32. x is fp16 [batch, K] (as ushort bits), y fp32 [batch, N].
/// </summary>
public static class CudaInt4Matmul
{
    /// <summary>Computes y = x W^T (+ bias), choosing GEMV or GEMM by batch size.</summary>
    public static void W4A16(CudaInt4Weights weights, CudaStorage x, int batch, CudaStorage y, CudaStorage? bias = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (batch <= CudaGemv.MaxBatch)
        {
            CudaGemv.W4A16(weights, x, batch, y, bias);
            return;
        }
        W4A16Gemm(weights, x, batch, y, bias);
    }

    /// <summary>The tensor-core GEMM for any batch >= 1 (used directly by the checks at small batches too).</summary>
    public static void W4A16Gemm(CudaInt4Weights weights, CudaStorage x, int batch, CudaStorage y,
        CudaStorage? bias = null)
    {
        const string op = "CudaInt4Matmul.W4A16Gemm";
        ArgumentNullException.ThrowIfNull(weights);
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"{op}: batch must be >= 1.");
        LaunchShape.Need(x, 2L * batch * weights.Columns, op, nameof(x));
        LaunchShape.Need(y, 4L * batch * weights.Rows, op, nameof(y));
        if (bias is not null) LaunchShape.Need(bias, 4L * weights.Rows, op, nameof(bias));
        weights.Device.Launch("w4a16_gemm.cu", "w4a16_gemm",
            ((uint)((weights.Rows + 31) / 32), (uint)((batch + 15) / 16), 1), (128, 1, 1),
            weights.Codes, weights.Scales, weights.ZeroPoints, weights.IsSymmetric ? 1 : 0, x,
            KernelArgument.Pointer(bias?.Pointer ?? 0),
            bias is null ? 0 : 1, y, batch, weights.Rows, weights.Columns, weights.GroupSize);
    }
}
