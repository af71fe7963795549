using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Int8 GEMM micro-kernels: up to 4 activation rows x one 16-output weight panel over the whole packed depth,
/// T[r, j] = sum_k a[r, k] * w[j, k], exact int32. Activation rows come as signed int8 (Kp bytes each; int16 for
/// the AVX-512 path, unsigned a+128 for VNNI, whose caller removes the extra 128 * column sum). Results go to
/// <c>t[r*16 + j]</c>. Rows past <c>rows</c> repeat the last row and are not stored.
/// </summary>
internal static unsafe class Int8MicroKernels
{
    private const int Nr = PackedInt8Weights.PanelWidth;

    public static void Scalar(void* a, int lda, int rows, sbyte* panel, int kq, int* t)
    {
        for (var r = 0; r < rows; r++)
        {
            var ar = (sbyte*)a + (long)r * lda;
            for (var j = 0; j < Nr; j++)
            {
                var s = 0;
                for (var q = 0; q < kq; q++)
                    for (var i = 0; i < 4; i++) s += ar[q * 4 + i] * panel[q * 64 + j * 4 + i];
                t[r * Nr + j] = s;
            }
        }
    }

    /// <summary>
    /// Portable Vector128: widen to int16, multiply, widen to int32; per (output, k mod 4) lanes summed at the end.
    /// </summary>
    public static void Portable(void* a, int lda, int rows, sbyte* panel, int kq, int* t)
    {
        var acc = stackalloc Vector128<int>[Nr];
        for (var r = 0; r < rows; r++)
        {
            var ar = (sbyte*)a + (long)r * lda;
            for (var j = 0; j < Nr; j++) acc[j] = Vector128<int>.Zero;
            for (var q = 0; q < kq; q++)
            {
                var (al, ah) = Vector128.Widen(Vector128.Create(*(int*)(ar + q * 4)).AsSByte());
                for (var v = 0; v < 4; v++)
                {
                    var (wl, wh) = Vector128.Widen(Vector128.Load(panel + q * 64 + v * 16));
                    var (p0, p1) = Vector128.Widen(wl * al);
                    var (p2, p3) = Vector128.Widen(wh * ah);
                    acc[v * 4] += p0; acc[v * 4 + 1] += p1; acc[v * 4 + 2] += p2; acc[v * 4 + 3] += p3;
                }
            }
            for (var j = 0; j < Nr; j++) t[r * Nr + j] = Vector128.Sum(acc[j]);
        }
    }

