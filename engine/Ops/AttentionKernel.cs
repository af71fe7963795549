using System.Numerics;
using System.Numerics.Tensors;

namespace Qail.Engine;

/// <summary>
/// Scaled dot-product attention over head slices of [B, T, H * dh] rows, forward and backward, without splitting
/// the heads into their own tensors: softmax(scale q k^T + mask) v per (batch, head). Hidden keys (causal, padding)
/// get weight exactly 0 and are skipped; a query whose keys are all hidden attends uniformly (no score gradient).
/// </summary>
internal static class AttentionKernel
{
    /// <summary>The shapes and the mask of one call.</summary>
    public readonly record struct Layout(int Batch, int Tokens, int Heads, int HeadDim, bool Causal, bool[]? Padded)
    {
        public int Width => Heads * HeadDim;

        public int Row(int b, int t, int h) => (b * Tokens + t) * Width + h * HeadDim;

        public bool Hidden(int b, int i, int j) => (Causal && j > i) || (Padded is not null && Padded[b * Tokens + j]);

        public bool AllHidden(int b, int i)
        {
            for (int j = 0; j < Tokens; j++)
                if (!Hidden(b, i, j)) return false;
            return true;
        }
    }

    /// <summary>o = p v with p = softmax(scale q k^T + mask) stored in <paramref name="p"/> [B, H, T, T].</summary>
    public static void Forward<T>(ReadOnlySpan<T> q, ReadOnlySpan<T> k, ReadOnlySpan<T> v, Layout l, T scale,
        Span<T> p, Span<T> o) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = l.Tokens, dh = l.HeadDim;
        for (int b = 0; b < l.Batch; b++)
        for (int h = 0; h < l.Heads; h++)
        for (int i = 0; i < n; i++)
        {
            var weights = p.Slice(((b * l.Heads + h) * n + i) * n, n);
            var query = q.Slice(l.Row(b, i, h), dh);
            T max = T.NegativeInfinity;
            bool any = false;
            for (int j = 0; j < n; j++)
            {
                if (l.Hidden(b, i, j))
                {
                    weights[j] = T.NegativeInfinity;
                    continue;
                }
                T s = scale * TensorPrimitives.Dot(query, k.Slice(l.Row(b, j, h), dh));
                weights[j] = s;
                any = true;
                if (s > max) max = s;
            }
            if (!any) weights.Fill(T.One / T.CreateTruncating(n));
            else
            {
                // exp(-inf - max) = 0: hidden keys drop out of the sum exactly.
                TensorPrimitives.Subtract(weights, max, weights);
                TensorPrimitives.Exp(weights, weights);
                TensorPrimitives.Divide(weights, TensorPrimitives.Sum<T>(weights), weights);
            }
            var output = o.Slice(l.Row(b, i, h), dh);
            output.Clear();
            for (int j = 0; j < n; j++)
                if (weights[j] != T.Zero) TensorPrimitives.MultiplyAdd(v.Slice(l.Row(b, j, h), dh), weights[j], output, output);
        }
    }

    /// <summary>
    /// dv = p^T g, ds = p (g v^T - rowsum(p g v^T)), dq = scale ds k, dk = scale ds^T q; the outputs start zeroed.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> q, ReadOnlySpan<T> k, ReadOnlySpan<T> v,
        ReadOnlySpan<T> p, Layout l, T scale, Span<T> dq, Span<T> dk, Span<T> dv)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = l.Tokens, dh = l.HeadDim;
        Span<T> ds = n <= 256 ? stackalloc T[n] : new T[n];
        for (int b = 0; b < l.Batch; b++)
        for (int h = 0; h < l.Heads; h++)
        for (int i = 0; i < n; i++)
        {
            var weights = p.Slice(((b * l.Heads + h) * n + i) * n, n);
            var grad = g.Slice(l.Row(b, i, h), dh);
            T weighted = T.Zero;
            for (int j = 0; j < n; j++)
            {
                T w = weights[j];
                if (w == T.Zero)
                {
                    ds[j] = T.Zero;
                    continue;
                }
                int row = l.Row(b, j, h);
                var dvRow = dv.Slice(row, dh);
                TensorPrimitives.MultiplyAdd(grad, w, dvRow, dvRow);
                ds[j] = TensorPrimitives.Dot(grad, v.Slice(row, dh));
                weighted += w * ds[j];
            }
            // A query with every key hidden has constant (uniform) weights: no gradient reaches its scores.
            if (l.AllHidden(b, i)) continue;
            var query = q.Slice(l.Row(b, i, h), dh);
            var dqRow = dq.Slice(l.Row(b, i, h), dh);
            for (int j = 0; j < n; j++)
            {
                if (weights[j] == T.Zero) continue;
                T s = weights[j] * (ds[j] - weighted) * scale;
                int row = l.Row(b, j, h);
                TensorPrimitives.MultiplyAdd(k.Slice(row, dh), s, dqRow, dqRow);
                var dkRow = dk.Slice(row, dh);
                TensorPrimitives.MultiplyAdd(query, s, dkRow, dkRow);
            }
        }
    }
}
