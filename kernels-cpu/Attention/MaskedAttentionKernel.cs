using System.Runtime.Intrinsics;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Fused multi-head attention over [tokens, dim] rows at inference: per head and query row,
/// softmax(q K^T * scale) V over the listed visible keys only (hidden keys take no part, which equals giving them
/// weight exactly zero). One pass per head gathers the visible keys' head slice transposed, and their value rows,
/// into scratch, so the scores of a query are broadcast-multiply-adds along the keys and the context is the
/// exp-weighted sum of contiguous value rows, divided once by the softmax denominator, e^ by <see cref="ExpPolynomial"/>. No score matrix and no allocation: the caller lends the scratch.
/// </summary>
public static class MaskedAttentionKernel
{
    // Key columns are padded to a multiple of this many lanes (four vectors of the widest path) so the score loop
    // always runs four independent accumulators.
    private const int KeyBlock = 64;

    /// <summary>Floats of scratch <see cref="Forward"/> needs for <paramref name="keys"/> visible keys.</summary>
    public static int ScratchSize(int keys, int dim, int heads) => (dim / heads + 1) * Padded(keys) + keys * (dim / heads);

    /// <summary>
    /// output[i, h*dh..] = softmax_j(scale * q[i, h*dh..] . k[keys[j], h*dh..]) weighted sum of v[keys[j], h*dh..],
    /// dh = dim / heads, for each of the queries rows of <paramref name="q"/> ([queries, dim]); <paramref name="k"/>
    /// and <paramref name="v"/> are [tokens, dim]; <paramref name="keys"/> lists the visible key rows (at least one).
    /// </summary>
    public static void Forward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int dim, int heads,
        float scale, ReadOnlySpan<int> keys, Span<float> output, Span<float> scratch)
    {
        Check(q, k, v, dim, heads, keys, output, scratch);
        switch (FloatLaneDispatch.Active)
        {
            case FloatLaneWidth.Bits512: Run<Lanes512, Vector512<float>>(q, k, v, dim, heads, scale, keys, output, scratch); break;
            case FloatLaneWidth.Bits256: Run<Lanes256, Vector256<float>>(q, k, v, dim, heads, scale, keys, output, scratch); break;
            case FloatLaneWidth.Bits128: Run<Lanes128, Vector128<float>>(q, k, v, dim, heads, scale, keys, output, scratch); break;
            default: MaskedAttentionReference.Forward(q, k, v, dim, heads, scale, keys, output, scratch[..keys.Length]); break;
        }
    }

    private static int Padded(int keys) => (keys + KeyBlock - 1) / KeyBlock * KeyBlock;

    private static void Check(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int dim, int heads,
        ReadOnlySpan<int> keys, Span<float> output, Span<float> scratch)
    {
        if (dim < 1 || heads < 1 || dim % heads != 0)
            throw new ArgumentException($"MaskedAttentionKernel: dim {dim} is not a positive multiple of heads {heads}.");
        if (q.Length % dim != 0 || k.Length % dim != 0 || v.Length != k.Length || output.Length != q.Length)
            throw new ArgumentException($"MaskedAttentionKernel: q {q.Length}, k {k.Length}, v {v.Length} and output " +
                $"{output.Length} values must be whole rows of {dim}, with k and v equal and output as q.");
        int tokens = k.Length / dim;
        if (keys.IsEmpty) throw new ArgumentException("MaskedAttentionKernel: no visible key; a softmax needs one.", nameof(keys));
        for (int j = 0; j < keys.Length; j++)
            if ((uint)keys[j] >= (uint)tokens)
                throw new ArgumentException($"MaskedAttentionKernel: key {j} is row {keys[j]}, outside 0..{tokens - 1}.", nameof(keys));
        if (scratch.Length < ScratchSize(keys.Length, dim, heads))
            throw new ArgumentException($"MaskedAttentionKernel: scratch holds {scratch.Length} floats; " +
                $"{keys.Length} keys need {ScratchSize(keys.Length, dim, heads)}.", nameof(scratch));
    }

    private static void Run<TLanes, TVector>(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        int dim, int heads, float scale, ReadOnlySpan<int> keys, Span<float> output, Span<float> scratch)
        where TLanes : IFloatLanes<TVector>
        where TVector : struct
    {
        int dh = dim / heads, n = keys.Length, padded = Padded(n), queries = q.Length / dim, w = TLanes.Count;
        var transposed = scratch[..(dh * padded)];
        var scores = scratch.Slice(dh * padded, padded);
        var values = scratch.Slice((dh + 1) * padded, n * dh);
        var scaleLanes = TLanes.Broadcast(scale);
        for (int h = 0; h < heads; h++)
        {
            int head = h * dh;
            // Visible keys' head slice as [dh, padded] (zeros past n), read along the keys by the score loop.
            for (int d = 0; d < dh; d++)
            {
                var column = transposed.Slice(d * padded, padded);
                for (int j = 0; j < n; j++) column[j] = k[keys[j] * dim + head + d];
                column[n..].Clear();
            }
            for (int j = 0; j < n; j++) v.Slice(keys[j] * dim + head, dh).CopyTo(values.Slice(j * dh, dh));
            for (int i = 0; i < queries; i++)
            {
                int row = i * dim + head;
                for (int c = 0; c < padded; c += 4 * w)
                {
                    TVector s0 = default, s1 = default, s2 = default, s3 = default;
                    for (int d = 0; d < dh; d++)
                    {
                        var qd = TLanes.Broadcast(q[row + d]);
                        int at = d * padded + c;
                        s0 = TLanes.MultiplyAdd(qd, TLanes.Load(transposed, at), s0);
                        s1 = TLanes.MultiplyAdd(qd, TLanes.Load(transposed, at + w), s1);
                        s2 = TLanes.MultiplyAdd(qd, TLanes.Load(transposed, at + 2 * w), s2);
                        s3 = TLanes.MultiplyAdd(qd, TLanes.Load(transposed, at + 3 * w), s3);
                    }
                    TLanes.Store(TLanes.Multiply(s0, scaleLanes), scores, c);
                    TLanes.Store(TLanes.Multiply(s1, scaleLanes), scores, c + w);
                    TLanes.Store(TLanes.Multiply(s2, scaleLanes), scores, c + 2 * w);
                    TLanes.Store(TLanes.Multiply(s3, scaleLanes), scores, c + 3 * w);
                }
                var weights = scores[..n];
                float sum = Exponentials<TLanes, TVector>(weights, Max<TLanes, TVector>(weights));
                WeightedValues<TLanes, TVector>(weights, values, dh, sum, output.Slice(row, dh));
            }
        }
    }

    private static float Max<TLanes, TVector>(ReadOnlySpan<float> values)
        where TLanes : IFloatLanes<TVector>
        where TVector : struct
    {
        int w = TLanes.Count, j = 0;
        float max = float.NegativeInfinity;
        if (values.Length >= w)
        {
            var lanes = TLanes.Load(values, 0);
            for (j = w; j + w <= values.Length; j += w) lanes = TLanes.Max(lanes, TLanes.Load(values, j));
            max = TLanes.MaxAcross(lanes);
        }
        for (; j < values.Length; j++) max = MathF.Max(max, values[j]);
        return max;
    }

    // weights[j] = e^(weights[j] - max); returns their sum.
    private static float Exponentials<TLanes, TVector>(Span<float> weights, float max)
        where TLanes : IFloatLanes<TVector>
        where TVector : struct
    {
        int w = TLanes.Count, j = 0;
        var maxLanes = TLanes.Broadcast(max);
        TVector sum = default;
        for (; j + w <= weights.Length; j += w)
        {
            var e = TLanes.Exp(TLanes.Subtract(TLanes.Load(weights, j), maxLanes));
            TLanes.Store(e, weights, j);
            sum = TLanes.Add(sum, e);
        }
        float total = TLanes.Sum(sum);
        for (; j < weights.Length; j++) total += weights[j] = ExpPolynomial.Scalar(weights[j] - max);
        return total;
    }

    // context[c] = sum_j weights[j] values[j, c] / sum: four accumulators along the keys per lane chunk.
    private static void WeightedValues<TLanes, TVector>(ReadOnlySpan<float> weights, ReadOnlySpan<float> values,
        int dh, float sum, Span<float> context)
        where TLanes : IFloatLanes<TVector>
        where TVector : struct
    {
        int w = TLanes.Count, n = weights.Length, c = 0;
        var inverse = TLanes.Broadcast(1f / sum);
        for (; c + w <= dh; c += w)
        {
            TVector a0 = default, a1 = default, a2 = default, a3 = default;
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                int at = j * dh + c;
                a0 = TLanes.MultiplyAdd(TLanes.Broadcast(weights[j]), TLanes.Load(values, at), a0);
                a1 = TLanes.MultiplyAdd(TLanes.Broadcast(weights[j + 1]), TLanes.Load(values, at + dh), a1);
                a2 = TLanes.MultiplyAdd(TLanes.Broadcast(weights[j + 2]), TLanes.Load(values, at + 2 * dh), a2);
                a3 = TLanes.MultiplyAdd(TLanes.Broadcast(weights[j + 3]), TLanes.Load(values, at + 3 * dh), a3);
            }
            for (; j < n; j++) a0 = TLanes.MultiplyAdd(TLanes.Broadcast(weights[j]), TLanes.Load(values, j * dh + c), a0);
            var total = TLanes.Add(TLanes.Add(a0, a1), TLanes.Add(a2, a3));
            TLanes.Store(TLanes.Multiply(total, inverse), context, c);
        }
        float scalarInverse = 1f / sum;
        for (; c < dh; c++)
        {
            float total = 0;
            for (int j = 0; j < n; j++) total = MathF.FusedMultiplyAdd(weights[j], values[j * dh + c], total);
            context[c] = total * scalarInverse;
        }
    }
}
