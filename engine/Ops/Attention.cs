using System.Numerics;

namespace Qail.Engine;

public sealed partial class Tensor
{
    /// <summary>
    /// Multi-head scaled dot-product attention in one pass per query: q, k, v are [B, T, H * dh] (heads side by side
    /// in the last dimension, as the projections produce them), the result is softmax(q k^T / sqrt(dh) + mask) v per
    /// head in the same layout. The mask hides keys j &gt; i when <paramref name="causal"/> and the keys where
    /// <paramref name="keyPaddingMask"/> [B, T] (integer, non-zero = padding) is set; hidden keys get weight exactly 0
    /// and a query whose keys are all hidden attends uniformly. <paramref name="weights"/> [B, H, T, T] holds the
    /// attention weights for <see cref="ScaledDotProductAttentionBackward"/>.
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, int heads, bool causal,
        Tensor? keyPaddingMask, out Tensor weights)
    {
        var layout = AttentionLayout(nameof(ScaledDotProductAttention), query, key, value, heads, causal,
            keyPaddingMask);
        var (q, k, v) = (query.Contiguous(), key.Contiguous(), value.Contiguous());
        var output = Zeros(q.ShapeSpan, q.DType);
        weights = Zeros([layout.Batch, heads, layout.Tokens, layout.Tokens], q.DType);
        if (q.DType == DType.Float32)
        {
            AttentionKernel.Forward<float>(q.AsSpan<float>(), k.AsSpan<float>(), v.AsSpan<float>(), layout,
                AttentionScale<float>(layout), weights.AsSpan<float>(), output.AsSpan<float>());
        }
        else
        {
            AttentionKernel.Forward<double>(q.AsSpan<double>(), k.AsSpan<double>(), v.AsSpan<double>(), layout,
                AttentionScale<double>(layout), weights.AsSpan<double>(), output.AsSpan<double>());
        }
        return output;
    }

    /// <summary>
    /// Gradients of <see cref="ScaledDotProductAttention"/> with respect to query, key and value, from the upstream
    /// gradient and the weights the forward pass returned (same heads and mask).
    /// </summary>
    public static (Tensor Query, Tensor Key, Tensor Value) ScaledDotProductAttentionBackward(Tensor gradOutput,
        Tensor query, Tensor key, Tensor value, Tensor weights, int heads, bool causal, Tensor? keyPaddingMask)
    {
        const string op = nameof(ScaledDotProductAttentionBackward);
        ArgumentNullException.ThrowIfNull(gradOutput);
        ArgumentNullException.ThrowIfNull(weights);
        var layout = AttentionLayout(op, query, key, value, heads, causal, keyPaddingMask);
        gradOutput.HostStorage(op);
        weights.HostStorage(op);
        CheckSameDType(op, query, gradOutput);
        CheckSameDType(op, query, weights);
        if (!Shapes.Equal(gradOutput.ShapeSpan, query.ShapeSpan)
            || !Shapes.Equal(weights.ShapeSpan, [layout.Batch, heads, layout.Tokens, layout.Tokens]))
        {
            throw new ArgumentException($"{op}: gradOutput {Shapes.Format(gradOutput.ShapeSpan)} must equal the query "
                + $"shape and weights {Shapes.Format(weights.ShapeSpan)} be [{layout.Batch}, {heads}, {layout.Tokens}, "
                + $"{layout.Tokens}].");
        }
        var (g, q, k, v, p) = (gradOutput.Contiguous(), query.Contiguous(), key.Contiguous(), value.Contiguous(),
            weights.Contiguous());
        var (dq, dk, dv) = (Zeros(q.ShapeSpan, q.DType), Zeros(q.ShapeSpan, q.DType), Zeros(q.ShapeSpan, q.DType));
        if (q.DType == DType.Float32)
        {
            AttentionKernel.Backward<float>(g.AsSpan<float>(), q.AsSpan<float>(), k.AsSpan<float>(), v.AsSpan<float>(),
                p.AsSpan<float>(), layout, AttentionScale<float>(layout), dq.AsSpan<float>(), dk.AsSpan<float>(),
                dv.AsSpan<float>());
        }
        else
        {
            AttentionKernel.Backward<double>(g.AsSpan<double>(), q.AsSpan<double>(), k.AsSpan<double>(),
                v.AsSpan<double>(), p.AsSpan<double>(), layout, AttentionScale<double>(layout), dq.AsSpan<double>(),
                dk.AsSpan<double>(), dv.AsSpan<double>());
        }
        return (dq, dk, dv);
    }

    private static T AttentionScale<T>(AttentionKernel.Layout layout) where T : IFloatingPointIeee754<T> =>
        T.CreateTruncating(1.0 / Math.Sqrt(layout.HeadDim));

    private static AttentionKernel.Layout AttentionLayout(string op, Tensor query, Tensor key, Tensor value, int heads,
        bool causal, Tensor? keyPaddingMask)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        foreach (var operand in new[] { query, key, value }) operand.HostStorage(op);
        query.RequireFloat(op);
        CheckSameDType(op, query, key);
        CheckSameDType(op, query, value);
        if (query.Rank != 3 || !Shapes.Equal(key.ShapeSpan, query.ShapeSpan)
            || !Shapes.Equal(value.ShapeSpan, query.ShapeSpan))
        {
            throw new ArgumentException($"{op}: query {Shapes.Format(query.ShapeSpan)}, key "
                + $"{Shapes.Format(key.ShapeSpan)} and value {Shapes.Format(value.ShapeSpan)} must all be [B, T, D].");
        }
        int b = query.Size(0), t = query.Size(1), d = query.Size(2);
        if (heads <= 0 || d % heads != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(heads), heads,
                $"{op}: width {d} must be a positive multiple of heads.");
        }
        bool[]? padded = null;
        if (keyPaddingMask is not null)
        {
            keyPaddingMask.HostStorage(op);
            if (keyPaddingMask.DType.IsFloatingPoint() || !Shapes.Equal(keyPaddingMask.ShapeSpan, [b, t]))
            {
                throw new ArgumentException($"{op}: key padding mask {keyPaddingMask} must be integer [{b}, {t}].",
                    nameof(keyPaddingMask));
            }
            padded = Array.ConvertAll(keyPaddingMask.ToDoubleArray(), x => x != 0);
        }
        return new AttentionKernel.Layout(b, t, heads, d / heads, causal, padded);
    }
}
