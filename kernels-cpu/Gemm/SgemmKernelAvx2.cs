using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qail.Kernels.Cpu;

/// <summary>
/// AVX2 + FMA fp32 micro-kernel, 6 x 16: 12 ymm accumulators + 2 B vectors + 1 broadcast = 15 of the
/// 16 ymm registers (the classic Haswell shape).
/// </summary>
internal unsafe struct SgemmKernelAvx2 : ISgemmMicroKernel
{
    public static int Mr => 6;
    public static int Nr => 16;
    public static int Kc => 256;
    public static int Mc => 480;
    public static int Nc => 512;
    public static bool AvxPacking => true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c0_0 = default, c0_1 = default;
        Vector256<float> c1_0 = default, c1_1 = default;
        Vector256<float> c2_0 = default, c2_1 = default;
        Vector256<float> c3_0 = default, c3_1 = default;
        Vector256<float> c4_0 = default, c4_1 = default;
        Vector256<float> c5_0 = default, c5_1 = default;
        // C is touched only after the k loop; start fetching its tile now so the stores do not stall.
        Sse.Prefetch0(c + 0 * ldc);
        Sse.Prefetch0(c + 1 * ldc);
        Sse.Prefetch0(c + 2 * ldc);
        Sse.Prefetch0(c + 3 * ldc);
        Sse.Prefetch0(c + 4 * ldc);
        Sse.Prefetch0(c + 5 * ldc);
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b + 0);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]);
            c0_0 = Vector256.FusedMultiplyAdd(a0, b0, c0_0);
            c0_1 = Vector256.FusedMultiplyAdd(a0, b1, c0_1);
            var a1 = Vector256.Create(a[1]);
            c1_0 = Vector256.FusedMultiplyAdd(a1, b0, c1_0);
            c1_1 = Vector256.FusedMultiplyAdd(a1, b1, c1_1);
            var a2 = Vector256.Create(a[2]);
            c2_0 = Vector256.FusedMultiplyAdd(a2, b0, c2_0);
            c2_1 = Vector256.FusedMultiplyAdd(a2, b1, c2_1);
            var a3 = Vector256.Create(a[3]);
            c3_0 = Vector256.FusedMultiplyAdd(a3, b0, c3_0);
            c3_1 = Vector256.FusedMultiplyAdd(a3, b1, c3_1);
            var a4 = Vector256.Create(a[4]);
            c4_0 = Vector256.FusedMultiplyAdd(a4, b0, c4_0);
            c4_1 = Vector256.FusedMultiplyAdd(a4, b1, c4_1);
            var a5 = Vector256.Create(a[5]);
            c5_0 = Vector256.FusedMultiplyAdd(a5, b0, c5_0);
            c5_1 = Vector256.FusedMultiplyAdd(a5, b1, c5_1);
            a += 6;
            b += bStride;
        }
        Store(c, c0_0, alpha, beta);
        Store(c + 8, c0_1, alpha, beta);
        c += ldc;
        Store(c, c1_0, alpha, beta);
        Store(c + 8, c1_1, alpha, beta);
        c += ldc;
        Store(c, c2_0, alpha, beta);
        Store(c + 8, c2_1, alpha, beta);
        c += ldc;
        Store(c, c3_0, alpha, beta);
        Store(c + 8, c3_1, alpha, beta);
        c += ldc;
        Store(c, c4_0, alpha, beta);
        Store(c + 8, c4_1, alpha, beta);
        c += ldc;
        Store(c, c5_0, alpha, beta);
        Store(c + 8, c5_1, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> acc, float alpha, float beta)
    {
        var result = beta == 0
            ? acc * alpha
            : Vector256.FusedMultiplyAdd(Vector256.Create(alpha), acc, Vector256.Load(c) * beta);
        result.Store(c);
    }
}
