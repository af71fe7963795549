using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Int8 GEMV / few-row kernels: each activation row (signed int8, K padded to a multiple of 4 with zeros) against
/// two consecutive 16-output weight panels at once, T[r*32 + j] = sum_k a[r, k] * w[j, k], exact int32. The
/// panels are read in place in the GEMM's packed layout (16 outputs x 4 inputs per 64-byte step), which is already
/// a GEMV layout: one step is one dot-product operand per output lane, so no lane reduction is needed. Rows are
/// handled one at a time (the weights stay in cache across the few rows), and the two panels share each
/// activation broadcast. A lone last panel is passed twice; its duplicate half is discarded by the caller.
/// </summary>
internal static unsafe class Int8GemvKernels
{
    /// <summary>Outputs one call produces per row.</summary>
    public const int Width = 2 * PackedInt8Weights.PanelWidth;

    /// <summary>Scalar: the micro-kernel one row and one panel at a time.</summary>
    public static void Scalar(sbyte* a, int lda, int rows, sbyte* p0, sbyte* p1, int kq, int* t)
    {
        for (var r = 0; r < rows; r++)
        {
            Int8MicroKernels.Scalar(a + (long)r * lda, lda, 1, p0, kq, t + r * Width);
            Int8MicroKernels.Scalar(a + (long)r * lda, lda, 1, p1, kq, t + r * Width + 16);
        }
    }

    /// <summary>Portable Vector128: the widening micro-kernel one row and one panel at a time.</summary>
    public static void Portable(sbyte* a, int lda, int rows, sbyte* p0, sbyte* p1, int kq, int* t)
    {
        for (var r = 0; r < rows; r++)
        {
            Int8MicroKernels.Portable(a + (long)r * lda, lda, 1, p0, kq, t + r * Width);
            Int8MicroKernels.Portable(a + (long)r * lda, lda, 1, p1, kq, t + r * Width + 16);
        }
    }

    /// <summary>ARM64 plain AdvSimd: the smull/sadalp micro-kernel one row and one panel at a time.</summary>
    public static void Neon(sbyte* a, int lda, int rows, sbyte* p0, sbyte* p1, int kq, int* t)
    {
        for (var r = 0; r < rows; r++)
        {
            Int8MicroKernels.NeonKernel(a + (long)r * lda, lda, 1, p0, kq, t + r * Width);
            Int8MicroKernels.NeonKernel(a + (long)r * lda, lda, 1, p1, kq, t + r * Width + 16);
        }
    }

