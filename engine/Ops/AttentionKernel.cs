using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Qail.Kernels.Cpu;

namespace Qail.Engine;

/// <summary>
/// Scaled dot-product attention over head slices of [B, T, H * dh] rows, forward and backward, without splitting
/// the heads into their own tensors: per (batch, head) the GEMM reads q, k, v in place (leading dimension H * dh),
/// scores and weights live in one [T, T] block, softmax(scale q k^T + mask) v. Hidden keys (causal, padding) get
/// weight exactly 0; a query whose keys are all hidden attends uniformly (and its scores get no gradient).
/// </summary>
internal static class AttentionKernel
{
    /// <summary>The shapes and the mask of one call.</summary>
    public readonly record struct Layout(int Batch, int Tokens, int Heads, int HeadDim, bool Causal, bool[]? Padded)
    {
        public int Width => Heads * HeadDim;

        public int Head(int b, int h) => b * Tokens * Width + h * HeadDim;

        public bool Hidden(int b, int i, int j) => (Causal && j > i) || (Padded is not null && Padded[b * Tokens + j]);
    }

    /// <summary>o = p v with p = softmax(scale q k^T + mask) stored in <paramref name="p"/> [B, H, T, T].</summary>
    public static void Forward<T>(ReadOnlySpan<T> q, ReadOnlySpan<T> k, ReadOnlySpan<T> v, Layout l, T scale,
        Span<T> p, Span<T> o) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = l.Tokens, dh = l.HeadDim, d = l.Width;
        if (n == 0 || dh == 0) return;
        for (int b = 0; b < l.Batch; b++)
        for (int h = 0; h < l.Heads; h++)
        {
            int at = l.Head(b, h);
            var weights = p.Slice((b * l.Heads + h) * n * n, n * n);
            Gemm(false, true, n, n, dh, scale, q[at..], d, k[at..], d, weights, n);
            for (int i = 0; i < n; i++) Softmax(weights.Slice(i * n, n), l, b, i);
            Gemm(false, false, n, dh, n, T.One, weights, n, v[at..], d, o[at..], d);
        }
    }

    /// <summary>
    /// dv = p^T g, ds = p (g v^T - rowsum(p g v^T)) scale, dq = ds k, dk = ds^T q, per (batch, head).
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> q, ReadOnlySpan<T> k, ReadOnlySpan<T> v,
        ReadOnlySpan<T> p, Layout l, T scale, Span<T> dq, Span<T> dk, Span<T> dv)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = l.Tokens, dh = l.HeadDim, d = l.Width;
        if (n == 0 || dh == 0) return;
        var ds = new T[n * n];
        for (int b = 0; b < l.Batch; b++)
        for (int h = 0; h < l.Heads; h++)
        {
            int at = l.Head(b, h);
            var weights = p.Slice((b * l.Heads + h) * n * n, n * n);
            Gemm(true, false, n, dh, n, T.One, weights, n, g[at..], d, dv[at..], d);
            Gemm(false, true, n, n, dh, T.One, g[at..], d, v[at..], d, ds, n);
            for (int i = 0; i < n; i++)
            {
                var row = ds.AsSpan(i * n, n);
                var w = weights.Slice(i * n, n);
                if (AllHidden(l, b, i))
                {
                    row.Clear();
                    continue;
                }
                // ds = w (dp - sum(w dp)) scale; hidden keys have w = 0 exactly.
                T weighted = TensorPrimitives.Dot<T>(w, row);
                TensorPrimitives.Subtract<T>(row, weighted, row);
                TensorPrimitives.Multiply<T>(row, w, row);
                TensorPrimitives.Multiply<T>(row, scale, row);
            }
            Gemm(false, false, n, dh, n, T.One, ds, n, k[at..], d, dq[at..], d);
            Gemm(true, false, n, dh, n, T.One, ds, n, q[at..], d, dk[at..], d);
        }
    }

    private static void Softmax<T>(Span<T> row, Layout l, int b, int i) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = T.NegativeInfinity;
        bool any = false;
        for (int j = 0; j < row.Length; j++)
        {
            if (l.Hidden(b, i, j)) row[j] = T.NegativeInfinity;
            else
            {
                any = true;
                if (row[j] > max) max = row[j];
            }
        }
        if (!any)
        {
            row.Fill(T.One / T.CreateTruncating(row.Length));
            return;
        }
        // exp(-inf - max) = 0: hidden keys drop out of the sum exactly.
        TensorPrimitives.Subtract(row, max, row);
        TensorPrimitives.Exp(row, row);
        TensorPrimitives.Divide(row, TensorPrimitives.Sum<T>(row), row);
    }

    private static bool AllHidden(Layout l, int b, int i)
    {
        for (int j = 0; j < l.Tokens; j++)
            if (!l.Hidden(b, i, j)) return false;
        return true;
    }

    // C (m x n, ldc) = alpha op(A) op(B) on the float or double GEMM; operands are views into strided rows.
    private static void Gemm<T>(bool transA, bool transB, int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int cLength = (m - 1) * ldc + n;
        if (typeof(T) == typeof(float))
        {
            Sgemm.Multiply(transA, transB, m, n, k, float.CreateTruncating(alpha), MemoryMarshal.Cast<T, float>(a),
                lda, MemoryMarshal.Cast<T, float>(b), ldb, 0f, MemoryMarshal.Cast<T, float>(c)[..cLength], ldc);
        }
        else
        {
            Dgemm.Multiply(transA, transB, m, n, k, double.CreateTruncating(alpha), MemoryMarshal.Cast<T, double>(a),
                lda, MemoryMarshal.Cast<T, double>(b), ldb, 0.0, MemoryMarshal.Cast<T, double>(c)[..cLength], ldc);
        }
    }
}
