using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Qail.Kernels.Cpu;

/// <summary>
/// The cache-blocked GEMM loop nest around one micro-kernel (GotoBLAS / BLIS order): for each Mc x Kc
/// block of A (packed once), for each Kc x Nc block of B (packed, kept in L2), run Mr x Nr tiles.
/// A split call partitions C into whole tiles and never splits k, so every element is summed in the
/// same order whatever the thread count: threaded and single-threaded results are identical.
/// </summary>
internal static unsafe class SgemmDriver<TKernel> where TKernel : struct, ISgemmMicroKernel
{
    /// <summary>Below this many multiply-adds a call stays on the caller's thread (wake-up costs more).</summary>
    private const long ThreadingThreshold = 1L << 20;

    /// <summary>Largest untransposed B (in floats, 1 MiB) read in place instead of packed: it stays in L2/L3.</summary>
    private const long DirectBLimit = 1L << 18;

    [ThreadStatic] private static float[]? _packA;
    [ThreadStatic] private static float[]? _packB;

    /// <summary>Computes the problem with up to <paramref name="threads"/> threads.</summary>
    public static void Run(SgemmProblem problem, int threads)
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        int tilesM = (problem.M + mr - 1) / mr, tilesN = (problem.N + nr - 1) / nr;
        var work = (long)problem.M * problem.N * problem.K;
        var splitRows = tilesM >= tilesN;
        var parts = work < ThreadingThreshold ? 1 : Math.Min(threads, splitRows ? tilesM : tilesN);
        WorkerPool.Run(parts, new Job(problem, splitRows, splitRows ? tilesM : tilesN));
    }

    // Part i computes whole tiles [first, last) of C's rows or of its columns.
    private readonly struct Job(SgemmProblem problem, bool splitRows, int tiles) : IPartitionedJob
    {
        public void Part(int part, int parts)
        {
            int mr = TKernel.Mr, nr = TKernel.Nr;
            int first = (int)((long)tiles * part / parts), last = (int)((long)tiles * (part + 1) / parts);
            if (splitRows) Compute(problem, first * mr, Math.Min(problem.M, last * mr), 0, problem.N);
            else Compute(problem, 0, problem.M, first * nr, Math.Min(problem.N, last * nr));
        }
    }

    private static void Compute(in SgemmProblem p, int m0, int m1, int n0, int n1)
    {
        int mr = TKernel.Mr, nr = TKernel.Nr, kcMax = TKernel.Kc;
        var packA = Scratch(ref _packA, TKernel.Mc * kcMax);
        var packB = Scratch(ref _packB, TKernel.Nc * kcMax);
        var tile = stackalloc float[mr * nr];
        float* a = (float*)p.A, b = (float*)p.B, c = (float*)p.C;
        // Untransposed B can feed the kernel in place (its rows are the panel rows, stride ldb) when it is
        // small or barely reused (few rows of A): packing would then cost as much as the product.
        var directB = !p.TransB && (p.M <= 2 * mr || (long)p.K * p.N <= DirectBLimit);
        for (var ic = m0; ic < m1; ic += TKernel.Mc)
        {
            var mc = Math.Min(TKernel.Mc, m1 - ic);
            for (var pc = 0; pc < p.K; pc += kcMax)
            {
                var kc = Math.Min(kcMax, p.K - pc);
                // The first k block applies the caller's beta; later blocks add onto it.
                var beta = pc == 0 ? p.Beta : 1f;
                SgemmPacking.PackA(p.TransA, a, p.Lda, ic, pc, mc, kc, mr, packA, TKernel.AvxPacking);
                for (var jc = n0; jc < n1; jc += TKernel.Nc)
                {
                    var nc = Math.Min(TKernel.Nc, n1 - jc);
                    var fullNc = nc - nc % nr;
                    // In place, only a ragged last panel is packed (zero-padded), at the buffer's start.
                    if (!directB) SgemmPacking.PackB(p.TransB, b, p.Ldb, pc, jc, kc, nc, nr, packB, TKernel.AvxPacking);
                    else if (fullNc < nc)
                        SgemmPacking.PackB(false, b, p.Ldb, pc, jc + fullNc, kc, nc - fullNc, nr, packB,
                            TKernel.AvxPacking);
                    for (var ir = 0; ir < mc; ir += mr)
                    {
                        var rows = Math.Min(mr, mc - ir);
                        var aPanel = packA + (nint)ir * kc;
                        var cRow = c + (ic + ir) * p.Ldc + jc;
                        for (var jr = 0; jr < nc; jr += nr)
                        {
                            var cols = Math.Min(nr, nc - jr);
                            var inPlace = directB && jr < fullNc;
                            var bPanel = inPlace ? b + pc * p.Ldb + jc + jr : directB ? packB : packB + (nint)jr * kc;
                            var bStride = inPlace ? p.Ldb : nr;
                            if (rows == mr && cols == nr)
                            {
                                TKernel.Run(kc, aPanel, bPanel, bStride, cRow + jr, p.Ldc, p.Alpha, beta);
                            }
                            else
                            {
                                TKernel.Run(kc, aPanel, bPanel, bStride, tile, nr, 1f, 0f);
                                SgemmTile.MergeEdge(tile, nr, cRow + jr, p.Ldc, rows, cols, p.Alpha, beta);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>This thread's pinned packing buffer, 64-byte aligned, grown on first use.</summary>
    private static float* Scratch(ref float[]? buffer, int length)
    {
        const int alignFloats = 16;
        if (buffer is null || buffer.Length < length + alignFloats)
            buffer = GC.AllocateUninitializedArray<float>(length + alignFloats, pinned: true);
        var start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)((start + 63) & ~(nint)63);
    }
}
