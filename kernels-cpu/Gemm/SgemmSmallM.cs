using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qail.Kernels.Cpu;

/// <summary>
/// GEMM with few rows of C (batch-1..4 policy layers, GEMV-like): packing B would cost as much memory
/// traffic as the product itself, so B is read in place. Untransposed B streams row by row with C
/// kept in vector registers; transposed B (n x k, the usual weight layout) takes one dot product per
/// element. Every element is accumulated in ascending k from zero whatever the split of columns, so
/// threaded results equal single-threaded ones.
/// </summary>
internal static unsafe class SgemmSmallM
{
    /// <summary>Most rows of C handled here; beyond it packing pays for itself.</summary>
    public const int MaxRows = 4;

    // Few-row products are memory-bound and short: below 2^20 multiply-adds (a 1 x 1024 x 1024 layer)
    // a late-waking worker (the machine is shared) costs more than the second core's bandwidth brings.
    private const long ThreadingThreshold = 1L << 20;

    /// <summary>Column split granularity: a whole number of the widest strip (8 x 16) and of dot-row groups.</summary>
    private const int ColumnBlock = 128;

    /// <summary>Longest transposed A row gathered on the stack; longer ones in this thread's scratch.</summary>
    private const int StackFloats = 4096;

    [ThreadStatic] private static float[]? t_rowCopy;

    /// <summary>True when the call should take this path.</summary>
    public static bool Applies(in SgemmProblem p) => p.M <= MaxRows;

    /// <summary>Runs the problem on <paramref name="isa"/> with up to <paramref name="threads"/> threads.</summary>
    public static void Run(SgemmProblem p, InstructionSet isa, int threads)
    {
        var blocks = (p.N + ColumnBlock - 1) / ColumnBlock;
        var work = (long)p.M * p.N * p.K;
        var parts = work < ThreadingThreshold ? 1 : Math.Min(threads, blocks);
        WorkerPool.Run(parts, new Job(p, isa, blocks));
    }

    // Part i computes whole column blocks [first, last) of C.
    private readonly struct Job(SgemmProblem p, InstructionSet isa, int blocks) : IPartitionedJob
    {
        public void Part(int part, int parts)
        {
            int first = (int)((long)blocks * part / parts), last = (int)((long)blocks * (part + 1) / parts);
            Compute(p, isa, first * ColumnBlock, Math.Min(p.N, last * ColumnBlock));
        }
    }

    private static void Compute(in SgemmProblem p, InstructionSet isa, int j0, int j1)
    {
        var width = VectorWidth(isa);
        float* a = (float*)p.A;
        if (!p.TransB)
        {
            for (var i = 0; i < p.M; i++)
            {
                // Row i of op(A): contiguous, or a column of the stored k x m matrix when transposed.
                var aRow = p.TransA ? a + i : a + i * p.Lda;
                var aStep = p.TransA ? p.Lda : 1;
                switch (width)
                {
                    case 16: RowTimesB16(p, aRow, aStep, i, j0, j1); break;
                    case 8: RowTimesB8(p, aRow, aStep, i, j0, j1); break;
                    case 4: RowTimesB4(p, aRow, aStep, i, j0, j1); break;
                    default: RowTimesBScalar(p, aRow, aStep, i, j0, j1); break;
                }
            }
            return;
        }
        // A transposed A row is gathered into a contiguous copy: on the stack, or rented when K is large.
        Span<float> rowCopy = !p.TransA ? default : p.K <= StackFloats
            ? stackalloc float[p.K] : ThreadScratch.AtLeast(ref t_rowCopy, p.K);
        fixed (float* copy = rowCopy)
        {
            for (var i = 0; i < p.M; i++)
            {
                var aRow = a + i * p.Lda;
                if (p.TransA)
                {
                    for (var q = 0; q < p.K; q++) copy[q] = a[q * p.Lda + i];
                    aRow = copy;
                }
                switch (width)
                {
                    case 16: DotRows16(p, aRow, i, j0, j1); break;
                    case 8: DotRows8(p, aRow, i, j0, j1); break;
                    case 4: DotRows4(p, aRow, i, j0, j1); break;
                    default: DotRowsScalar(p, aRow, i, j0, j1); break;
                }
            }
        }
    }

