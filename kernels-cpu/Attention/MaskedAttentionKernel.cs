using System.Runtime.Intrinsics;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Fused multi-head attention over [tokens, dim] rows at inference: per head and query row,
/// softmax(q K^T * scale) V over the listed visible keys only (hidden keys take no part, which equals giving them
/// weight exactly zero). One pass per head gathers the visible keys' head slice transposed, and their value rows,
/// into scratch, so the scores of a query are broadcast-multiply-adds along the keys and the context is the
/// exp-weighted sum of contiguous value rows, divided once by the softmax denominator, e^ by
/// <see cref="ExpPolynomial"/>. Heads split over <see cref="KernelThreads.Count"/> threads when the scores are many.
/// No score matrix and no allocation once warm: the caller lends the scratch (workers keep their own).
/// </summary>
public static class MaskedAttentionKernel
{
    // Key columns are padded to a multiple of this many lanes (four vectors of the widest path) so the score loop
    // always runs four independent accumulators.
    private const int KeyBlock = 64;

    /// <summary>Floats of scratch <see cref="Forward"/> needs for <paramref name="keys"/> visible keys.</summary>
    public static int ScratchSize(int keys, int dim, int heads) =>
        (dim / heads + 2) * Padded(keys) + keys * (dim / heads);

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
            case FloatLaneWidth.Bits512:
                Run<Lanes512, Vector512<float>>(q, k, v, dim, heads, scale, keys, output, scratch);
                break;
            case FloatLaneWidth.Bits256:
                Run<Lanes256, Vector256<float>>(q, k, v, dim, heads, scale, keys, output, scratch);
                break;
            case FloatLaneWidth.Bits128:
                Run<Lanes128, Vector128<float>>(q, k, v, dim, heads, scale, keys, output, scratch);
                break;
            default:
                MaskedAttentionReference.Forward(q, k, v, dim, heads, scale, keys, output, scratch[..keys.Length]);
                break;
        }
    }

    private static int Padded(int keys) => (keys + KeyBlock - 1) / KeyBlock * KeyBlock;

    private static void Check(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int dim, int heads,
        ReadOnlySpan<int> keys, Span<float> output, Span<float> scratch)
    {
        if (dim < 1 || heads < 1 || dim % heads != 0)
            throw new ArgumentException($"MaskedAttentionKernel: dim {dim} is not a positive multiple of heads {heads}",
                nameof(dim));
        if (q.Length % dim != 0 || k.Length % dim != 0 || v.Length != k.Length || output.Length != q.Length)
            throw new ArgumentException($"MaskedAttentionKernel: q {q.Length}, k {k.Length}, v {v.Length} and output " +
                $"{output.Length} values must be whole rows of {dim}, with k and v equal and output as q.");
        int tokens = k.Length / dim;
        if (keys.IsEmpty)
            throw new ArgumentException("MaskedAttentionKernel: no visible key; a softmax needs one.", nameof(keys));
        for (int j = 0; j < keys.Length; j++)
            if ((uint)keys[j] >= (uint)tokens)
                throw new ArgumentException($"MaskedAttentionKernel: key {j} is row {keys[j]}, outside 0..{tokens - 1}",
                    nameof(keys));
        if (scratch.Length < ScratchSize(keys.Length, dim, heads))
            throw new ArgumentException($"MaskedAttentionKernel: scratch holds {scratch.Length} floats; " +
                $"{keys.Length} keys need {ScratchSize(keys.Length, dim, heads)}.", nameof(scratch));
    }

    private static unsafe void Run<TLanes, TVector>(ReadOnlySpan<float> q, ReadOnlySpan<float> k,
        ReadOnlySpan<float> v, int dim, int heads, float scale, ReadOnlySpan<int> keys, Span<float> output,
        Span<float> scratch)
        where TLanes : IFloatLanes<TVector>
        where TVector : struct
    {
        int n = keys.Length, queries = q.Length / dim;
        fixed (float* qBase = q, kBase = k, vBase = v, outBase = output, scratchBase = scratch)
        fixed (int* keyRows = keys)
        {
            var job = new HeadsJob<TLanes, TVector>(qBase, kBase, vBase, outBase, scratchBase,
                ScratchSize(n, dim, heads), keyRows, n, dim, heads, queries, scale);
            // Heads split over the threads when the scores are many; each head's arithmetic is the same either way.
            long work = (long)queries * n * dim;
            WorkerPool.Run(work < ThreadingThreshold ? 1 : Math.Min(KernelThreads.Count, heads), job);
        }
    }

    // Below this many multiply-adds (queries x keys x dim) the heads stay on the calling thread.
    private const long ThreadingThreshold = 1L << 18;

    [ThreadStatic] private static float[]? t_scratch;

    // Part p runs its share of the heads: part 0 in the caller's scratch, the others in their thread's own.
    private readonly unsafe struct HeadsJob<TLanes, TVector>(float* q, float* k, float* v, float* output,
        float* scratch, int scratchSize, int* keyRows, int n, int dim, int heads, int queries, float scale)
        : IPartitionedJob
        where TLanes : IFloatLanes<TVector>
        where TVector : struct
    {
        public void Part(int part, int parts)
        {
            int first = heads * part / parts, last = heads * (part + 1) / parts;
            if (part == 0)
            {
                Heads(first, last, scratch);
                return;
            }
            fixed (float* own = ThreadScratch.AtLeast(ref t_scratch, scratchSize)) Heads(first, last, own);
        }

        private void Heads(int first, int last, float* scratchBase)
        {
            int dh = dim / heads, padded = Padded(n);
            float* transposed = scratchBase, firstScores = scratchBase + dh * padded;
            float* secondScores = firstScores + padded;
            float* values = secondScores + padded;
            for (int h = first; h < last; h++)
            {
                int head = h * dh;
                // Visible keys' head slice as [dh, padded] (zeros past n), their value rows as [n, dh].
                for (int j = 0; j < n; j++)
                {
                    float* key = k + (nint)keyRows[j] * dim + head, value = v + (nint)keyRows[j] * dim + head;
                    for (int d = 0; d < dh; d++)
                    {
                        transposed[d * padded + j] = key[d];
                        values[j * dh + d] = value[d];
                    }
                }
                for (int d = 0; d < dh; d++) new Span<float>(transposed + d * padded + n, padded - n).Clear();
                // Queries in pairs (the last alone runs as a pair with itself), sharing every key and value load.
                for (int i = 0; i < queries; i += 2)
                {
                    int second = Math.Min(i + 1, queries - 1);
                    float* q0 = q + (nint)i * dim + head, q1 = q + (nint)second * dim + head;
                    Scores<TLanes, TVector>(q0, q1, transposed, dh, padded, scale, firstScores, secondScores);
                    var weights0 = new Span<float>(firstScores, n);
                    var weights1 = new Span<float>(secondScores, n);
                    float sum0 = Exponentials<TLanes, TVector>(new Span<float>(firstScores, padded), n,
                        Max<TLanes, TVector>(weights0));
                    float sum1 = Exponentials<TLanes, TVector>(new Span<float>(secondScores, padded), n,
                        Max<TLanes, TVector>(weights1));
                    WeightedValues<TLanes, TVector>(firstScores, secondScores, n, values, dh, 1f / sum0, 1f / sum1,
                        output + (nint)i * dim + head, output + (nint)second * dim + head);
                }
            }
        }
    }

    // scores0/1[c] = scale * q0/1 . keys[c] for every padded key: four lane chunks of keys per pass, two queries.
    private static unsafe void Scores<TLanes, TVector>(float* q0, float* q1, float* transposed, int dh, int padded,
        float scale, float* scores0, float* scores1)
        where TLanes : IFloatLanes<TVector>
        where TVector : struct
    {
        int w = TLanes.Count;
        var factor = TLanes.Broadcast(scale);
        for (int c = 0; c < padded; c += 4 * w)
        {
            TVector a0 = default, a1 = default, a2 = default, a3 = default;
            TVector b0 = default, b1 = default, b2 = default, b3 = default;
            float* column = transposed + c;
            for (int d = 0; d < dh; d++, column += padded)
            {
                TVector x0 = TLanes.Broadcast(q0[d]), x1 = TLanes.Broadcast(q1[d]);
                TVector k0 = TLanes.LoadAt(column), k1 = TLanes.LoadAt(column + w);
                TVector k2 = TLanes.LoadAt(column + 2 * w), k3 = TLanes.LoadAt(column + 3 * w);
                a0 = TLanes.MultiplyAdd(x0, k0, a0);
                a1 = TLanes.MultiplyAdd(x0, k1, a1);
                a2 = TLanes.MultiplyAdd(x0, k2, a2);
                a3 = TLanes.MultiplyAdd(x0, k3, a3);
                b0 = TLanes.MultiplyAdd(x1, k0, b0);
                b1 = TLanes.MultiplyAdd(x1, k1, b1);
                b2 = TLanes.MultiplyAdd(x1, k2, b2);
                b3 = TLanes.MultiplyAdd(x1, k3, b3);
            }
            TLanes.StoreAt(TLanes.Multiply(a0, factor), scores0 + c);
            TLanes.StoreAt(TLanes.Multiply(a1, factor), scores0 + c + w);
            TLanes.StoreAt(TLanes.Multiply(a2, factor), scores0 + c + 2 * w);
            TLanes.StoreAt(TLanes.Multiply(a3, factor), scores0 + c + 3 * w);
            TLanes.StoreAt(TLanes.Multiply(b0, factor), scores1 + c);
            TLanes.StoreAt(TLanes.Multiply(b1, factor), scores1 + c + w);
            TLanes.StoreAt(TLanes.Multiply(b2, factor), scores1 + c + 2 * w);
            TLanes.StoreAt(TLanes.Multiply(b3, factor), scores1 + c + 3 * w);
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

    // weights[j] = e^(weights[j] - max) for j < n; returns their sum. The last, partial vector runs as one vector
    // Exp over the padded row (equal to the scalar form lane by lane); its lanes past n are not summed.
    private static float Exponentials<TLanes, TVector>(Span<float> weights, int n, float max)
        where TLanes : IFloatLanes<TVector>
        where TVector : struct
    {
        int w = TLanes.Count, j = 0;
        var maxLanes = TLanes.Broadcast(max);
        TVector sum = default;
        for (; j + w <= n; j += w)
        {
            var e = TLanes.Exp(TLanes.Subtract(TLanes.Load(weights, j), maxLanes));
            TLanes.Store(e, weights, j);
            sum = TLanes.Add(sum, e);
        }
        float total = TLanes.Sum(sum);
        if (j < n)
        {
            TLanes.Store(TLanes.Exp(TLanes.Subtract(TLanes.Load(weights, j), maxLanes)), weights, j);
            for (; j < n; j++) total += weights[j];
        }
        return total;
    }

    // context0/1[c] = sum_j weights0/1[j] values[j, c] * inverse0/1: per lane chunk, keys two at a time into two
    // accumulators per query.
    private static unsafe void WeightedValues<TLanes, TVector>(float* weights0, float* weights1, int n, float* values,
        int dh, float inverse0, float inverse1, float* context0, float* context1)
        where TLanes : IFloatLanes<TVector>
        where TVector : struct
    {
        int w = TLanes.Count, c = 0;
        for (; c + w <= dh; c += w)
        {
            TVector a0 = default, a1 = default, b0 = default, b1 = default;
            float* row = values + c;
            int j = 0;
            for (; j + 2 <= n; j += 2, row += 2 * dh)
            {
                TVector v0 = TLanes.LoadAt(row), v1 = TLanes.LoadAt(row + dh);
                a0 = TLanes.MultiplyAdd(TLanes.Broadcast(weights0[j]), v0, a0);
                a1 = TLanes.MultiplyAdd(TLanes.Broadcast(weights0[j + 1]), v1, a1);
                b0 = TLanes.MultiplyAdd(TLanes.Broadcast(weights1[j]), v0, b0);
                b1 = TLanes.MultiplyAdd(TLanes.Broadcast(weights1[j + 1]), v1, b1);
            }
            if (j < n)
            {
                TVector v0 = TLanes.LoadAt(row);
                a0 = TLanes.MultiplyAdd(TLanes.Broadcast(weights0[j]), v0, a0);
                b0 = TLanes.MultiplyAdd(TLanes.Broadcast(weights1[j]), v0, b0);
            }
            TLanes.StoreAt(TLanes.Multiply(TLanes.Add(a0, a1), TLanes.Broadcast(inverse0)), context0 + c);
            TLanes.StoreAt(TLanes.Multiply(TLanes.Add(b0, b1), TLanes.Broadcast(inverse1)), context1 + c);
        }
        for (; c < dh; c++)
        {
            float total0 = 0, total1 = 0;
            for (int j = 0; j < n; j++)
            {
                total0 = MathF.FusedMultiplyAdd(weights0[j], values[j * dh + c], total0);
                total1 = MathF.FusedMultiplyAdd(weights1[j], values[j * dh + c], total1);
            }
            context0[c] = total0 * inverse0;
            context1[c] = total1 * inverse1;
        }
    }
}
