using Qail.Kernels.Cpu;
using Qail.Perf.Peers;

namespace Qail.Perf.Gemm;

/// <summary>fp32 GEMM against OpenBLAS cblas_sgemm: square problems and policy-layer shapes.</summary>
internal static class SgemmPeers
{
    /// <summary>C = A*B, square n x n x n, for each size and thread count.</summary>
    public static IEnumerable<PeerComparison> Square(int[] sizes, int[] threads) =>
        from t in threads
        from s in sizes
        select Comparison($"sgemm {s}^3 t{t}", t, false, s, s, s);

    /// <summary>
    /// Linear layers y = x*W^T (W stored out x in, the usual weight layout) and y = x*W (W stored in x out),
    /// batch x width x width, for each thread count.
    /// </summary>
    public static IEnumerable<PeerComparison> Policy(int[] batches, int[] widths, int[] threads) =>
        from t in threads
        from b in batches
        from w in widths
        from transB in new[] { true, false }
        select Comparison($"policy b{b} {w}x{w} {(transB ? "xWt" : "xW")} t{t}", t, transB, b, w, w);

    private static PeerComparison Comparison(string name, int threads, bool transB, int m, int n, int k) =>
        new(name, "OpenBLAS", 2.0 * m * n * k, () =>
        {
            var random = new Random(12345);
            float[] a = Fill(random, m * k), b = Fill(random, k * n), ours = new float[m * n], peer = new float[m * n];
            var ldb = transB ? k : n;
            // Both settings are process-wide and independent; set once, outside timing.
            KernelThreads.Count = threads;
            OpenBlas.Threads(threads);
            return new PeerPair(
                () => Sgemm.Multiply(false, transB, m, n, k, 1f, a, k, b, ldb, 0f, ours, n),
                () => OpenBlas.Sgemm(false, transB, m, n, k, 1f, a, k, b, ldb, 0f, peer, n));
        });

    private static float[] Fill(Random random, int length)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
