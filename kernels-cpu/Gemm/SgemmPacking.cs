using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Copies blocks of A and B into the micro-kernels' panel layouts (contiguous, zero-padded to whole
/// panels), so the inner loop reads memory sequentially whatever the strides and transposes.
/// </summary>
internal static unsafe class SgemmPacking
{
    /// <summary>
    /// Packs op(A)[i0..i0+mc, p0..p0+kc] into panels of mr rows: dst[panel][p*mr + i]. With
    /// <paramref name="avxTranspose"/> (AVX paths only) untransposed A moves in 8 x 8 and 4 x 4 register blocks.
    /// </summary>
    public static void PackA(bool transA, float* a, nint lda, int i0, int p0, int mc, int kc, int mr, float* dst,
        bool avxTranspose)
    {
        if (!transA && avxTranspose && Avx.IsSupported)
        {
            PackUntransposedAAvx(a, lda, i0, p0, mc, kc, mr, dst);
            return;
        }
        for (var ir = 0; ir < mc; ir += mr)
        {
            var rows = Math.Min(mr, mc - ir);
            var panel = dst + (nint)ir * kc;
            if (transA)
            {
                // Stored k x m: the mr values of one k step are contiguous.
                for (var p = 0; p < kc; p++)
                {
                    var src = a + (nint)(p0 + p) * lda + i0 + ir;
                    var d = panel + p * mr;
                    for (var i = 0; i < rows; i++) d[i] = src[i];
                    for (var i = rows; i < mr; i++) d[i] = 0;
                }
            }
            else
            {
                // Stored m x k: a transpose, blocked by 16 k steps like PackB's transposed case.
                var src = a + (nint)(i0 + ir) * lda + p0;
                for (var pb = 0; pb < kc; pb += 16)
                {
                    var depth = Math.Min(16, kc - pb);
                    for (var i = 0; i < rows; i++)
                    {
                        var row = src + (nint)i * lda + pb;
                        var d = panel + pb * mr + i;
                        for (var p = 0; p < depth; p++) d[p * mr] = row[p];
                    }
                    for (var p = pb; p < pb + depth; p++)
                    {
                        for (var i = rows; i < mr; i++) panel[p * mr + i] = 0;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs op(B)[p0..p0+kc, j0..j0+nc] into panels of nr columns: dst[panel][p*nr + j]. With
    /// <paramref name="avxTranspose"/> (AVX paths only, nr a multiple of 8) transposed B moves in 8 x 8 register
    /// blocks.
    /// </summary>
    public static void PackB(bool transB, float* b, nint ldb, int p0, int j0, int kc, int nc, int nr, float* dst,
        bool avxTranspose)
    {
        if (transB && avxTranspose && Avx.IsSupported)
        {
            PackTransposedBAvx(b, ldb, p0, j0, kc, nc, nr, dst);
            return;
        }
        for (var jr = 0; jr < nc; jr += nr)
        {
            var cols = Math.Min(nr, nc - jr);
            var panel = dst + (nint)jr * kc;
            if (!transB)
            {
                // Stored k x n: one k step of a panel is a contiguous run of cols values.
                for (var p = 0; p < kc; p++)
                {
                    var src = b + (nint)(p0 + p) * ldb + j0 + jr;
                    var d = panel + p * nr;
                    new ReadOnlySpan<float>(src, cols).CopyTo(new Span<float>(d, cols));
                    for (var j = cols; j < nr; j++) d[j] = 0;
                }
            }
            else
            {
                // Stored n x k: a transpose. Go in blocks of 16 k steps (one source cache line per row) so
                // both the reads (nr rows, often a power-of-two stride apart, which alias in L1) and the
                // 16 written rows of the panel stay in cache.
                var src = b + (nint)(j0 + jr) * ldb + p0;
                for (var pb = 0; pb < kc; pb += 16)
                {
                    var depth = Math.Min(16, kc - pb);
                    for (var j = 0; j < cols; j++)
                    {
                        var row = src + (nint)j * ldb + pb;
                        var d = panel + pb * nr + j;
                        for (var p = 0; p < depth; p++) d[p * nr] = row[p];
                    }
                    for (var p = pb; p < pb + depth; p++)
                    {
                        for (var j = cols; j < nr; j++) panel[p * nr + j] = 0;
                    }
                }
            }
        }
    }

    // Transposed B with AVX: whole 8 (columns of op(B)) x 8 (k steps) blocks through registers, the
    // ragged right edge and k tail element by element, padding columns zeroed.
    private static void PackTransposedBAvx(float* b, nint ldb, int p0, int j0, int kc, int nc, int nr, float* dst)
    {
        for (var jr = 0; jr < nc; jr += nr)
        {
            var cols = Math.Min(nr, nc - jr);
            var panel = dst + (nint)jr * kc;
            var src = b + (nint)(j0 + jr) * ldb + p0;
            var fullCols = cols & ~7;
            var fullDepth = kc & ~7;
            for (var j = 0; j < fullCols; j += 8)
            {
                var rows = src + (nint)j * ldb;
                for (var p = 0; p < fullDepth; p += 8) Transpose8x8(rows + p, ldb, panel + p * nr + j, nr);
                for (var p = fullDepth; p < kc; p++)
                {
                    for (var jj = 0; jj < 8; jj++) panel[p * nr + j + jj] = rows[jj * ldb + p];
                }
            }
            for (var p = 0; p < kc; p++)
            {
                var d = panel + p * nr;
                for (var j = fullCols; j < cols; j++) d[j] = src[j * ldb + p];
                for (var j = cols; j < nr; j++) d[j] = 0;
            }
        }
    }

    // dst[p*dstStride + j] = src[j*srcStride + p] for p, j < 8 (unpack, shuffle, then swap 128-bit lanes).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint srcStride, float* dst, nint dstStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + srcStride),
            r2 = Avx.LoadVector256(src + 2 * srcStride), r3 = Avx.LoadVector256(src + 3 * srcStride),
            r4 = Avx.LoadVector256(src + 4 * srcStride), r5 = Avx.LoadVector256(src + 5 * srcStride),
            r6 = Avx.LoadVector256(src + 6 * srcStride), r7 = Avx.LoadVector256(src + 7 * srcStride);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1),
            t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3),
            t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5),
            t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE),
            s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE),
            s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE),
            s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(s3, s7, 0x31));
    }

    // Untransposed A with AVX: rows in groups of 8 (8 x 8 transposes), then 4 (4 x 4), then one by one;
    // the k tail element by element; padding rows zeroed.
    private static void PackUntransposedAAvx(float* a, nint lda, int i0, int p0, int mc, int kc, int mr, float* dst)
    {
        var fullDepth8 = kc & ~7;
        var fullDepth4 = kc & ~3;
        for (var ir = 0; ir < mc; ir += mr)
        {
            var rows = Math.Min(mr, mc - ir);
            var panel = dst + (nint)ir * kc;
            var src = a + (nint)(i0 + ir) * lda + p0;
            var i = 0;
            for (; i + 8 <= rows; i += 8)
            {
                for (var p = 0; p < fullDepth8; p += 8) Transpose8x8(src + i * lda + p, lda, panel + p * mr + i, mr);
                CopyTail(src, lda, panel, mr, i, i + 8, fullDepth8, kc);
            }
            for (; i + 4 <= rows; i += 4)
            {
                for (var p = 0; p < fullDepth4; p += 4) Transpose4x4(src + i * lda + p, lda, panel + p * mr + i, mr);
                CopyTail(src, lda, panel, mr, i, i + 4, fullDepth4, kc);
            }
            CopyTail(src, lda, panel, mr, i, rows, 0, kc);
            for (var p = 0; p < kc; p++)
            {
                for (var r = rows; r < mr; r++) panel[p * mr + r] = 0;
            }
        }
    }

    // panel[p*mr + r] = src[r*lda + p] for rows [r0, r1) and k steps [pFrom, pTo).
    private static void CopyTail(float* src, nint lda, float* panel, int mr, int r0, int r1, int pFrom, int pTo)
    {
        for (var r = r0; r < r1; r++)
        {
            for (var p = pFrom; p < pTo; p++) panel[p * mr + r] = src[r * lda + p];
        }
    }

    // dst[p*dstStride + j] = src[j*srcStride + p] for p, j < 4.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(float* src, nint srcStride, float* dst, nint dstStride)
    {
        Vector128<float> r0 = Sse.LoadVector128(src), r1 = Sse.LoadVector128(src + srcStride),
            r2 = Sse.LoadVector128(src + 2 * srcStride), r3 = Sse.LoadVector128(src + 3 * srcStride);
        Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackHigh(r0, r1), t2 = Sse.UnpackLow(r2, r3),
            t3 = Sse.UnpackHigh(r2, r3);
        Sse.Store(dst, Sse.MoveLowToHigh(t0, t2));
        Sse.Store(dst + dstStride, Sse.MoveHighToLow(t2, t0));
        Sse.Store(dst + 2 * dstStride, Sse.MoveLowToHigh(t1, t3));
        Sse.Store(dst + 3 * dstStride, Sse.MoveHighToLow(t3, t1));
    }
}
