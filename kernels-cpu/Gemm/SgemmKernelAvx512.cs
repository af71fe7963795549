using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qail.Kernels.Cpu;

/// <summary>
/// AVX-512 fp32 micro-kernel, 12 x 32: 24 zmm accumulators + 2 B vectors + 1 broadcast = 27 of the
/// 32 zmm registers, so the JIT need not spill; 24 FMAs per 2 B loads + 12 broadcasts keeps the FMA pipes busy.
/// </summary>
internal unsafe struct SgemmKernelAvx512 : ISgemmMicroKernel
{
    public static int Mr => 12;
    public static int Nr => 32;
    public static int Kc => 256;
    public static int Mc => 1536;
    public static int Nc => 512;
    public static bool AvxPacking => true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c0_0 = default, c0_1 = default;
        Vector512<float> c1_0 = default, c1_1 = default;
        Vector512<float> c2_0 = default, c2_1 = default;
        Vector512<float> c3_0 = default, c3_1 = default;
        Vector512<float> c4_0 = default, c4_1 = default;
        Vector512<float> c5_0 = default, c5_1 = default;
        Vector512<float> c6_0 = default, c6_1 = default;
        Vector512<float> c7_0 = default, c7_1 = default;
        Vector512<float> c8_0 = default, c8_1 = default;
        Vector512<float> c9_0 = default, c9_1 = default;
        Vector512<float> c10_0 = default, c10_1 = default;
        Vector512<float> c11_0 = default, c11_1 = default;
        // C is touched only after the k loop; start fetching its tile now so the stores do not stall.
        Sse.Prefetch0(c + 0 * ldc);
        Sse.Prefetch0(c + 0 * ldc + 16);
        Sse.Prefetch0(c + 1 * ldc);
        Sse.Prefetch0(c + 1 * ldc + 16);
        Sse.Prefetch0(c + 2 * ldc);
        Sse.Prefetch0(c + 2 * ldc + 16);
        Sse.Prefetch0(c + 3 * ldc);
        Sse.Prefetch0(c + 3 * ldc + 16);
        Sse.Prefetch0(c + 4 * ldc);
        Sse.Prefetch0(c + 4 * ldc + 16);
        Sse.Prefetch0(c + 5 * ldc);
        Sse.Prefetch0(c + 5 * ldc + 16);
        Sse.Prefetch0(c + 6 * ldc);
        Sse.Prefetch0(c + 6 * ldc + 16);
        Sse.Prefetch0(c + 7 * ldc);
        Sse.Prefetch0(c + 7 * ldc + 16);
        Sse.Prefetch0(c + 8 * ldc);
        Sse.Prefetch0(c + 8 * ldc + 16);
        Sse.Prefetch0(c + 9 * ldc);
        Sse.Prefetch0(c + 9 * ldc + 16);
        Sse.Prefetch0(c + 10 * ldc);
        Sse.Prefetch0(c + 10 * ldc + 16);
        Sse.Prefetch0(c + 11 * ldc);
        Sse.Prefetch0(c + 11 * ldc + 16);
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]);
            c0_0 = Vector512.FusedMultiplyAdd(a0, b0, c0_0);
            c0_1 = Vector512.FusedMultiplyAdd(a0, b1, c0_1);
            var a1 = Vector512.Create(a[1]);
            c1_0 = Vector512.FusedMultiplyAdd(a1, b0, c1_0);
            c1_1 = Vector512.FusedMultiplyAdd(a1, b1, c1_1);
            var a2 = Vector512.Create(a[2]);
            c2_0 = Vector512.FusedMultiplyAdd(a2, b0, c2_0);
            c2_1 = Vector512.FusedMultiplyAdd(a2, b1, c2_1);
            var a3 = Vector512.Create(a[3]);
            c3_0 = Vector512.FusedMultiplyAdd(a3, b0, c3_0);
            c3_1 = Vector512.FusedMultiplyAdd(a3, b1, c3_1);
            var a4 = Vector512.Create(a[4]);
            c4_0 = Vector512.FusedMultiplyAdd(a4, b0, c4_0);
            c4_1 = Vector512.FusedMultiplyAdd(a4, b1, c4_1);
            var a5 = Vector512.Create(a[5]);
            c5_0 = Vector512.FusedMultiplyAdd(a5, b0, c5_0);
            c5_1 = Vector512.FusedMultiplyAdd(a5, b1, c5_1);
            var a6 = Vector512.Create(a[6]);
            c6_0 = Vector512.FusedMultiplyAdd(a6, b0, c6_0);
            c6_1 = Vector512.FusedMultiplyAdd(a6, b1, c6_1);
            var a7 = Vector512.Create(a[7]);
            c7_0 = Vector512.FusedMultiplyAdd(a7, b0, c7_0);
            c7_1 = Vector512.FusedMultiplyAdd(a7, b1, c7_1);
            var a8 = Vector512.Create(a[8]);
            c8_0 = Vector512.FusedMultiplyAdd(a8, b0, c8_0);
            c8_1 = Vector512.FusedMultiplyAdd(a8, b1, c8_1);
            var a9 = Vector512.Create(a[9]);
            c9_0 = Vector512.FusedMultiplyAdd(a9, b0, c9_0);
            c9_1 = Vector512.FusedMultiplyAdd(a9, b1, c9_1);
            var a10 = Vector512.Create(a[10]);
            c10_0 = Vector512.FusedMultiplyAdd(a10, b0, c10_0);
            c10_1 = Vector512.FusedMultiplyAdd(a10, b1, c10_1);
            var a11 = Vector512.Create(a[11]);
            c11_0 = Vector512.FusedMultiplyAdd(a11, b0, c11_0);
            c11_1 = Vector512.FusedMultiplyAdd(a11, b1, c11_1);
            a += 12;
            b += bStride;
        }
        Store(c, c0_0, alpha, beta);
        Store(c + 16, c0_1, alpha, beta);
        c += ldc;
        Store(c, c1_0, alpha, beta);
        Store(c + 16, c1_1, alpha, beta);
        c += ldc;
        Store(c, c2_0, alpha, beta);
        Store(c + 16, c2_1, alpha, beta);
        c += ldc;
        Store(c, c3_0, alpha, beta);
        Store(c + 16, c3_1, alpha, beta);
        c += ldc;
        Store(c, c4_0, alpha, beta);
        Store(c + 16, c4_1, alpha, beta);
        c += ldc;
        Store(c, c5_0, alpha, beta);
        Store(c + 16, c5_1, alpha, beta);
        c += ldc;
        Store(c, c6_0, alpha, beta);
        Store(c + 16, c6_1, alpha, beta);
        c += ldc;
        Store(c, c7_0, alpha, beta);
        Store(c + 16, c7_1, alpha, beta);
        c += ldc;
        Store(c, c8_0, alpha, beta);
        Store(c + 16, c8_1, alpha, beta);
        c += ldc;
        Store(c, c9_0, alpha, beta);
        Store(c + 16, c9_1, alpha, beta);
        c += ldc;
        Store(c, c10_0, alpha, beta);
        Store(c + 16, c10_1, alpha, beta);
        c += ldc;
        Store(c, c11_0, alpha, beta);
        Store(c + 16, c11_1, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> acc, float alpha, float beta)
    {
        var result = beta == 0
            ? acc * alpha
            : Vector512.FusedMultiplyAdd(Vector512.Create(alpha), acc, Vector512.Load(c) * beta);
        result.Store(c);
    }
}