    /// <summary>
    /// AVX2: pmaddubsw(|a|, sign(w, a)) then pmaddwd with ones; exact because |w| &lt;= 127 (see
    /// <see cref="PackedInt8Weights"/>).
    /// </summary>
    public static void Avx2Kernel(void* a, int lda, int rows, sbyte* panel, int kq, int* t)
    {
        var a0 = (sbyte*)a;
        var a1 = rows > 1 ? a0 + lda : a0;
        var a2 = rows > 2 ? a0 + 2L * lda : a1;
        var a3 = rows > 3 ? a0 + 3L * lda : a2;
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default;
        for (var q = 0; q < kq; q++)
        {
            var w0 = Avx.LoadVector256(panel + q * 64);
            var w1 = Avx.LoadVector256(panel + q * 64 + 32);
            SignStep(ref c00, ref c01, *(int*)(a0 + q * 4), w0, w1);
            SignStep(ref c10, ref c11, *(int*)(a1 + q * 4), w0, w1);
            SignStep(ref c20, ref c21, *(int*)(a2 + q * 4), w0, w1);
            SignStep(ref c30, ref c31, *(int*)(a3 + q * 4), w0, w1);
        }
        // t always has room for 4 rows; unconditional stores keep the accumulators in registers in the loop.
        c00.Store(t); c01.Store(t + 8); c10.Store(t + 16); c11.Store(t + 24);
        c20.Store(t + 32); c21.Store(t + 40); c30.Store(t + 48); c31.Store(t + 56);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SignStep(ref Vector256<int> c0, ref Vector256<int> c1, int a4, Vector256<sbyte> w0,
        Vector256<sbyte> w1)
    {
        var av = Vector256.Create(a4).AsSByte();
        var aa = Avx2.Abs(av);
        var ones = Vector256.Create((short)1);
        c0 = Avx2.Add(c0, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(aa, Avx2.Sign(w0, av)), ones));
        c1 = Avx2.Add(c1, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(aa, Avx2.Sign(w1, av)), ones));
    }

    /// <summary>AVX-VNNI (256-bit vpdpbusd): unsigned a+128 times signed w, no intermediate saturation.</summary>
    public static void VnniKernel(void* a, int lda, int rows, sbyte* panel, int kq, int* t)
    {
        var a0 = (byte*)a;
        var a1 = rows > 1 ? a0 + lda : a0;
        var a2 = rows > 2 ? a0 + 2L * lda : a1;
        var a3 = rows > 3 ? a0 + 3L * lda : a2;
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default;
        for (var q = 0; q < kq; q++)
        {
            var w0 = Avx.LoadVector256(panel + q * 64);
            var w1 = Avx.LoadVector256(panel + q * 64 + 32);
            var v0 = Vector256.Create(*(int*)(a0 + q * 4)).AsByte();
            c00 = AvxVnni.MultiplyWideningAndAdd(c00, v0, w0); c01 = AvxVnni.MultiplyWideningAndAdd(c01, v0, w1);
            var v1 = Vector256.Create(*(int*)(a1 + q * 4)).AsByte();
            c10 = AvxVnni.MultiplyWideningAndAdd(c10, v1, w0); c11 = AvxVnni.MultiplyWideningAndAdd(c11, v1, w1);
            var v2 = Vector256.Create(*(int*)(a2 + q * 4)).AsByte();
            c20 = AvxVnni.MultiplyWideningAndAdd(c20, v2, w0); c21 = AvxVnni.MultiplyWideningAndAdd(c21, v2, w1);
            var v3 = Vector256.Create(*(int*)(a3 + q * 4)).AsByte();
            c30 = AvxVnni.MultiplyWideningAndAdd(c30, v3, w0); c31 = AvxVnni.MultiplyWideningAndAdd(c31, v3, w1);
        }
        // t always has room for 4 rows; unconditional stores keep the accumulators in registers in the loop.
        c00.Store(t); c01.Store(t + 8); c10.Store(t + 16); c11.Store(t + 24);
        c20.Store(t + 32); c21.Store(t + 40); c30.Store(t + 48); c31.Store(t + 56);
    }

    /// <summary>
    /// AVX-512BW: weights sign-extended to int16 once per step and multiplied with vpmaddwd against int16
    /// activations broadcast four at a time (.NET 10 exposes no 512-bit VNNI, and AVX-512 has no vpsignb for the
    /// maddubs trick); exact for any int8 values. Lanes hold (output, k pair) partial sums, added pairwise at the end.
    /// Four rows: with more accumulators the JIT spills them inside the loop.
    /// </summary>
    public static void Avx512Kernel(void* a, int lda, int rows, sbyte* panel, int kq, int* t)
    {
        var a0 = (short*)a;
        var a1 = rows > 1 ? a0 + lda : a0;
        var a2 = rows > 2 ? a0 + 2L * lda : a1;
        var a3 = rows > 3 ? a0 + 3L * lda : a2;
        Vector512<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default;
        for (var q = 0; q < kq; q++)
        {
            var w0 = Avx512BW.ConvertToVector512Int16(Avx.LoadVector256(panel));
            var w1 = Avx512BW.ConvertToVector512Int16(Avx.LoadVector256(panel + 32));
            panel += 64;
            var v = Vector512.Create(*(long*)a0).AsInt16(); a0 += 4;
            c00 = Avx512F.Add(c00, Avx512BW.MultiplyAddAdjacent(w0, v)); c01 = Avx512F.Add(c01,
                Avx512BW.MultiplyAddAdjacent(w1, v));
            v = Vector512.Create(*(long*)a1).AsInt16(); a1 += 4;
            c10 = Avx512F.Add(c10, Avx512BW.MultiplyAddAdjacent(w0, v)); c11 = Avx512F.Add(c11,
                Avx512BW.MultiplyAddAdjacent(w1, v));
            v = Vector512.Create(*(long*)a2).AsInt16(); a2 += 4;
            c20 = Avx512F.Add(c20, Avx512BW.MultiplyAddAdjacent(w0, v)); c21 = Avx512F.Add(c21,
                Avx512BW.MultiplyAddAdjacent(w1, v));
            v = Vector512.Create(*(long*)a3).AsInt16(); a3 += 4;
            c30 = Avx512F.Add(c30, Avx512BW.MultiplyAddAdjacent(w0, v)); c31 = Avx512F.Add(c31,
                Avx512BW.MultiplyAddAdjacent(w1, v));
        }
        // t has room for 4 rows; storing all keeps the accumulators in registers inside the loop.
        var l = stackalloc int[128];
        c00.Store(l); c01.Store(l + 16); c10.Store(l + 32); c11.Store(l + 48);
        c20.Store(l + 64); c21.Store(l + 80); c30.Store(l + 96); c31.Store(l + 112);
        for (var j = 0; j < 4 * Nr; j++) t[j] = l[2 * j] + l[2 * j + 1];
    }

    /// <summary>ARM64 plain AdvSimd: smull / smull2 into int16, sadalp into (output, k pair) int32 lanes.</summary>
    public static void NeonKernel(void* a, int lda, int rows, sbyte* panel, int kq, int* t)
    {
        for (var r = 0; r < rows; r++)
        {
            var ar = (sbyte*)a + (long)r * lda;
            Vector128<int> l0 = default, h0 = default, l1 = default, h1 = default, l2 = default, h2 = default,
                l3 = default, h3 = default;
            for (var q = 0; q < kq; q++)
            {
                var av = Vector128.Create(*(int*)(ar + q * 4)).AsSByte();
                var al = av.GetLower();
                var p = panel + q * 64;
                var w = AdvSimd.LoadVector128(p);
                l0 = AdvSimd.AddPairwiseWideningAndAdd(l0, AdvSimd.MultiplyWideningLower(w.GetLower(), al));
                h0 = AdvSimd.AddPairwiseWideningAndAdd(h0, AdvSimd.MultiplyWideningUpper(w, av));
                w = AdvSimd.LoadVector128(p + 16);
                l1 = AdvSimd.AddPairwiseWideningAndAdd(l1, AdvSimd.MultiplyWideningLower(w.GetLower(), al));
                h1 = AdvSimd.AddPairwiseWideningAndAdd(h1, AdvSimd.MultiplyWideningUpper(w, av));
                w = AdvSimd.LoadVector128(p + 32);
                l2 = AdvSimd.AddPairwiseWideningAndAdd(l2, AdvSimd.MultiplyWideningLower(w.GetLower(), al));
                h2 = AdvSimd.AddPairwiseWideningAndAdd(h2, AdvSimd.MultiplyWideningUpper(w, av));
                w = AdvSimd.LoadVector128(p + 48);
                l3 = AdvSimd.AddPairwiseWideningAndAdd(l3, AdvSimd.MultiplyWideningLower(w.GetLower(), al));
                h3 = AdvSimd.AddPairwiseWideningAndAdd(h3, AdvSimd.MultiplyWideningUpper(w, av));
            }
            var tr = t + r * Nr;
            AdvSimd.Arm64.AddPairwise(l0, h0).Store(tr);
            AdvSimd.Arm64.AddPairwise(l1, h1).Store(tr + 4);
            AdvSimd.Arm64.AddPairwise(l2, h2).Store(tr + 8);
            AdvSimd.Arm64.AddPairwise(l3, h3).Store(tr + 12);
        }
    }

    /// <summary>ARM64 dot-product extension: sdot of 4 outputs x 4 inputs per instruction.</summary>
    public static void DotKernel(void* a, int lda, int rows, sbyte* panel, int kq, int* t)
    {
        for (var r0 = 0; r0 < rows; r0 += 2)
        {
            var a0 = (sbyte*)a + (long)r0 * lda;
            var a1 = r0 + 1 < rows ? a0 + lda : a0;
            Vector128<int> c0 = default, c1 = default, c2 = default, c3 = default, d0 = default, d1 = default,
                d2 = default, d3 = default;
            for (var q = 0; q < kq; q++)
            {
                var p = panel + q * 64;
                var w0 = AdvSimd.LoadVector128(p);
                var w1 = AdvSimd.LoadVector128(p + 16);
                var w2 = AdvSimd.LoadVector128(p + 32);
                var w3 = AdvSimd.LoadVector128(p + 48);
                var v = Vector128.Create(*(int*)(a0 + q * 4)).AsSByte();
                c0 = Dp.DotProduct(c0, w0, v); c1 = Dp.DotProduct(c1, w1, v); c2 = Dp.DotProduct(c2, w2, v); c3 =
                    Dp.DotProduct(c3, w3, v);
                var u = Vector128.Create(*(int*)(a1 + q * 4)).AsSByte();
                d0 = Dp.DotProduct(d0, w0, u); d1 = Dp.DotProduct(d1, w1, u); d2 = Dp.DotProduct(d2, w2, u); d3 =
                    Dp.DotProduct(d3, w3, u);
            }
            var tr = t + r0 * Nr;
            c0.Store(tr); c1.Store(tr + 4); c2.Store(tr + 8); c3.Store(tr + 12);
            if (r0 + 1 < rows) { d0.Store(tr + 16); d1.Store(tr + 20); d2.Store(tr + 24); d3.Store(tr + 28); }
        }
    }
}