    private static int VectorWidth(InstructionSet isa) => KernelTable.For(isa).Sgemm.RowWidth;

    private static void RowTimesBScalar(in SgemmProblem p, float* aRow, nint aStep, int i, int j0, int j1)
    {
        float* b = (float*)p.B, c = (float*)p.C + i * p.Ldc;
        for (var j = j0; j < j1; j++)
        {
            var acc = 0f;
            var bp = b + j;
            for (var q = 0; q < p.K; q++, bp += p.Ldb) acc += aRow[q * aStep] * *bp;
            c[j] = SgemmTile.Merge(acc, c[j], p.Alpha, p.Beta);
        }
    }

    private static void DotRowsScalar(in SgemmProblem p, float* x, int i, int j0, int j1)
    {
        float* b = (float*)p.B, c = (float*)p.C + i * p.Ldc;
        for (var j = j0; j < j1; j++)
        {
            var y = b + (nint)j * p.Ldb;
            var sum = 0f;
            for (var q = 0; q < p.K; q++) sum += x[q] * y[q];
            c[j] = SgemmTile.Merge(sum, c[j], p.Alpha, p.Beta);
        }
    }

    // C[i, j0..j1) from one row of op(A) times B (k x n, rows contiguous): 8 vectors of C per pass,
    // each element an FMA chain over ascending k, so strip width and column split do not change bits.
    private static void RowTimesB16(in SgemmProblem p, float* aRow, nint aStep, int i, int j0, int j1)
    {
        float* b = (float*)p.B, c = (float*)p.C + i * p.Ldc;
        var j = j0;
        for (; j + 128 <= j1; j += 128)
        {
            Vector512<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default, acc4 = default,
                acc5 = default, acc6 = default, acc7 = default;
            var bp = b + j;
            for (var q = 0; q < p.K; q++, bp += p.Ldb)
            {
                var av = Vector512.Create(aRow[q * aStep]);
                acc0 = Vector512.FusedMultiplyAdd(av, Vector512.Load(bp + 0), acc0);
                acc1 = Vector512.FusedMultiplyAdd(av, Vector512.Load(bp + 16), acc1);
                acc2 = Vector512.FusedMultiplyAdd(av, Vector512.Load(bp + 32), acc2);
                acc3 = Vector512.FusedMultiplyAdd(av, Vector512.Load(bp + 48), acc3);
                acc4 = Vector512.FusedMultiplyAdd(av, Vector512.Load(bp + 64), acc4);
                acc5 = Vector512.FusedMultiplyAdd(av, Vector512.Load(bp + 80), acc5);
                acc6 = Vector512.FusedMultiplyAdd(av, Vector512.Load(bp + 96), acc6);
                acc7 = Vector512.FusedMultiplyAdd(av, Vector512.Load(bp + 112), acc7);
            }
            Store16(c + j + 0, acc0, p.Alpha, p.Beta);
            Store16(c + j + 16, acc1, p.Alpha, p.Beta);
            Store16(c + j + 32, acc2, p.Alpha, p.Beta);
            Store16(c + j + 48, acc3, p.Alpha, p.Beta);
            Store16(c + j + 64, acc4, p.Alpha, p.Beta);
            Store16(c + j + 80, acc5, p.Alpha, p.Beta);
            Store16(c + j + 96, acc6, p.Alpha, p.Beta);
            Store16(c + j + 112, acc7, p.Alpha, p.Beta);
        }
        for (; j + 16 <= j1; j += 16)
        {
            Vector512<float> acc = default;
            var bp = b + j;
            for (var q = 0; q < p.K; q++, bp += p.Ldb)
                acc = Vector512.FusedMultiplyAdd(Vector512.Create(aRow[q * aStep]), Vector512.Load(bp), acc);
            Store16(c + j, acc, p.Alpha, p.Beta);
        }
        for (; j < j1; j++)
        {
            var acc = 0f;
            var bp = b + j;
            for (var q = 0; q < p.K; q++, bp += p.Ldb) acc = MathF.FusedMultiplyAdd(aRow[q * aStep], *bp, acc);
            c[j] = SgemmTile.Merge(acc, c[j], p.Alpha, p.Beta);
        }
    }

