using FsCheck.Xunit;

namespace Qail.Kernels.Cpu.Tests.Gemm;

/// <summary>Dgemm against a naive double loop, and threaded against single-threaded.</summary>
public sealed class DgemmTests
{
    [Property(MaxTest = 40, Replay = "(2718,28183)")]
    public void MatchesNaiveDoubleProduct(int seed)
    {
        var f = GemmCase.Random(seed, maxSize: 40);
        double[] a = Array.ConvertAll(f.A, v => (double)v), b = Array.ConvertAll(f.B, v => (double)v),
            c = Array.ConvertAll(f.C, v => (double)v);
        var actual = (double[])c.Clone();
        Dgemm.Multiply(f.TransA, f.TransB, f.M, f.N, f.K, f.Alpha, a, f.Lda, b, f.Ldb, f.Beta, actual, f.Ldc);
        for (var i = 0; i < c.Length; i++)
        {
            int row = i / f.Ldc, col = i % f.Ldc;
            if (row >= f.M || col >= f.N)
            {
                Assert.Equal(c[i], actual[i]);
                continue;
            }
            double sum = 0, magnitude = 0;
            for (var p = 0; p < f.K && f.Alpha != 0; p++)
            {
                var product = (f.TransA ? a[p * f.Lda + row] : a[row * f.Lda + p])
                    * (f.TransB ? b[col * f.Ldb + p] : b[p * f.Ldb + col]);
                sum += product;
                magnitude += Math.Abs(product);
            }
            var expected = f.Alpha * sum + (f.Beta == 0 ? 0 : f.Beta * c[i]);
            // Same bound as fp32 with the double unit roundoff: (k + 4) * 2^-51 * magnitude.
            var bound = (f.K + 4) * Math.Pow(2, -51)
                * (Math.Abs(f.Alpha) * magnitude + Math.Abs(f.Beta * (f.Beta == 0 ? 0 : c[i]))) + 1e-300;
            Assert.True(Math.Abs(actual[i] - expected) <= bound,
                $"C[{row},{col}] = {actual[i]}, expected {expected} ({f})");
        }
    }

    [Fact]
    public void ThreadedEqualsSingleThreadedBitForBit()
    {
        var f = GemmCase.Create(5, true, true, 150, 70, 60, 1.5f, -0.5f, 1);
        double[] a = Array.ConvertAll(f.A, v => (double)v), b = Array.ConvertAll(f.B, v => (double)v);
        double[] single = Array.ConvertAll(f.C, v => (double)v), threaded = (double[])single.Clone();
        KernelThreads.With(1,
            () => Dgemm.Multiply(true, true, 150, 70, 60, 1.5, a, f.Lda, b, f.Ldb, -0.5, single, f.Ldc));
        KernelThreads.With(3,
            () => Dgemm.Multiply(true, true, 150, 70, 60, 1.5, a, f.Lda, b, f.Ldb, -0.5, threaded, f.Ldc));
        Assert.Equal(single, threaded);
    }
}
