using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace Qail.Kernels.Cpu;

/// <summary>
/// ARM64 AdvSimd (NEON) fp32 micro-kernel, 8 x 8: 16 accumulators + 2 B vectors + 2 A vectors = 20 of
/// the 32 q registers; fmla by element uses A lanes directly, so no broadcasts are needed.
/// </summary>
internal unsafe struct SgemmKernelAdvSimd : ISgemmMicroKernel
{
    public static int Mr => 8;
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
        Vector128<float> c6_0 = default, c6_1 = default;
        Vector128<float> c7_0 = default, c7_1 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b + 0);
            var b1 = Vector128.Load(b + 4);
            var a0 = AdvSimd.LoadVector128(a + 0);
            var a1 = AdvSimd.LoadVector128(a + 4);
            c0_0 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c0_0, b0, a0, 0);
            c0_1 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c0_1, b1, a0, 0);
            c1_0 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c1_0, b0, a0, 1);
            c1_1 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c1_1, b1, a0, 1);
            c2_0 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c2_0, b0, a0, 2);
            c2_1 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c2_1, b1, a0, 2);
            c3_0 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c3_0, b0, a0, 3);
            c3_1 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c3_1, b1, a0, 3);
            c4_0 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c4_0, b0, a1, 0);
            c4_1 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c4_1, b1, a1, 0);
            c5_0 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c5_0, b0, a1, 1);
            c5_1 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c5_1, b1, a1, 1);
            c6_0 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c6_0, b0, a1, 2);
            c6_1 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c6_1, b1, a1, 2);
            c7_0 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c7_0, b0, a1, 3);
            c7_1 = AdvSimd.Arm64.FusedMultiplyAddBySelectedScalar(c7_1, b1, a1, 3);
            a += 8;
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
        c += ldc;
        Store(c, c6_0, alpha, beta);
        Store(c + 4, c6_1, alpha, beta);
        c += ldc;
        Store(c, c7_0, alpha, beta);
        Store(c + 4, c7_1, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector128<float> acc, float alpha, float beta)
    {
        var result = beta == 0
            ? acc * alpha
            : Vector128.FusedMultiplyAdd(Vector128.Create(alpha), acc, Vector128.Load(c) * beta);
        result.Store(c);
    }
}
