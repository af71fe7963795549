namespace Qail.Kernels.Cpu;

/// <summary>
/// Single-precision GEMM, C = alpha*op(A)*op(B) + beta*C, row-major with leading dimensions (BLAS sgemm
/// semantics). Packed, cache-blocked, register-blocked per instruction set and multithreaded on
/// <see cref="KernelThreads.Count"/> threads with a fixed partition (results do not depend on it).
/// </summary>
public static unsafe class Sgemm
{
    /// <summary>
    /// C (m x n, ldc) = alpha * op(A) (m x k) * op(B) (k x n) + beta * C. op(A) = A^T when
    /// <paramref name="transA"/> (A stored k x m). With beta == 0, C is not read (NaNs in it are ignored).
    /// </summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArguments.Validate("Sgemm.Multiply", transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }
        var isa = KernelDispatch.Active;
        var threads = KernelThreads.Count;
        fixed (float* pa = a, pb = b, pc = c)
        {
            var problem = new SgemmProblem(transA, transB, m, n, k, alpha, (nint)pa, lda, (nint)pb, ldb,
                beta, (nint)pc, ldc);
            if (SgemmSmallM.Applies(problem)) SgemmSmallM.Run(problem, isa, threads);
            else KernelTable.For(isa).Sgemm.Run(problem, threads);
        }
    }

    /// <summary>The micro-kernel tile (rows x columns) the active path uses, for logs and benchmarks.</summary>
    public static string DescribeKernel() => KernelTable.Active.Sgemm.Name;

    // alpha == 0 or k == 0: A and B are not read; beta == 0 overwrites C (NaNs ignored).
    private static void ScaleC(int m, int n, float beta, Span<float> c, int ldc)
    {
        for (var i = 0; i < m; i++)
        {
            var row = c.Slice(i * ldc, n);
            if (beta == 0) row.Clear();
            else if (beta != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }
}
