namespace Qail.Kernels.Cpu;

/// <summary>
/// Scalar reference for <see cref="Sgemm"/>: each element is accumulated in double and rounded once,
/// so it is the yardstick the SIMD paths are tested against.
/// </summary>
public static class SgemmReference
{
    /// <summary>C = alpha*op(A)*op(B) + beta*C, row-major; same contract as <see cref="Sgemm.Multiply"/>.</summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArguments.Validate("SgemmReference.Multiply", transA, transB, m, n, k, a.Length, lda, b.Length, ldb,
            c.Length, ldc);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = 0;
                if (alpha != 0)
                {
                    for (var p = 0; p < k; p++)
                    {
                        var av = transA ? a[p * lda + i] : a[i * lda + p];
                        var bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                        sum += (double)av * bv;
                    }
                }
                // beta == 0 overwrites C without reading it (BLAS semantics: NaN in C is ignored).
                var scaled = beta == 0 ? 0 : (double)beta * c[i * ldc + j];
                c[i * ldc + j] = (float)((double)alpha * sum + scaled);
            }
        }
    }
}
