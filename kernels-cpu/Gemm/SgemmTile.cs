using System.Runtime.CompilerServices;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Edge tiles of C: the micro-kernel writes a full Mr x Nr tile into a scratch buffer, then only the
/// rows and columns inside C are merged, with the same rounding as the kernels' vector store.
/// </summary>
internal static unsafe class SgemmTile
{
    /// <summary>alpha*acc when beta == 0 (C not read, NaN ignored), else alpha*acc + beta*c, fused where the
    /// target has FMA (as the vector stores are).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Merge(float acc, float c, float alpha, float beta) =>
        beta == 0 ? acc * alpha : float.MultiplyAddEstimate(alpha, acc, c * beta);

    /// <summary>Merges the top-left rows x cols of an accumulated tile (row stride nr) into C.</summary>
    public static void MergeEdge(float* tile, int nr, float* c, nint ldc, int rows, int cols, float alpha, float beta)
    {
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++) c[i * ldc + j] = Merge(tile[i * nr + j], c[i * ldc + j], alpha, beta);
        }
    }
}
