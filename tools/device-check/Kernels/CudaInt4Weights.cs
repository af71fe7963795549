using Qail.Kernels.Cpu;
using Qail.Kernels.Cuda;

namespace Qail.DeviceCheck;

/// <summary>
/// Group-wise int4 weights resident on a GPU, in the canonical layout of <see cref="GroupwiseInt4Weights"/> (rows
/// of K/2 bytes read as 16-byte chunks of 32 codes; a chunk never straddles a group since G is a multiple of 32).
/// For W4A4 the codes are also unpacked once to int8 for the tensor-core GEMM.
/// </summary>
public sealed class CudaInt4Weights : IDisposable
{
    private CudaInt4Weights(CudaDevice device, GroupwiseInt4Weights weights)
    {
        Device = device;
        Rows = weights.Rows;
        Columns = weights.Columns;
        GroupSize = weights.GroupSize;
        IsSymmetric = weights.IsSymmetric;
        Codes = device.Upload<byte>(weights.Codes);
        Scales = device.Upload<float>(weights.Scales);
        // A symmetric matrix has no zero points; the kernels never read this one-byte stand-in.
        ZeroPoints = device.Upload<byte>(weights.ZeroPoints ?? [0]);
    }

    /// <summary>Uploads <paramref name="weights"/> to <paramref name="device"/>.</summary>
    public static CudaInt4Weights Upload(CudaDevice device, GroupwiseInt4Weights weights)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(weights);
        return new CudaInt4Weights(device, weights);
    }

    /// <summary>The owning device.</summary>
    public CudaDevice Device { get; }
    /// <summary>N.</summary>
    public int Rows { get; }
    /// <summary>K.</summary>
    public int Columns { get; }
    /// <summary>G.</summary>
    public int GroupSize { get; }
    /// <summary>True for signed codes without zero points.</summary>
    public bool IsSymmetric { get; }
    /// <summary>Packed codes, N*K/2 bytes.</summary>
    public CudaStorage Codes { get; }
    /// <summary>Scales float[N, K/G].</summary>
    public CudaStorage Scales { get; }
    /// <summary>Packed zero points (a one-byte placeholder when symmetric).</summary>
    public CudaStorage ZeroPoints { get; }

    /// <summary>Frees the device copies.</summary>
    public void Dispose()
    {
        Codes.Dispose();
        Scales.Dispose();
        ZeroPoints.Dispose();
    }
}
