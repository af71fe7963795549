using Qail.Engine;
using Qail.Kernels.Cpu;
using Qail.Kernels.Cuda;

namespace Qail.DeviceCheck;

/// <summary>One timed shape: W4A16 versus fp16 GEMV, and the W4A16 kernel's effective bandwidth.</summary>
public sealed record GemvTiming(int Rows, int Columns, int Batch, double W4A16Ms, double Fp16Ms, double W4A16GBps,
    double Fp16GBps);

/// <summary>
/// Times the W4A16 GEMV against our fp16 GEMV at LLM-sized shapes, and the device-to-device copy bandwidth.
/// </summary>
public static class GemvBenchmark
{
    /// <summary>
    /// Device-to-device copy bandwidth in GB/s (bytes read + bytes written per second), median of
    /// <paramref name="runs"/>.
    /// </summary>
    public static double CopyBandwidth(CudaDevice device, GpuTimer timer, int runs)
    {
        const long bytes = 256L << 20;
        using var source = device.Allocate(DType.UInt8, bytes);
        using var target = device.Allocate(DType.UInt8, bytes);
        var ms = timer.Median(() =>
            device.Driver.CopyDeviceToDeviceAsync(target.Pointer, source.Pointer, bytes, device.Stream), 3, runs);
        return 2.0 * bytes / (ms * 1e6);
    }

    /// <summary>Times both GEMVs at [rows, columns] (group size 128, symmetric codes) for one batch size.</summary>
    public static GemvTiming Run(CudaDevice device, GpuTimer timer, int rows, int columns, int batch, int runs,
        int seed)
    {
        const int groupSize = 128;
        var random = new Random(seed);
        var codes = new byte[(long)rows * columns / 2];
        random.NextBytes(codes);
        var scales = new float[rows * (columns / groupSize)];
        for (var i = 0; i < scales.Length; i++) scales[i] = 1e-3f + (float)random.NextDouble() * 1e-2f;
        var weights = new GroupwiseInt4Weights(codes, scales, null, rows, columns, groupSize);
        var x = new Half[batch * columns];
        for (var i = 0; i < x.Length; i++) x[i] = (Half)((random.NextDouble() - 0.5) * 2 + 1e-3);
        var halfWeights = new Half[(long)rows * columns];
        for (var i = 0; i < halfWeights.Length; i++) halfWeights[i] = (Half)((random.NextDouble() - 0.5) * 0.02 + 1e-4);

        using var gw = CudaInt4Weights.Upload(device, weights);
        using var gh = device.Upload<Half>(halfWeights);
        using var gx = device.Upload<Half>(x);
        using var gy = device.Allocate(DType.Float32, batch * rows);
        var w4 = timer.Median(() => CudaGemv.W4A16(gw, gx, batch, gy), 20, runs);
        var f16 = timer.Median(() => CudaGemv.Fp16(gh, rows, columns, gx, batch, gy), 20, runs);
        double io = 2.0 * batch * columns + 4.0 * batch * rows;
        double w4Bytes = codes.Length + 4.0 * scales.Length + io, f16Bytes = 2.0 * halfWeights.Length + io;
        return new GemvTiming(rows, columns, batch, w4, f16, w4Bytes / (w4 * 1e6), f16Bytes / (f16 * 1e6));
    }
}