    // C[i, j0..j1) = dot products of a contiguous A row with rows of B (stored n x k), 4 B rows per pass
    // sharing the A loads. Each dot product keeps 4 vector partial sums, then a fixed reduction and
    // scalar tail, the same for grouped and leftover rows, so results do not depend on the grouping.
    private static void DotRows16(in SgemmProblem p, float* x, int i, int j0, int j1)
    {
        float* b = (float*)p.B, c = (float*)p.C + i * p.Ldc;
        var j = j0;
        for (; j + 4 <= j1; j += 4)
        {
            Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default;
            Vector512<float> s10 = default, s11 = default, s12 = default, s13 = default;
            Vector512<float> s20 = default, s21 = default, s22 = default, s23 = default;
            Vector512<float> s30 = default, s31 = default, s32 = default, s33 = default;
            var y0 = b + (nint)(j + 0) * p.Ldb;
            var y1 = b + (nint)(j + 1) * p.Ldb;
            var y2 = b + (nint)(j + 2) * p.Ldb;
            var y3 = b + (nint)(j + 3) * p.Ldb;
            var q = 0;
            for (; q + 64 <= p.K; q += 64)
            {
                var x0 = Vector512.Load(x + q + 0);
                var x1 = Vector512.Load(x + q + 16);
                var x2 = Vector512.Load(x + q + 32);
                var x3 = Vector512.Load(x + q + 48);
                s00 = Vector512.FusedMultiplyAdd(x0, Vector512.Load(y0 + q + 0), s00);
                s01 = Vector512.FusedMultiplyAdd(x1, Vector512.Load(y0 + q + 16), s01);
                s02 = Vector512.FusedMultiplyAdd(x2, Vector512.Load(y0 + q + 32), s02);
                s03 = Vector512.FusedMultiplyAdd(x3, Vector512.Load(y0 + q + 48), s03);
                s10 = Vector512.FusedMultiplyAdd(x0, Vector512.Load(y1 + q + 0), s10);
                s11 = Vector512.FusedMultiplyAdd(x1, Vector512.Load(y1 + q + 16), s11);
                s12 = Vector512.FusedMultiplyAdd(x2, Vector512.Load(y1 + q + 32), s12);
                s13 = Vector512.FusedMultiplyAdd(x3, Vector512.Load(y1 + q + 48), s13);
                s20 = Vector512.FusedMultiplyAdd(x0, Vector512.Load(y2 + q + 0), s20);
                s21 = Vector512.FusedMultiplyAdd(x1, Vector512.Load(y2 + q + 16), s21);
                s22 = Vector512.FusedMultiplyAdd(x2, Vector512.Load(y2 + q + 32), s22);
                s23 = Vector512.FusedMultiplyAdd(x3, Vector512.Load(y2 + q + 48), s23);
                s30 = Vector512.FusedMultiplyAdd(x0, Vector512.Load(y3 + q + 0), s30);
                s31 = Vector512.FusedMultiplyAdd(x1, Vector512.Load(y3 + q + 16), s31);
                s32 = Vector512.FusedMultiplyAdd(x2, Vector512.Load(y3 + q + 32), s32);
                s33 = Vector512.FusedMultiplyAdd(x3, Vector512.Load(y3 + q + 48), s33);
            }
            for (; q + 16 <= p.K; q += 16)
            {
                var xv = Vector512.Load(x + q);
                s00 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(y0 + q), s00);
                s10 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(y1 + q), s10);
                s20 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(y2 + q), s20);
                s30 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(y3 + q), s30);
            }
            var sum0 = Vector512.Sum((s00 + s01) + (s02 + s03));
            for (var t = q; t < p.K; t++) sum0 = MathF.FusedMultiplyAdd(x[t], y0[t], sum0);
            c[j + 0] = SgemmTile.Merge(sum0, c[j + 0], p.Alpha, p.Beta);
            var sum1 = Vector512.Sum((s10 + s11) + (s12 + s13));
            for (var t = q; t < p.K; t++) sum1 = MathF.FusedMultiplyAdd(x[t], y1[t], sum1);
            c[j + 1] = SgemmTile.Merge(sum1, c[j + 1], p.Alpha, p.Beta);
            var sum2 = Vector512.Sum((s20 + s21) + (s22 + s23));
            for (var t = q; t < p.K; t++) sum2 = MathF.FusedMultiplyAdd(x[t], y2[t], sum2);
            c[j + 2] = SgemmTile.Merge(sum2, c[j + 2], p.Alpha, p.Beta);
            var sum3 = Vector512.Sum((s30 + s31) + (s32 + s33));
            for (var t = q; t < p.K; t++) sum3 = MathF.FusedMultiplyAdd(x[t], y3[t], sum3);
            c[j + 3] = SgemmTile.Merge(sum3, c[j + 3], p.Alpha, p.Beta);
        }
        for (; j < j1; j++)
        {
            var y = b + (nint)j * p.Ldb;
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            var q = 0;
            for (; q + 64 <= p.K; q += 64)
            {
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(x + q), Vector512.Load(y + q), s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Load(x + q + 16), Vector512.Load(y + q + 16), s1);
                s2 = Vector512.FusedMultiplyAdd(Vector512.Load(x + q + 32), Vector512.Load(y + q + 32), s2);
                s3 = Vector512.FusedMultiplyAdd(Vector512.Load(x + q + 48), Vector512.Load(y + q + 48), s3);
            }
            for (; q + 16 <= p.K; q += 16)
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(x + q), Vector512.Load(y + q), s0);
            var sum = Vector512.Sum((s0 + s1) + (s2 + s3));
            for (; q < p.K; q++) sum = MathF.FusedMultiplyAdd(x[q], y[q], sum);
            c[j] = SgemmTile.Merge(sum, c[j], p.Alpha, p.Beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store16(float* c, Vector512<float> acc, float alpha, float beta)
    {
        var result = beta == 0
            ? acc * alpha
            : Vector512.FusedMultiplyAdd(Vector512.Create(alpha), acc, Vector512.Load(c) * beta);
        result.Store(c);
    }

    // C[i, j0..j1) from one row of op(A) times B (k x n, rows contiguous): 4 vectors of C per pass,
    // each element an FMA chain over ascending k, so strip width and column split do not change bits.
    private static void RowTimesB8(in SgemmProblem p, float* aRow, nint aStep, int i, int j0, int j1)
    {
        float* b = (float*)p.B, c = (float*)p.C + i * p.Ldc;
        var j = j0;
        for (; j + 32 <= j1; j += 32)
        {
            Vector256<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
            var bp = b + j;
            for (var q = 0; q < p.K; q++, bp += p.Ldb)
            {
                var av = Vector256.Create(aRow[q * aStep]);
                acc0 = Vector256.FusedMultiplyAdd(av, Vector256.Load(bp + 0), acc0);
                acc1 = Vector256.FusedMultiplyAdd(av, Vector256.Load(bp + 8), acc1);
                acc2 = Vector256.FusedMultiplyAdd(av, Vector256.Load(bp + 16), acc2);
                acc3 = Vector256.FusedMultiplyAdd(av, Vector256.Load(bp + 24), acc3);
            }
            Store8(c + j + 0, acc0, p.Alpha, p.Beta);
            Store8(c + j + 8, acc1, p.Alpha, p.Beta);
            Store8(c + j + 16, acc2, p.Alpha, p.Beta);
            Store8(c + j + 24, acc3, p.Alpha, p.Beta);
        }
        for (; j + 8 <= j1; j += 8)
        {
            Vector256<float> acc = default;
            var bp = b + j;
            for (var q = 0; q < p.K; q++, bp += p.Ldb)
                acc = Vector256.FusedMultiplyAdd(Vector256.Create(aRow[q * aStep]), Vector256.Load(bp), acc);
            Store8(c + j, acc, p.Alpha, p.Beta);
        }
        for (; j < j1; j++)
        {
            var acc = 0f;
            var bp = b + j;
            for (var q = 0; q < p.K; q++, bp += p.Ldb) acc = MathF.FusedMultiplyAdd(aRow[q * aStep], *bp, acc);
            c[j] = SgemmTile.Merge(acc, c[j], p.Alpha, p.Beta);
        }
    }

    // C[i, j0..j1) = dot products of a contiguous A row with rows of B (stored n x k), 2 B rows per pass
    // sharing the A loads. Each dot product keeps 4 vector partial sums, then a fixed reduction and
    // scalar tail, the same for grouped and leftover rows, so results do not depend on the grouping.
    private static void DotRows8(in SgemmProblem p, float* x, int i, int j0, int j1)
    {
        float* b = (float*)p.B, c = (float*)p.C + i * p.Ldc;
        var j = j0;
        for (; j + 2 <= j1; j += 2)
        {
            Vector256<float> s00 = default, s01 = default, s02 = default, s03 = default;
            Vector256<float> s10 = default, s11 = default, s12 = default, s13 = default;
            var y0 = b + (nint)(j + 0) * p.Ldb;
            var y1 = b + (nint)(j + 1) * p.Ldb;
            var q = 0;
            for (; q + 32 <= p.K; q += 32)
            {
                var x0 = Vector256.Load(x + q + 0);
                var x1 = Vector256.Load(x + q + 8);
                var x2 = Vector256.Load(x + q + 16);
                var x3 = Vector256.Load(x + q + 24);
                s00 = Vector256.FusedMultiplyAdd(x0, Vector256.Load(y0 + q + 0), s00);
                s01 = Vector256.FusedMultiplyAdd(x1, Vector256.Load(y0 + q + 8), s01);
                s02 = Vector256.FusedMultiplyAdd(x2, Vector256.Load(y0 + q + 16), s02);
                s03 = Vector256.FusedMultiplyAdd(x3, Vector256.Load(y0 + q + 24), s03);
                s10 = Vector256.FusedMultiplyAdd(x0, Vector256.Load(y1 + q + 0), s10);
                s11 = Vector256.FusedMultiplyAdd(x1, Vector256.Load(y1 + q + 8), s11);
                s12 = Vector256.FusedMultiplyAdd(x2, Vector256.Load(y1 + q + 16), s12);
                s13 = Vector256.FusedMultiplyAdd(x3, Vector256.Load(y1 + q + 24), s13);
            }
            for (; q + 8 <= p.K; q += 8)
            {
                var xv = Vector256.Load(x + q);
                s00 = Vector256.FusedMultiplyAdd(xv, Vector256.Load(y0 + q), s00);
                s10 = Vector256.FusedMultiplyAdd(xv, Vector256.Load(y1 + q), s10);
            }
            var sum0 = Vector256.Sum((s00 + s01) + (s02 + s03));
            for (var t = q; t < p.K; t++) sum0 = MathF.FusedMultiplyAdd(x[t], y0[t], sum0);
            c[j + 0] = SgemmTile.Merge(sum0, c[j + 0], p.Alpha, p.Beta);
            var sum1 = Vector256.Sum((s10 + s11) + (s12 + s13));
            for (var t = q; t < p.K; t++) sum1 = MathF.FusedMultiplyAdd(x[t], y1[t], sum1);
            c[j + 1] = SgemmTile.Merge(sum1, c[j + 1], p.Alpha, p.Beta);
        }
        for (; j < j1; j++)
        {
            var y = b + (nint)j * p.Ldb;
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            var q = 0;
            for (; q + 32 <= p.K; q += 32)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.Load(x + q), Vector256.Load(y + q), s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Load(x + q + 8), Vector256.Load(y + q + 8), s1);
                s2 = Vector256.FusedMultiplyAdd(Vector256.Load(x + q + 16), Vector256.Load(y + q + 16), s2);
                s3 = Vector256.FusedMultiplyAdd(Vector256.Load(x + q + 24), Vector256.Load(y + q + 24), s3);
            }
            for (; q + 8 <= p.K; q += 8)
                s0 = Vector256.FusedMultiplyAdd(Vector256.Load(x + q), Vector256.Load(y + q), s0);
            var sum = Vector256.Sum((s0 + s1) + (s2 + s3));
            for (; q < p.K; q++) sum = MathF.FusedMultiplyAdd(x[q], y[q], sum);
            c[j] = SgemmTile.Merge(sum, c[j], p.Alpha, p.Beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8(float* c, Vector256<float> acc, float alpha, float beta)
    {
        var result = beta == 0
            ? acc * alpha
            : Vector256.FusedMultiplyAdd(Vector256.Create(alpha), acc, Vector256.Load(c) * beta);
        result.Store(c);
    }

    // C[i, j0..j1) from one row of op(A) times B (k x n, rows contiguous): 4 vectors of C per pass,
    // each element an FMA chain over ascending k, so strip width and column split do not change bits.
    // The portable paths multiply-add with MultiplyAddEstimate: fused where the CPU (or the AOT target) has
    // FMA, a multiply and an add otherwise, never the software-emulated fused form (50x slower).
    private static void RowTimesB4(in SgemmProblem p, float* aRow, nint aStep, int i, int j0, int j1)
    {
        float* b = (float*)p.B, c = (float*)p.C + i * p.Ldc;
        var j = j0;
        for (; j + 16 <= j1; j += 16)
        {
            Vector128<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
            var bp = b + j;
            for (var q = 0; q < p.K; q++, bp += p.Ldb)
            {
                var av = Vector128.Create(aRow[q * aStep]);
                acc0 = Vector128.MultiplyAddEstimate(av, Vector128.Load(bp + 0), acc0);
                acc1 = Vector128.MultiplyAddEstimate(av, Vector128.Load(bp + 4), acc1);
                acc2 = Vector128.MultiplyAddEstimate(av, Vector128.Load(bp + 8), acc2);
                acc3 = Vector128.MultiplyAddEstimate(av, Vector128.Load(bp + 12), acc3);
            }
            Store4(c + j + 0, acc0, p.Alpha, p.Beta);
            Store4(c + j + 4, acc1, p.Alpha, p.Beta);
            Store4(c + j + 8, acc2, p.Alpha, p.Beta);
            Store4(c + j + 12, acc3, p.Alpha, p.Beta);
        }
        for (; j + 4 <= j1; j += 4)
        {
            Vector128<float> acc = default;
            var bp = b + j;
            for (var q = 0; q < p.K; q++, bp += p.Ldb)
                acc = Vector128.MultiplyAddEstimate(Vector128.Create(aRow[q * aStep]), Vector128.Load(bp), acc);
            Store4(c + j, acc, p.Alpha, p.Beta);
        }
        for (; j < j1; j++)
        {
            var acc = 0f;
            var bp = b + j;
            for (var q = 0; q < p.K; q++, bp += p.Ldb) acc = float.MultiplyAddEstimate(aRow[q * aStep], *bp, acc);
            c[j] = SgemmTile.Merge(acc, c[j], p.Alpha, p.Beta);
        }
    }

    // C[i, j0..j1) = dot products of a contiguous A row with rows of B (stored n x k), 2 B rows per pass
    // sharing the A loads. Each dot product keeps 4 vector partial sums, then a fixed reduction and
    // scalar tail, the same for grouped and leftover rows, so results do not depend on the grouping.
    private static void DotRows4(in SgemmProblem p, float* x, int i, int j0, int j1)
    {
        float* b = (float*)p.B, c = (float*)p.C + i * p.Ldc;
        var j = j0;
        for (; j + 2 <= j1; j += 2)
        {
            Vector128<float> s00 = default, s01 = default, s02 = default, s03 = default;
            Vector128<float> s10 = default, s11 = default, s12 = default, s13 = default;
            var y0 = b + (nint)(j + 0) * p.Ldb;
            var y1 = b + (nint)(j + 1) * p.Ldb;
            var q = 0;
            for (; q + 16 <= p.K; q += 16)
            {
                var x0 = Vector128.Load(x + q + 0);
                var x1 = Vector128.Load(x + q + 4);
                var x2 = Vector128.Load(x + q + 8);
                var x3 = Vector128.Load(x + q + 12);
                s00 = Vector128.MultiplyAddEstimate(x0, Vector128.Load(y0 + q + 0), s00);
                s01 = Vector128.MultiplyAddEstimate(x1, Vector128.Load(y0 + q + 4), s01);
                s02 = Vector128.MultiplyAddEstimate(x2, Vector128.Load(y0 + q + 8), s02);
                s03 = Vector128.MultiplyAddEstimate(x3, Vector128.Load(y0 + q + 12), s03);
                s10 = Vector128.MultiplyAddEstimate(x0, Vector128.Load(y1 + q + 0), s10);
                s11 = Vector128.MultiplyAddEstimate(x1, Vector128.Load(y1 + q + 4), s11);
                s12 = Vector128.MultiplyAddEstimate(x2, Vector128.Load(y1 + q + 8), s12);
                s13 = Vector128.MultiplyAddEstimate(x3, Vector128.Load(y1 + q + 12), s13);
            }
            for (; q + 4 <= p.K; q += 4)
            {
                var xv = Vector128.Load(x + q);
                s00 = Vector128.MultiplyAddEstimate(xv, Vector128.Load(y0 + q), s00);
                s10 = Vector128.MultiplyAddEstimate(xv, Vector128.Load(y1 + q), s10);
            }
            var sum0 = Vector128.Sum((s00 + s01) + (s02 + s03));
            for (var t = q; t < p.K; t++) sum0 = float.MultiplyAddEstimate(x[t], y0[t], sum0);
            c[j + 0] = SgemmTile.Merge(sum0, c[j + 0], p.Alpha, p.Beta);
            var sum1 = Vector128.Sum((s10 + s11) + (s12 + s13));
            for (var t = q; t < p.K; t++) sum1 = float.MultiplyAddEstimate(x[t], y1[t], sum1);
            c[j + 1] = SgemmTile.Merge(sum1, c[j + 1], p.Alpha, p.Beta);
        }
        for (; j < j1; j++)
        {
            var y = b + (nint)j * p.Ldb;
            Vector128<float> s0 = default, s1 = default, s2 = default, s3 = default;
            var q = 0;
            for (; q + 16 <= p.K; q += 16)
            {
                s0 = Vector128.MultiplyAddEstimate(Vector128.Load(x + q), Vector128.Load(y + q), s0);
                s1 = Vector128.MultiplyAddEstimate(Vector128.Load(x + q + 4), Vector128.Load(y + q + 4), s1);
                s2 = Vector128.MultiplyAddEstimate(Vector128.Load(x + q + 8), Vector128.Load(y + q + 8), s2);
                s3 = Vector128.MultiplyAddEstimate(Vector128.Load(x + q + 12), Vector128.Load(y + q + 12), s3);
            }
            for (; q + 4 <= p.K; q += 4)
                s0 = Vector128.MultiplyAddEstimate(Vector128.Load(x + q), Vector128.Load(y + q), s0);
            var sum = Vector128.Sum((s0 + s1) + (s2 + s3));
            for (; q < p.K; q++) sum = float.MultiplyAddEstimate(x[q], y[q], sum);
            c[j] = SgemmTile.Merge(sum, c[j], p.Alpha, p.Beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(float* c, Vector128<float> acc, float alpha, float beta)
    {
        var result = beta == 0
            ? acc * alpha
            : Vector128.MultiplyAddEstimate(Vector128.Create(alpha), acc, Vector128.Load(c) * beta);
        result.Store(c);
    }
}
