namespace Qail.Kernels.Cpu;

/// <summary>
/// Argument checks shared by every GEMM entry point (row-major, BLAS conventions): op(A) is m x k,
/// op(B) is k x n, C is m x n, and each leading dimension is at least the stored row length.
/// </summary>
internal static class GemmArguments
{
    /// <summary>Throws an ArgumentException naming the first bad argument.</summary>
    public static void Validate(string op, bool transA, bool transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), m, $"{op}: m must be >= 0.");
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, $"{op}: n must be >= 0.");
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, $"{op}: k must be >= 0.");
        // Stored shapes: A is m x k (k x m when transposed), B is k x n (n x k when transposed).
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        CheckMatrix(op, "a", "lda", aRows, aCols, aLength, lda, transA ? "k x m (transA)" : "m x k");
        CheckMatrix(op, "b", "ldb", bRows, bCols, bLength, ldb, transB ? "n x k (transB)" : "k x n");
        CheckMatrix(op, "c", "ldc", m, n, cLength, ldc, "m x n");
    }

    private static void CheckMatrix(string op, string name, string ldName, int rows, int cols, int length, int ld,
        string shape)
    {
        if (ld < Math.Max(1, cols))
            throw new ArgumentOutOfRangeException(ldName, ld,
                $"{op}: {ldName} = {ld} must be >= max(1, {cols}), the row length of {name} ({shape} = {rows} "
                + $"x {cols}).");
        long needed = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException(
                $"{op}: {name} has {length} elements but {name} ({shape} = {rows} x {cols}, {ldName} = {ld}) needs "
                + $"{needed}.", name);
    }
}
