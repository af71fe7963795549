using System.Numerics.Tensors;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Double-precision GEMM for the engine's float64 path (gradient checking): C = alpha*op(A)*op(B) + beta*C,
/// row-major, same contract as <see cref="Sgemm.Multiply"/>. Row-wise and vectorised (FMA over rows of
/// op(B)), split by rows of C across <see cref="KernelThreads.Count"/> threads; not cache-blocked.
/// </summary>
public static unsafe class Dgemm
{
    private const long ThreadingThreshold = 1L << 18;

    /// <summary>
    /// C (m x n, ldc) = alpha * op(A) (m x k) * op(B) (k x n) + beta * C; beta == 0 ignores C's contents.
    /// </summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        GemmArguments.Validate("Dgemm.Multiply", transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        // op(B) as k rows of n contiguous values, so each step is one vector FMA over a row of C.
        double[]? transposed = null;
        var bRowStride = ldb;
        if (transB && k > 0 && alpha != 0)
        {
            transposed = new double[(long)k * n];
            for (var j = 0; j < n; j++)
            {
                for (var p = 0; p < k; p++) transposed[p * n + j] = b[j * ldb + p];
            }
            bRowStride = n;
        }
        fixed (double* pa = a, pb = b, pt = transposed, pc = c)
        {
            nint aPtr = (nint)pa, bPtr = transposed is null ? (nint)pb : (nint)pt, cPtr = (nint)pc;
            var useProduct = k > 0 && alpha != 0;
            var work = (long)m * n * k;
            var parts = work < ThreadingThreshold ? 1 : Math.Min(KernelThreads.Count, m);
            WorkerPool.Run(parts, part =>
            {
                int first = (int)((long)m * part / parts), last = (int)((long)m * (part + 1) / parts);
                var acc = new double[n];
                for (var i = first; i < last; i++)
                {
                    var cRow = new Span<double>((double*)cPtr + (nint)i * ldc, n);
                    if (!useProduct)
                    {
                        if (beta == 0) cRow.Clear();
                        else if (beta != 1) TensorPrimitives.Multiply(cRow, beta, cRow);
                        continue;
                    }
                    Array.Clear(acc);
                    for (var p = 0; p < k; p++)
                    {
                        var av = transA ? ((double*)aPtr)[(nint)p * lda + i] : ((double*)aPtr)[(nint)i * lda + p];
                        var bRow = new ReadOnlySpan<double>((double*)bPtr + (nint)p * bRowStride, n);
                        TensorPrimitives.FusedMultiplyAdd(bRow, av, acc, acc);
                    }
                    // beta == 0 overwrites C without reading it (BLAS semantics: NaN in C is ignored).
                    if (beta == 0) TensorPrimitives.Multiply(acc, alpha, cRow);
                    else
                    {
                        TensorPrimitives.Multiply(cRow, beta, cRow);
                        TensorPrimitives.FusedMultiplyAdd(acc, alpha, cRow, cRow);
                    }
                }
            });
        }
    }
}
