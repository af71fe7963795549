using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Portable 128-bit fp32 micro-kernel, 6 x 8: 12 accumulators + 2 B vectors + 1 broadcast fits the
/// 16 xmm registers of SSE/AVX (and the 32 of AdvSimd).
/// </summary>
internal unsafe struct SgemmKernelVector128 : ISgemmMicroKernel
{
    public static int Mr => 6;
    public static int Nr => 8;
    public static int Kc => 256;
    public static int Mc => 480;
    public static int Nc => 512;
    public static bool AvxPacking => false;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        Vector128<float> c0_0 = default, c0_1 = default;
        Vector128<float> c1_0 = default, c1_1 = default;
        Vector128<float> c2_0 = default, c2_1 = default;
        Vector128<float> c3_0 = default, c3_1 = default;
        Vector128<float> c4_0 = default, c4_1 = default;
        Vector128<float> c5_0 = default, c5_1 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b + 0);
            var b1 = Vector128.Load(b + 4);
            var a0 = Vector128.Create(a[0]);
            c0_0 = Vector128.MultiplyAddEstimate(a0, b0, c0_0);
            c0_1 = Vector128.MultiplyAddEstimate(a0, b1, c0_1);
            var a1 = Vector128.Create(a[1]);
            c1_0 = Vector128.MultiplyAddEstimate(a1, b0, c1_0);
            c1_1 = Vector128.MultiplyAddEstimate(a1, b1, c1_1);
            var a2 = Vector128.Create(a[2]);
            c2_0 = Vector128.MultiplyAddEstimate(a2, b0, c2_0);
            c2_1 = Vector128.MultiplyAddEstimate(a2, b1, c2_1);
            var a3 = Vector128.Create(a[3]);
            c3_0 = Vector128.MultiplyAddEstimate(a3, b0, c3_0);
            c3_1 = Vector128.MultiplyAddEstimate(a3, b1, c3_1);
            var a4 = Vector128.Create(a[4]);
            c4_0 = Vector128.MultiplyAddEstimate(a4, b0, c4_0);
            c4_1 = Vector128.MultiplyAddEstimate(a4, b1, c4_1);
            var a5 = Vector128.Create(a[5]);
            c5_0 = Vector128.MultiplyAddEstimate(a5, b0, c5_0);
            c5_1 = Vector128.MultiplyAddEstimate(a5, b1, c5_1);
            a += 6;
            b += bStride;
        }
        Store(c, c0_0, alpha, beta);
        Store(c + 4, c0_1, alpha, beta);
        c += ldc;
        Store(c, c1_0, alpha, beta);
        Store(c + 4, c1_1, alpha, beta);
        c += ldc;
        Store(c, c2_0, alpha, beta);
        Store(c + 4, c2_1, alpha, beta);
        c += ldc;
        Store(c, c3_0, alpha, beta);
        Store(c + 4, c3_1, alpha, beta);
        c += ldc;
        Store(c, c4_0, alpha, beta);
        Store(c + 4, c4_1, alpha, beta);
        c += ldc;
        Store(c, c5_0, alpha, beta);
        Store(c + 4, c5_1, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector128<float> acc, float alpha, float beta)
    {
        var result = beta == 0
            ? acc * alpha
            : Vector128.MultiplyAddEstimate(Vector128.Create(alpha), acc, Vector128.Load(c) * beta);
        result.Store(c);
    }
}
