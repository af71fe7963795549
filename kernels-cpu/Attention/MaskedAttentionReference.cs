namespace Qail.Kernels.Cpu;

/// <summary>
/// Scalar reference of <see cref="MaskedAttentionKernel"/>: the textbook steps, one query, head and key at a time
/// (scores, max, exp by <see cref="ExpPolynomial"/>, sum, weighted values divided by the sum), in float as the SIMD
/// paths compute.
/// </summary>
public static class MaskedAttentionReference
{
    /// <summary>
    /// The contract of <see cref="MaskedAttentionKernel.Forward"/> (shapes checked there), with
    /// <paramref name="weights"/> (one float per visible key) for the softmax.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int dim, int heads,
        float scale, ReadOnlySpan<int> keys, Span<float> output, Span<float> weights)
    {
        int dh = dim / heads, n = keys.Length, queries = q.Length / dim;
        if (weights.Length < n)
            throw new ArgumentException($"MaskedAttentionReference: {weights.Length} weights for {n} keys.",
                nameof(weights));
        for (int h = 0; h < heads; h++)
            for (int i = 0; i < queries; i++)
            {
                int row = i * dim + h * dh;
                float max = float.NegativeInfinity;
                for (int j = 0; j < n; j++)
                {
                    int key = keys[j] * dim + h * dh;
                    float dot = 0;
                    for (int d = 0; d < dh; d++) dot = MathF.FusedMultiplyAdd(q[row + d], k[key + d], dot);
                    weights[j] = dot * scale;
                    max = MathF.Max(max, weights[j]);
                }
                float sum = 0;
                for (int j = 0; j < n; j++) sum += weights[j] = ExpPolynomial.Scalar(weights[j] - max);
                for (int c = 0; c < dh; c++)
                {
                    float total = 0;
                    for (int j = 0; j < n; j++)
                        total = MathF.FusedMultiplyAdd(weights[j], v[keys[j] * dim + h * dh + c], total);
                    output[row + c] = total * (1f / sum);
                }
            }
    }
}