    /// <summary>
    /// AVX2: pmaddubsw(|a|, sign(w, a)) then pmaddwd with ones, exact because |w| &lt;= 127; lanes are outputs.
    /// </summary>
    public static void Avx2Kernel(sbyte* a, int lda, int rows, sbyte* p0, sbyte* p1, int kq, int* t)
    {
        var ones = Vector256.Create((short)1);
        for (var r = 0; r < rows; r++)
        {
            var ar = a + (long)r * lda;
            Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default;
            for (var q = 0; q < kq; q++)
            {
                var av = Vector256.Create(*(int*)(ar + 4 * q)).AsSByte();
                var aa = Avx2.Abs(av);
                var o = 64 * q;
                c0 = Avx2.Add(c0, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(aa,
                    Avx2.Sign(Avx.LoadVector256(p0 + o), av)), ones));
                c1 = Avx2.Add(c1, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(aa,
                    Avx2.Sign(Avx.LoadVector256(p0 + o + 32), av)), ones));
                c2 = Avx2.Add(c2, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(aa,
                    Avx2.Sign(Avx.LoadVector256(p1 + o), av)), ones));
                c3 = Avx2.Add(c3, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(aa,
                    Avx2.Sign(Avx.LoadVector256(p1 + o + 32), av)), ones));
            }
            var tr = t + r * Width;
            c0.Store(tr); c1.Store(tr + 8); c2.Store(tr + 16); c3.Store(tr + 24);
        }
    }

    /// <summary>AVX-VNNI (256-bit vpdpbusd) on a + 128; the caller removes the extra 128 * column sum.</summary>
    public static void VnniKernel(sbyte* a, int lda, int rows, sbyte* p0, sbyte* p1, int kq, int* t)
    {
        for (var r = 0; r < rows; r++)
        {
            var ar = a + (long)r * lda;
            Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default;
            for (var q = 0; q < kq; q++)
            {
                // a + 128 as unsigned bytes is a with its sign bit flipped.
                var av = Vector256.Create(*(int*)(ar + 4 * q) ^ unchecked((int)0x80808080)).AsByte();
                var o = 64 * q;
                c0 = AvxVnni.MultiplyWideningAndAdd(c0, av, Avx.LoadVector256(p0 + o));
                c1 = AvxVnni.MultiplyWideningAndAdd(c1, av, Avx.LoadVector256(p0 + o + 32));
                c2 = AvxVnni.MultiplyWideningAndAdd(c2, av, Avx.LoadVector256(p1 + o));
                c3 = AvxVnni.MultiplyWideningAndAdd(c3, av, Avx.LoadVector256(p1 + o + 32));
            }
            var tr = t + r * Width;
            c0.Store(tr); c1.Store(tr + 8); c2.Store(tr + 16); c3.Store(tr + 24);
        }
    }

    /// <summary>
    /// AVX-512BW: the pmaddubsw sign trick in 512 bits (AVX-512 has no vpsignb: w is negated under the mask of
    /// negative a); one 64-byte step is 16 outputs, so the lanes are outputs and need no final reduction.
    /// </summary>
    public static void Avx512Kernel(sbyte* a, int lda, int rows, sbyte* p0, sbyte* p1, int kq, int* t)
    {
        var ones = Vector512.Create((short)1);
        for (var r = 0; r < rows; r++)
        {
            var ar = a + (long)r * lda;
            Vector512<int> c0 = default, c1 = default;
            for (var q = 0; q < kq; q++)
            {
                var av = Vector512.Create(*(int*)(ar + 4 * q)).AsSByte();
                var aa = Avx512BW.Abs(av);
                var negative = Vector512.LessThan(av, Vector512<sbyte>.Zero);
                var w0 = Vector512.Load(p0 + 64 * q);
                var w1 = Vector512.Load(p1 + 64 * q);
                w0 = Vector512.ConditionalSelect(negative, Vector512<sbyte>.Zero - w0, w0);
                w1 = Vector512.ConditionalSelect(negative, Vector512<sbyte>.Zero - w1, w1);
                c0 = Avx512F.Add(c0, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(aa, w0), ones));
                c1 = Avx512F.Add(c1, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(aa, w1), ones));
            }
            c0.Store(t + r * Width);
            c1.Store(t + r * Width + 16);
        }
    }

    /// <summary>ARM64 dot-product extension: one sdot per 4 outputs x 4 inputs, lanes are outputs.</summary>
    public static void DotKernel(sbyte* a, int lda, int rows, sbyte* p0, sbyte* p1, int kq, int* t)
    {
        for (var r = 0; r < rows; r++)
        {
            var ar = a + (long)r * lda;
            Vector128<int> c0 = default, c1 = default, c2 = default, c3 = default, d0 = default, d1 = default,
                d2 = default, d3 = default;
            for (var q = 0; q < kq; q++)
            {
                var v = Vector128.Create(*(int*)(ar + 4 * q)).AsSByte();
                var w = p0 + 64 * q;
                var u = p1 + 64 * q;
                c0 = Dp.DotProduct(c0, AdvSimd.LoadVector128(w), v);
                c1 = Dp.DotProduct(c1, AdvSimd.LoadVector128(w + 16), v);
                c2 = Dp.DotProduct(c2, AdvSimd.LoadVector128(w + 32), v);
                c3 = Dp.DotProduct(c3, AdvSimd.LoadVector128(w + 48), v);
                d0 = Dp.DotProduct(d0, AdvSimd.LoadVector128(u), v);
                d1 = Dp.DotProduct(d1, AdvSimd.LoadVector128(u + 16), v);
                d2 = Dp.DotProduct(d2, AdvSimd.LoadVector128(u + 32), v);
                d3 = Dp.DotProduct(d3, AdvSimd.LoadVector128(u + 48), v);
            }
            var tr = t + r * Width;
            c0.Store(tr); c1.Store(tr + 4); c2.Store(tr + 8); c3.Store(tr + 12);
            d0.Store(tr + 16); d1.Store(tr + 20); d2.Store(tr + 24); d3.Store(tr + 28);
        }
    }
}
